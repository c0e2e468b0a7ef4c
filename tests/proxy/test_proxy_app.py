"""The public app driven in-process: pass-through, cutover, fallback, canary, shadow."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from tests.proxy.fakes import FakeUpstreams, routes_yaml

pytestmark = pytest.mark.anyio
POSTS = [{"id": 1, "title": {"rendered": "Hello"}}]


async def wordpress(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/redirect":
        return httpx.Response(301, headers={"Location": "/elsewhere"})
    if request.url.path.startswith("/wp-json/wp/v2/posts"):
        return httpx.Response(200, json=POSTS, headers={"X-WP-Total": "1"})
    return httpx.Response(
        200,
        content=b"<html>wp</html>",
        headers=[("Set-Cookie", "a=1; Path=/"), ("Set-Cookie", "b=2; Path=/"), ("Content-Type", "text/html")],
    )


async def service(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=POSTS, headers={"X-WP-Total": "1", "X-Served-By": "service"})


async def test_pass_through_keeps_host_headers_and_adds_forwarded(make_harness) -> None:  # type: ignore[no-untyped-def]
    upstreams = FakeUpstreams(wordpress)
    async with make_harness(upstreams) as h:
        answer = await h.client.post(
            "/wp-login.php?x=1",
            content=b"log=admin",
            headers={"Cookie": "c=1", "X-Forwarded-For": "10.0.0.1"},
        )
        redirect = await h.client.get("/redirect")
    assert answer.status_code == 200 and answer.text == "<html>wp</html>"
    assert answer.headers.get_list("set-cookie") == ["a=1; Path=/", "b=2; Path=/"]
    assert redirect.status_code == 301 and redirect.headers["location"] == "/elsewhere"
    sent = upstreams.seen["wordpress"][0]
    assert (sent.method, sent.url.raw_path, sent.content) == ("POST", b"/wp-login.php?x=1", b"log=admin")
    assert sent.headers["host"] == "site.test" and sent.headers["x-forwarded-host"] == "site.test"
    assert sent.headers["x-forwarded-for"] == "10.0.0.1, 127.0.0.1"
    assert sent.headers["x-forwarded-proto"] == "http" and sent.headers["cookie"] == "c=1"
    assert len(upstreams.seen["wordpress"]) == 2 and not upstreams.seen["service"]


async def test_cutover_serves_from_the_service(make_harness) -> None:  # type: ignore[no-untyped-def]
    upstreams = FakeUpstreams(wordpress, service)
    async with make_harness(upstreams, routes_yaml("cutover")) as h:
        answer = await h.client.get("/wp-json/wp/v2/posts/1", headers={"Cookie": "c=1"})
        other = await h.client.get("/")
    assert answer.headers["x-served-by"] == "service" and answer.json() == POSTS
    assert upstreams.seen["service"][0].headers["cookie"] == "c=1"  # the service answers for real
    assert other.text == "<html>wp</html>"


async def test_an_editor_gets_wordpress_on_a_cut_over_route(make_harness) -> None:  # type: ignore[no-untyped-def]
    upstreams = FakeUpstreams(wordpress, service)
    editor = {"Cookie": "wp-settings-1=x; wordpress_logged_in_0a1b=admin%7C1", "X-WP-Nonce": "abc"}
    async with make_harness(upstreams, routes_yaml("cutover")) as h:
        edit = await h.client.get("/wp-json/wp/v2/posts/1?context=edit", headers=editor)
        preview = await h.client.get("/wp-json/wp/v2/posts/1?preview=true")
        odd = await h.client.get("/wp-json/wp/v2/posts%2F1")
        anonymous = await h.client.get("/wp-json/wp/v2/posts/1")
        await h.runtime.flush()
        stats = (await h.admin.get("/api/stats")).json()["routes"]["posts"]
    assert ["x-served-by" in a.headers for a in (edit, preview, odd, anonymous)] == [False, False, False, True]
    sent = upstreams.seen["wordpress"][0]
    assert sent.headers["cookie"] == editor["Cookie"] and sent.headers["x-wp-nonce"] == "abc"
    assert len(upstreams.seen["service"]) == 1
    assert (stats["requests"], stats["personal"], stats["kept_personal"], stats["kept_url_form"]) == (4, 2, 2, 1)


@pytest.mark.parametrize("failure", ["connect", "5xx", "timeout"])
async def test_fallback_to_wordpress(make_harness, failure: str) -> None:  # type: ignore[no-untyped-def]
    async def broken(request: httpx.Request) -> httpx.Response:
        if failure == "timeout":
            await asyncio.sleep(5)
        return httpx.Response(503)

    upstreams = FakeUpstreams(wordpress, None if failure == "connect" else broken)
    async with make_harness(upstreams, routes_yaml("cutover", timeout=0.2)) as h:
        answer = await h.client.get("/wp-json/wp/v2/posts")
        await h.runtime.flush()
        stats = (await h.admin.get("/api/stats")).json()["routes"]["posts"]
    assert answer.status_code == 200 and "x-served-by" not in answer.headers
    assert stats["fallbacks"] == 1 and stats["requests"] == 1


async def test_no_fallback_when_disabled(make_harness) -> None:  # type: ignore[no-untyped-def]
    async with make_harness(FakeUpstreams(wordpress), routes_yaml("cutover", fallback="false")) as h:
        answer = await h.client.get("/wp-json/wp/v2/posts")
    assert answer.status_code == 502


async def test_wordpress_down_is_a_502(make_harness) -> None:  # type: ignore[no-untyped-def]
    async def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    async with make_harness(FakeUpstreams(down)) as h:
        answer = await h.client.get("/")
    assert answer.status_code == 502


async def test_canary_sets_a_sticky_cookie(make_harness) -> None:  # type: ignore[no-untyped-def]
    upstreams = FakeUpstreams(wordpress, service)
    async with make_harness(upstreams, routes_yaml("canary", canary_percent=50)) as h:
        served = []
        for _ in range(40):
            first = await h.client.get("/wp-json/wp/v2/posts")
            visitor = first.cookies["strangler_visitor"]
            h.client.cookies.clear()
            again = await h.client.get("/wp-json/wp/v2/posts", headers={"Cookie": f"strangler_visitor={visitor}"})
            assert "set-cookie" not in again.headers
            by_service = "x-served-by" in first.headers
            assert by_service == ("x-served-by" in again.headers)
            served.append(by_service)
    assert 5 < sum(served) < 35


async def test_shadow_compares_after_answering(make_harness) -> None:  # type: ignore[no-untyped-def]
    async def different(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/2"):
            return httpx.Response(200, json=[{"id": 1, "title": {"rendered": "Other"}}], headers={"X-WP-Total": "1"})
        return await service(request)

    upstreams = FakeUpstreams(wordpress, different)
    routes = routes_yaml("shadow", compare="{headers: [content-type, x-wp-total]}")
    async with make_harness(upstreams, routes) as h:
        for target in ("/wp-json/wp/v2/posts/1", "/wp-json/wp/v2/posts/2"):
            answer = await h.client.get(target, headers={"Cookie": "theme=dark; wordpress_test_cookie=WP"})
            assert answer.json() == POSTS and "x-served-by" not in answer.headers
        await h.runtime.shadow.drain()
        rows = (await h.admin.get("/api/comparisons", params={"route": "posts"})).json()["comparisons"]
        mismatches = (await h.admin.get("/api/comparisons", params={"match": "false"})).json()["comparisons"]
        stats = (await h.admin.get("/api/stats")).json()["routes"]["posts"]
    assert sorted(r["outcome"] for r in rows) == ["match", "mismatch"]
    (mismatch,) = mismatches
    assert mismatch["target"] == "/wp-json/wp/v2/posts/2"
    assert [d["path"] for d in mismatch["diff"]["differences"]] == ["$[0].title.rendered"]
    assert stats["match_percent"] == 50.0 and stats["legacy_ms"]["p50"] is not None
    for sent in upstreams.seen["service"]:
        assert "cookie" not in sent.headers and "authorization" not in sent.headers


async def test_a_declined_shadow_copy_is_no_difference(make_harness) -> None:  # type: ignore[no-untyped-def]
    """The service declines what it does not reproduce (503 + X-Strangler-Unavailable); in cutover the proxy
    would let WordPress answer it, so in shadow it is counted apart, not against the route's parity."""

    async def declining(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/2"):
            return httpx.Response(503, json={"code": "strangler_content_unavailable"},
                                  headers={"X-Strangler-Unavailable": "embed"})  # fmt: skip
        return await service(request)

    async with make_harness(FakeUpstreams(wordpress, declining), routes_yaml("shadow")) as h:
        for target in ("/wp-json/wp/v2/posts/1", "/wp-json/wp/v2/posts/2"):
            assert (await h.client.get(target)).json() == POSTS
        await h.runtime.shadow.drain()
        rows = (await h.admin.get("/api/comparisons", params={"route": "posts"})).json()["comparisons"]
        stats = (await h.admin.get("/api/stats")).json()["routes"]["posts"]
    assert sorted(r["outcome"] for r in rows) == ["declined", "match"]
    assert stats["match_percent"] == 100.0
    assert next(r for r in rows if r["outcome"] == "declined")["error"] == "declined by the service: embed"


async def test_shadow_skips_unsafe_methods(make_harness) -> None:  # type: ignore[no-untyped-def]
    upstreams = FakeUpstreams(wordpress, service)
    routes = routes_yaml("shadow", methods="[GET, POST]")
    async with make_harness(upstreams, routes) as h:
        await h.client.post("/wp-json/wp/v2/posts", content=b"{}")
        await h.client.get("/wp-json/wp/v2/posts?_method=POST")
        await h.client.get("/wp-json/wp/v2/posts", headers={"X-HTTP-Method-Override": "DELETE"})
        await h.runtime.shadow.drain()
    assert upstreams.seen["service"] == [] and len(upstreams.seen["wordpress"]) == 3


async def test_shadow_forwards_credentials_when_opted_in(make_harness) -> None:  # type: ignore[no-untyped-def]
    upstreams = FakeUpstreams(wordpress, service)
    async with make_harness(upstreams, routes_yaml("shadow", shadow="{forward_credentials: true}")) as h:
        await h.client.get("/wp-json/wp/v2/posts", headers={"Cookie": "c=1"})
        await h.runtime.shadow.drain()
    assert upstreams.seen["service"][0].headers["cookie"] == "c=1"


async def test_full_shadow_queue_drops_and_counts(make_harness) -> None:  # type: ignore[no-untyped-def]
    gate = asyncio.Event()

    async def slow(request: httpx.Request) -> httpx.Response:
        await gate.wait()
        return await service(request)

    upstreams = FakeUpstreams(wordpress, slow)
    async with make_harness(upstreams, routes_yaml("shadow"), shadow_queue_size=2, shadow_concurrency=1) as h:
        for _ in range(6):
            assert (await h.client.get("/wp-json/wp/v2/posts")).status_code == 200
        dropped = h.runtime.shadow.dropped
        gate.set()
        await h.runtime.shadow.drain()
        stats = (await h.admin.get("/api/stats")).json()["routes"]["posts"]
    assert 3 <= dropped <= 4 and stats["shadow_dropped"] == dropped


async def test_noise_is_learned_and_excluded(make_harness) -> None:  # type: ignore[no-untyped-def]
    counter = iter(range(1000))

    async def noisy_wordpress(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"id": 1, "nonce": next(counter)})

    async def candidate(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"id": 1, "nonce": -1})

    upstreams = FakeUpstreams(noisy_wordpress, candidate)
    async with make_harness(upstreams, routes_yaml("shadow", shadow="{noise_sample_percent: 100}")) as h:
        await h.client.get("/wp-json/wp/v2/posts")
        await h.runtime.shadow.drain()
        noise = (await h.admin.get("/api/noise")).json()["noise"]
        (row,) = (await h.admin.get("/api/comparisons")).json()["comparisons"]
    assert noise == {"posts": ["$.nonce"]}
    assert row["outcome"] == "noise" and row["diff"]["noise"][0]["path"] == "$.nonce"
    assert json.loads(json.dumps(row["diff"]))["differences"] == []


