"""Parity harness: structured diffs of two HTTP responses, ignored paths and noise."""

from __future__ import annotations

import gzip
import json

from proxy.parity import HttpResponse, ParityRules, compare_responses, detect_noise
from proxy.parity.html import normalise_html

JSON = (("Content-Type", "application/json; charset=UTF-8"),)


def response(body: object | bytes, status: int = 200, headers: tuple[tuple[str, str], ...] = JSON) -> HttpResponse:
    raw = body if isinstance(body, bytes) else json.dumps(body, separators=(",", ":")).encode()
    return HttpResponse(status, headers, raw)


def test_identical_responses_match() -> None:
    result = compare_responses(response([{"id": 1}]), response([{"id": 1}]))
    assert result.match and result.to_dict()["differences"] == []


def test_json_differences_have_paths() -> None:
    legacy = response([{"id": 1, "title": {"rendered": "A"}, "tags": [1, 2]}, {"id": 2}])
    candidate = response([{"id": 1, "title": {"rendered": "B"}, "tags": [1], "x": None}, {"id": "2"}])
    found = {(d.path, d.kind) for d in compare_responses(legacy, candidate).differences}
    assert found == {
        ("$[0].title.rendered", "value"),
        ("$[0].tags[1]", "missing"),
        ("$[0].x", "extra"),
        ("$[1].id", "type"),
    }


def test_status_and_chosen_headers() -> None:
    legacy = response({}, 200, (*JSON, ("X-WP-Total", "3"), ("Date", "a")))
    candidate = response({}, 404, (*JSON, ("X-WP-Total", "4"), ("Date", "b")))
    result = compare_responses(legacy, candidate, ParityRules(headers=("content-type", "x-wp-total")))
    assert [(d.path, d.legacy, d.candidate) for d in result.differences] == [
        ("status", 200, 404),
        ("headers.x-wp-total", ["3"], ["4"]),
    ]


def test_masked_header_values_compare_without_what_always_differs() -> None:
    """A comment submission's redirect names the new comment's id, and its cookies their expiry."""
    masks = (("location", (r"(?<=#comment-)\d+", r"(?<=unapproved=)\d+")), ("set-cookie", (r"expires=[^;]*",)))
    rules = ParityRules(headers=("location", "set-cookie"), masks=masks)

    def redirect(comment_id: int, expires: str, fragment: str = "") -> HttpResponse:
        location = f"http://site.test/?p=1&unapproved={comment_id}#comment-{comment_id}{fragment}"
        return response({}, 302, (("Location", location), ("Set-Cookie", f"comment_author_x=Ann; expires={expires}")))

    early, late = "Tue, 07 Dec 2027 10:00:00 GMT", "Tue, 07 Dec 2027 10:00:01 GMT"
    assert compare_responses(redirect(41, early), redirect(50, late), rules).match
    different = compare_responses(redirect(41, "x"), redirect(50, "x", fragment="-elsewhere"), rules)
    assert [d.path for d in different.differences] == ["headers.location"]
    assert different.differences[0].legacy == ["http://site.test/?p=1&unapproved=…#comment-…"]


def test_same_json_different_bytes_is_a_byte_difference() -> None:
    legacy = response(b'{"a":"x\\/y","b":1}')
    for candidate in (b'{"a":"x/y","b":1}', b'{"b":1,"a":"x\\/y"}'):
        (difference,) = compare_responses(legacy, response(candidate)).differences
        assert difference.kind == "bytes" and difference.path == "body"
        assert difference.legacy["offset"] == difference.candidate["offset"]


def test_ignored_paths() -> None:
    legacy = response([{"id": 1, "guid": "a", "meta": {"t": 1}}, {"id": 2, "guid": "b", "meta": {"t": 2}}])
    candidate = response([{"id": 1, "guid": "c", "meta": {"t": 3}}, {"id": 2, "guid": "d", "meta": {"t": 4}}])
    result = compare_responses(legacy, candidate, ParityRules(ignore=("$[*].guid", "$..t")))
    assert result.match and result.ignored == 4


def test_gzip_bodies_are_compared_decoded() -> None:
    headers = (*JSON, ("Content-Encoding", "gzip"))
    legacy = response(gzip.compress(b'{"a":1}', mtime=0), headers=headers)
    candidate = response(gzip.compress(b'{"a":1}', mtime=1, compresslevel=1), headers=headers)
    assert legacy.body != candidate.body
    assert compare_responses(legacy, candidate).match


def test_html_is_normalised() -> None:
    html = (("Content-Type", "text/html; charset=UTF-8"),)
    legacy = response(b'<p  class="a" id="x">Hello\n  world</p><!-- c -->', headers=html)
    same = response(b'<p id="x" class="a">Hello world</p>', headers=html)
    other = response(b'<p id="x" class="a">Hello there</p>', headers=html)
    assert compare_responses(legacy, same).match
    (difference,) = compare_responses(legacy, other).differences
    assert difference.kind == "html" and difference.legacy == "Hello world"
    assert normalise_html("<br/><BR>") == ["<br>", "<br>"]


def test_plain_bodies_compare_bytes() -> None:
    text = (("Content-Type", "text/plain"),)
    (difference,) = compare_responses(response(b"abc", headers=text), response(b"abd", headers=text)).differences
    assert difference.path == "body" and difference.legacy["offset"] == 2


def test_noise_detection_like_diffy() -> None:
    first = response([{"id": 1, "nonce": "a1", "n": 1}, {"id": 2, "nonce": "b1", "n": 2}])
    second = response([{"id": 1, "nonce": "a2", "n": 1}, {"id": 2, "nonce": "b2", "n": 2}])
    noise = detect_noise(first, second)
    assert noise == frozenset({"$[*].nonce"})
    candidate = response([{"id": 1, "nonce": "zz", "n": 1}, {"id": 2, "nonce": "yy", "n": 3}])
    result = compare_responses(first, candidate, ParityRules(noise=noise))
    assert [d.path for d in result.differences] == ["$[1].n"]
    assert [d.path for d in result.noise] == ["$[0].nonce", "$[1].nonce"]
    only_noise = compare_responses(first, second, ParityRules(noise=noise))
    assert only_noise.match and len(only_noise.noise) == 2


def test_arrays_of_items_are_aligned_by_id() -> None:
    items = [{"id": n, "title": f"t{n}"} for n in range(1, 7)]
    # 9 added in front, 2 changed, 3 moved to the end, 5 missing
    candidate = [{"id": 9, "title": "new"}, items[0], {**items[1], "title": "changed"}, items[3], items[5], items[2]]
    result = compare_responses(response(items), response(candidate))
    assert [(d.path, d.kind, d.legacy, d.candidate) for d in result.differences] == [
        ("$[2]", "moved", 2, 5),
        ("$[4]", "missing", {"object_keys": ["id", "title"]}, None),
        ("$[0]", "extra", None, {"object_keys": ["id", "title"]}),
        ("$[1].title", "value", "t2", "changed"),
    ]


def test_whole_items_are_never_learned_as_noise() -> None:
    first = response([{"id": 1, "t": "a"}, {"id": 2, "t": "b"}])
    second = response([{"id": 2, "t": "b"}, {"id": 1, "t": "a"}])
    assert detect_noise(first, second) == frozenset()
