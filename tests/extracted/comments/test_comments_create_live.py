"""Writes to ``/wp/v2/comments[/ID]`` on the real stack: WordPress and the comments service asked the same
visitor requests directly, their status, body bytes and the REST server's headers compared.

The matrix: no body, form and JSON bodies, invalid JSON, each argument valid and invalid (types,
emails, URLs, IPs, dates, statuses, arrays), query arguments on a ``POST``, ``?rest_route=``,
``_fields`` and ``_envelope``, ``Allow`` (only a listing the request could read names ``GET``), an
``Origin``, ``PUT``/``PATCH``/``DELETE`` of the collection and of a comment, ``comment_registration`` on
and off; the forms the service declines (503, WordPress answers) are checked to be declined. Nothing is
stored by either: WordPress's ``wp_comments`` is the same before and after.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from tests.cdc.harness import query
from tests.extracted.content.content_parity import visitor_clients
from tests.stack_fixture import StackHandle

pytestmark = pytest.mark.stack

# demo posts (wordpress/demo.py): 9115 has the seed's comments, 9105 is private, 9106 protected by "open-sesame"
GALORE, PRIVATE, PROTECTED = 9115, 9105, 9106
#: the headers WordPress's REST server sends (the rest is nginx's and PHP's: date, server, framing)
REST_HEADERS = frozenset({
    "content-type", "x-robots-tag", "link", "x-content-type-options", "access-control-expose-headers",
    "access-control-allow-headers", "allow", "vary", "access-control-allow-origin", "access-control-allow-methods",
    "access-control-allow-credentials", "x-wp-total", "x-wp-totalpages",
})  # fmt: skip
FORM, JSON = "application/x-www-form-urlencoded", "application/json"
Case = tuple[str, str, bytes | None, str | None, dict[str, str]]


def wait_for(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s")
        time.sleep(0.2)


def case(method: str, url: str, body: bytes | None = None, content_type: str | None = None, **headers: str) -> Case:
    return method, url, body, content_type, {name.replace("_", "-"): value for name, value in headers.items()}


@pytest.fixture(scope="module")
def service(stack: StackHandle) -> str:
    comments = stack.refresh().get("comments")
    if not comments or not comments.get("url"):
        pytest.skip("the stack runs no comments service (extracted/capabilities.yaml)")
    url = str(comments["url"])
    wait_for(lambda: httpx.get(f"{url}/healthz", timeout=2).json()["caught_up"], 120)
    return url


def _comment(stack: StackHandle, approved: str) -> int:
    rows = query(stack.components, "SELECT MIN(comment_ID) FROM wp_comments WHERE comment_post_ID = %s AND "
                 "comment_approved = %s", (GALORE, approved))  # fmt: skip
    assert rows[0][0] is not None, f"the demo seed has a comment {approved!r} on {GALORE}"
    return int(rows[0][0])


def _matrix(approved: int, held: int) -> list[Case]:
    collection = "/wp-json/wp/v2/comments"
    listing = f"{collection}?status=approve&type=comment"
    return [
        case("POST", collection),
        case("POST", collection, b"post=%d&content=Hi&author_name=Ann&author_email=ann@example.org" % GALORE, FORM),
        case("POST", collection, b"post=abc&author_ip=1.2.3&author_email=x&date=yesterday&parent=a&meta=1", FORM),
        case("POST", collection, json.dumps({"post": GALORE, "content": "Hi", "author_name": "Ann"}).encode(), JSON),
        case("POST", collection, b'{"post": true, "author": 1.5, "author_email": [], "meta": 5, "date": 2024}', JSON),
        case("POST", collection, b'{"post": ', JSON),
        case("POST", collection, b'{"content": "a\tb"}', JSON),
        case("POST", collection, b'{"content": "\xff"}', JSON),
        case("POST", collection, b'{"content": "\\ud800"}', JSON),
        case("POST", collection, b'"a string"', JSON),
        case("POST", collection, b'{"post": null, "author_email": null}', JSON),
        case("POST", collection, b"0", JSON),
        case("POST", collection, b"post=abc", "text/plain"),
        case("POST", collection, b"post=abc", "Application/JSON; charset=UTF-8"),
        case("POST", collection, b'{"post": "abc"}', "application/vnd.api+json"),
        case("POST", collection, b"author=1&author_ip=127.0.0.1&author_url=not%20a%20url", FORM),
        case("POST", collection, b"author=abc&author_ip=::ffff:1.2.3.4&author_name[]=x", FORM),
        case("POST", collection, b"author_ip=2001:db8:::1&author_user_agent[]=x", FORM),
        case("POST", collection, b"author_ip=127.0.0.1%0A&author_email=", FORM),
        case("POST", collection, b"author_email=ann@example", FORM),
        case("POST", collection, b'{"author_email": 0, "author_url": [], "author_user_agent": 5}', JSON),
        case("POST", collection, b'{"content": {"raw": 5}, "type": "pingback", "id": "x", "link": 1}', JSON),
        case("POST", collection, b"date=2024-02-30T00:00:00&date_gmt=2024-01-01 10:00:00%2B02:00", FORM),
        case("POST", collection, b"date=2024-01-01T00:00:00z&date_gmt=2024-13-01T00:00:00", FORM),
        case("POST", collection, b"parent=-1&post=-5&status=hold", FORM),
        case("POST", collection, b'{"parent": 1.0, "post": " 5 ", "status": 1}', JSON),
        case("POST", collection, b"meta[a]=1&status=approved", FORM),
        case("POST", collection, b'{"meta": {"a": [1]}, "author": "1e400"}', JSON),
        case("POST", f"{collection}?post=abc", b"post=%d" % GALORE, FORM),
        case("POST", f"{collection}?post=%d" % GALORE, b'{"post": "abc"}', JSON),
        case("POST", f"{collection}?author_email=bad", b"author_email=ann@example.org", FORM),
        case("POST", listing),
        case("POST", listing.replace("approve", "APPROVE")),
        case("POST", f"{listing}&post={PRIVATE}"),
        case("POST", f"{listing}&post={PROTECTED}&password=open-sesame"),
        case("POST", f"{listing}&post={PRIVATE}", b'{"post": null}', JSON),
        case("POST", f"{listing}&post=abc"),
        case("POST", f"{listing}&author_email=bad"),
        case("POST", f"{listing}&context=edit"),
        case("POST", f"{collection}?_fields=id,link", b"post=%d" % GALORE, FORM),
        case("POST", f"{collection}?_envelope=1&author_email=bad"),
        case("POST", f"{listing}&_envelope=1&_embed=1"),
        case("POST", collection, origin="http://elsewhere.example"),
        case("POST", "/?rest_route=/wp/v2/comments", b"post=%d&content=Hi" % GALORE, FORM),
        case("POST", "/index.php?rest_route=/wp/v2/comments/&author=x"),
        case("POST", "/wp-json/wp/v2/Comments/"),
        case("PUT", collection),
        case("PATCH", collection, b'{"post": ', JSON),
        case("DELETE", f"{collection}?_envelope=1"),
        case("PUT", f"{collection}/{approved}"),
        case("PATCH", f"{collection}/{approved}", b'{"content": "Edited"}', JSON),
        case("POST", f"{collection}/{approved}", b"author_ip=x&status[]=1", FORM),
        case("PUT", f"{collection}/{held}"),
        case("PUT", f"{collection}/{approved}?id={held}"),
        case("PUT", f"{collection}/{approved}?id=999999"),
        case("PUT", f"{collection}/{approved}", b'{"id": null}', JSON),
        case("PATCH", f"{collection}/{approved}", b"author_ip=x"),  # a body without a content type is read
        case("PUT", f"{collection}/{approved}?context=edit"),
        case("DELETE", f"{collection}/{approved}"),
        case("DELETE", f"{collection}/{approved}?force=yes&password[]=x"),
        case("DELETE", f"{collection}/{approved}", b'{"force": null}', JSON),
        case("DELETE", f"{collection}/{approved}", b'{"force": 1, "password": "x"}', JSON),
        case("DELETE", f"{collection}/{held}?force=true"),
        case("DELETE", f"{collection}/999999"),
        case("DELETE", f"/index.php?rest_route=/wp/v2/comments/{approved}", origin="null"),
        case("POST", f"{collection}/0"),
    ]


#: forms of request the service leaves to WordPress (credentials, method overrides, ...)
DECLINED = [
    case("POST", "/wp-json/wp/v2/comments", cookie="wordpress_logged_in_0123=x"),
    case("POST", "/wp-json/wp/v2/comments", authorization="Basic eDp5"),
    case("POST", "/wp-json/wp/v2/comments", x_wp_nonce="0123456789"),
    case("POST", "/wp-json/wp/v2/comments?_method=PUT"),
    case("POST", "/wp-json/wp/v2/comments", b"--x\r\n\r\n--x--\r\n", "multipart/form-data; boundary=x"),
    case("POST", "/wp-json/wp/v2/comments?s=1", b"s=2", FORM),
    case("DELETE", "/?rest_route=/wp/v2/comments/1"),
    case("POST", "/wp-json/wp/v2/comments?author_url[]=x", b"author_url=y", FORM),
]


def _shown(answer: httpx.Response, *, vary: bool = True) -> tuple[int, list[tuple[str, str]], bytes]:
    headers = [(name, value) for name, value in answer.headers.multi_items()
               if name in REST_HEADERS and (vary or name != "vary")]  # fmt: skip
    return answer.status_code, headers, answer.content


def _ask(client: httpx.Client, request: Case) -> httpx.Response:
    method, url, body, content_type, headers = request
    sent = {**headers, **({"content-type": content_type} if content_type else {})}
    return client.request(method, url, content=body, headers=sent)


@contextmanager
def _registration(stack: StackHandle, value: str) -> Iterator[None]:
    """``comment_registration`` set to ``value`` for a while (then as it was)."""
    statement = "SELECT option_value FROM wp_options WHERE option_name = 'comment_registration'"
    (before,) = query(stack.components, statement)[0]
    update = "UPDATE wp_options SET option_value = %s WHERE option_name = 'comment_registration'"
    query(stack.components, update, (value,))
    try:
        yield
    finally:
        query(stack.components, update, (before,))


def _counts(stack: StackHandle) -> tuple[Any, ...]:
    return tuple(query(stack.components, "SELECT COUNT(*), MAX(comment_ID) FROM wp_comments")[0])


def _compare(wordpress: httpx.Client, service: httpx.Client, matrix: list[Case]) -> tuple[int, list[str], list[str]]:
    equal, differences, declined = 0, [], []
    for request in matrix:
        legacy, candidate = _ask(wordpress, request), _ask(service, request)
        if candidate.status_code == 503 and "x-strangler-unavailable" in candidate.headers:
            declined.append(f"{request[:2]}: {candidate.headers['x-strangler-unavailable']}")
        elif _shown(legacy) == _shown(candidate):
            equal += 1
        else:
            differences.append(f"{request}\n  WordPress {_shown(legacy)}\n  service   {_shown(candidate)}")
    return equal, differences, declined


def test_writes_answered_as_wordpress_answers_a_visitor(stack: StackHandle, service: str) -> None:
    approved, held = _comment(stack, "1"), _comment(stack, "0")
    wait_for(lambda: httpx.get(f"{service}/wp-json/wp/v2/comments/{approved}", timeout=2).status_code == 200, 60)
    before = _counts(stack)
    matrix = _matrix(approved, held)
    wordpress, candidate = visitor_clients(stack.components, service)
    with wordpress, candidate:
        equal, differences, declined = _compare(wordpress, candidate, matrix)
        with _registration(stack, "1"):
            registered = [case("POST", "/wp-json/wp/v2/comments", b"post=%d&content=Hi" % GALORE, FORM),
                          case("POST", "/wp-json/wp/v2/comments", b'{"post": "abc"}', JSON),
                          case("POST", "/wp-json/wp/v2/comments?status=approve&type=comment")]  # fmt: skip
            more, registered_differences, registered_declined = _compare(wordpress, candidate, registered)
        refused = [request for request in DECLINED if _ask(candidate, request).status_code != 503]
        for request in DECLINED:  # what the proxy then serves
            print(f"  DECLINED {request[:2]}: WordPress {_shown(_ask(wordpress, request))[::2]!r:.150}")
        # HEAD is the read routes' answer: equal but for Vary, which WordPress sends to a GET only
        heads = [f"/wp-json/wp/v2/comments?post={GALORE}", f"/wp-json/wp/v2/comments/{approved}"]
        head_pairs = [(wordpress.head(url), candidate.head(url)) for url in heads]
    total = len(matrix) + len(registered)
    print(f"\ncomment writes: {equal + more}/{total} equal, declined {declined + registered_declined}")
    for difference in differences + registered_differences:
        print(f"  DIFF {difference}")
    assert not differences and not registered_differences
    assert not declined and not registered_declined and equal + more == total >= 60
    assert not refused, refused
    assert all(_shown(legacy, vary=False) == _shown(answer, vary=False) for legacy, answer in head_pairs)
    assert _counts(stack) == before  # nothing stored, by either