class _BrokenBody(httpx.AsyncByteStream):
    """An answer whose body fails after its first chunk (a service killed mid-answer)."""

    async def __aiter__(self):  # type: ignore[no-untyped-def]
        yield b'[{"id": 1'
        raise httpx.ReadError("connection reset")


async def test_a_safe_answer_that_breaks_midway_is_replaced_by_wordpress(make_harness) -> None:  # type: ignore[no-untyped-def]
    async def dying(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=_BrokenBody(), headers={"X-Served-By": "service"})

    upstreams = FakeUpstreams(wordpress, dying)
    async with make_harness(upstreams, routes_yaml("cutover")) as h:
        answer = await h.client.get("/wp-json/wp/v2/posts")
    assert answer.status_code == 200 and answer.json() == POSTS and "x-served-by" not in answer.headers
    assert len(upstreams.seen["wordpress"]) == 1


@pytest.mark.parametrize("failure", ["timeout", "reset", "500"])
async def test_a_write_the_service_may_have_done_is_not_replayed_at_wordpress(make_harness, failure: str) -> None:  # type: ignore[no-untyped-def]
    async def acted(request: httpx.Request) -> httpx.Response:
        if failure == "timeout":
            await asyncio.sleep(5)
        if failure == "reset":
            raise httpx.RemoteProtocolError("server disconnected without sending a response", request=request)
        return httpx.Response(500, json={"code": "internal"})

    upstreams = FakeUpstreams(wordpress, acted)
    routes = routes_yaml("cutover", methods="[GET, POST]", timeout=0.2)
    async with make_harness(upstreams, routes) as h:
        answer = await h.client.post("/wp-json/wp/v2/posts", content=b'{"title": "x"}')
        # a method override is a form of the URL that stays with WordPress, so it is never at risk
        overridden = await h.client.get("/wp-json/wp/v2/posts?_method=POST")
    if failure == "500":  # the service's own account of what it did reaches the visitor
        assert answer.status_code == 500 and answer.json() == {"code": "internal"}
    else:
        assert answer.status_code == (504 if failure == "timeout" else 502)
        assert b"not repeated at WordPress" in answer.content
    assert overridden.status_code == 200
    assert [r.url.params.get("_method") for r in upstreams.seen["wordpress"]] == ["POST"]
    assert len(upstreams.seen["service"]) == 1


@pytest.mark.parametrize("failure", ["connect", "unavailable"])
async def test_a_write_the_service_did_not_take_goes_to_wordpress(make_harness, failure: str) -> None:  # type: ignore[no-untyped-def]
    async def declines(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, headers={"X-Strangler-Unavailable": "jsonp"})

    upstreams = FakeUpstreams(wordpress, None if failure == "connect" else declines)
    routes = routes_yaml("cutover", methods="[GET, POST]")
    async with make_harness(upstreams, routes) as h:
        answer = await h.client.post("/wp-json/wp/v2/posts", content=b'{"title": "x"}')
        await h.runtime.flush()
        stats = (await h.admin.get("/api/stats")).json()["routes"]["posts"]
    assert answer.status_code == 200 and answer.json() == POSTS
    (sent,) = upstreams.seen["wordpress"]
    assert (sent.method, sent.content) == ("POST", b'{"title": "x"}')
    assert stats["fallbacks"] == 1


async def test_a_plain_503_to_a_write_is_not_replayed(make_harness) -> None:  # type: ignore[no-untyped-def]
    async def busy(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, content=b"busy")

    upstreams = FakeUpstreams(wordpress, busy)
    async with make_harness(upstreams, routes_yaml("cutover", methods="[GET, POST]")) as h:
        answer = await h.client.post("/wp-json/wp/v2/posts", content=b"{}")
    assert (answer.status_code, answer.content) == (503, b"busy") and upstreams.seen["wordpress"] == []


async def test_visitors_cannot_forge_the_dry_run_header(make_harness) -> None:  # type: ignore[no-untyped-def]
    upstreams = FakeUpstreams(wordpress, service)
    async with make_harness(upstreams, routes_yaml("cutover")) as h:
        await h.client.get("/wp-json/wp/v2/posts", headers={"X-Strangler-Dry-Run": "1"})
        await h.client.get("/", headers={"X-Strangler-Dry-Run": "1"})
    for sent in upstreams.seen["service"] + upstreams.seen["wordpress"]:
        assert "x-strangler-dry-run" not in sent.headers


async def test_a_dry_run_route_gets_copies_of_writes_marked_as_such(make_harness) -> None:  # type: ignore[no-untyped-def]
    upstreams = FakeUpstreams(wordpress, service)
    routes = routes_yaml("shadow", methods="[GET, POST]", shadow="{methods: [GET, POST], dry_run: true}")
    async with make_harness(upstreams, routes) as h:
        answer = await h.client.post("/wp-json/wp/v2/posts", content=b'{"title": "x"}')
        await h.runtime.shadow.drain()
    assert answer.status_code == 200 and len(upstreams.seen["wordpress"]) == 1  # never asked twice: a write
    (copy,) = upstreams.seen["service"]
    assert (copy.method, copy.headers["x-strangler-dry-run"], copy.content) == ("POST", "1", b'{"title": "x"}')


TIED = [
    {"id": 3, "date": "2024-01-02T00:00:00", "title": {"rendered": "c"}},
    {"id": 1, "date": "2024-01-01T00:00:00", "title": {"rendered": "a"}},
    {"id": 2, "date": "2024-01-01T00:00:00", "title": {"rendered": "b"}},
]


@pytest.mark.parametrize(
    ("order", "outcome"),
    [([3, 2, 1], "equivalent"), ([1, 3, 2], "mismatch"), ([3, 1, 2], "match")],
)
async def test_the_order_of_tied_items_is_equivalent(make_harness, order: list[int], outcome: str) -> None:  # type: ignore[no-untyped-def]
    by_id = {item["id"]: item for item in TIED}

    async def tied_wordpress(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=TIED)

    async def reordering(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=[by_id[i] for i in order])

    upstreams = FakeUpstreams(tied_wordpress, reordering)
    async with make_harness(upstreams, routes_yaml("shadow", shadow="{noise_sample_percent: 0}")) as h:
        await h.client.get("/wp-json/wp/v2/posts")
        await h.runtime.shadow.drain()
        (row,) = (await h.admin.get("/api/comparisons")).json()["comparisons"]
        stats = (await h.admin.get("/api/stats")).json()["routes"]["posts"]
    assert row["outcome"] == outcome
    assert stats["match_percent"] == (0.0 if outcome == "mismatch" else 100.0)
    assert stats["equivalent_percent"] == (100.0 if outcome == "equivalent" else 0.0)


@pytest.mark.parametrize(
    ("names", "outcome"), [({"5": "PHP", "7": "php"}, "equivalent"), ({"5": "PHP", "7": "Rust"}, "mismatch")]
)
async def test_shadow_copies_ask_for_the_sort_keys_the_answer_does_not_show(  # type: ignore[no-untyped-def]
    make_harness, names: dict[str, str], outcome: str
) -> None:
    async def wordpress_post(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"id": 1, "categories": [5, 7]})

    async def stating(request: httpx.Request) -> httpx.Response:
        stated = (
            {"x-strangler-sort-keys": json.dumps({"terms": names})}
            if request.headers.get("x-strangler-sort-keys") == "1"
            else {}
        )
        return httpx.Response(200, json={"id": 1, "categories": [7, 5]}, headers=stated)

    upstreams = FakeUpstreams(wordpress_post, stating)
    async with make_harness(upstreams, routes_yaml("shadow", shadow="{noise_sample_percent: 0}")) as h:
        await h.client.get("/wp-json/wp/v2/posts/1", headers={"X-Strangler-Sort-Keys": "1"})
        await h.runtime.shadow.drain()
        (row,) = (await h.admin.get("/api/comparisons")).json()["comparisons"]
    assert row["outcome"] == outcome
    assert "x-strangler-sort-keys" not in upstreams.seen["wordpress"][0].headers  # a visitor's own is dropped
    assert upstreams.seen["service"][0].headers["x-strangler-sort-keys"] == "1"


async def test_a_visitor_never_gets_a_services_statement_of_sort_keys(make_harness) -> None:  # type: ignore[no-untyped-def]
    async def stating(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=[], headers={"X-Strangler-Sort-Keys": '{"order": []}'})

    upstreams = FakeUpstreams(wordpress, stating)
    async with make_harness(upstreams, routes_yaml("cutover")) as h:
        answer = await h.client.get("/wp-json/wp/v2/posts", headers={"X-Strangler-Sort-Keys": "1"})
    assert answer.status_code == 200 and "x-strangler-sort-keys" not in answer.headers
    assert "x-strangler-sort-keys" not in upstreams.seen["service"][0].headers
