"""The dashboard's endpoints on the admin app, in-process (components polled over real sockets)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from aiohttp import web

from proxy.dashboard import Component
from proxy.store import ComparisonRecord
from tests.proxy.fakes import FakeUpstreams, routes_yaml
from tests.proxy.proxy_processes import free_port, serve_in_thread

pytestmark = pytest.mark.anyio


async def wordpress(_request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"id": 1})


@pytest.fixture
def health_url() -> Iterator[str]:
    """A component health endpoint on a real socket (started outside the test's event loop)."""
    calls: list[str] = []

    async def healthz(request: web.Request) -> web.Response:
        calls.append(request.path)
        if request.path == "/sick":
            return web.json_response({"healthy": False, "last_error": "kafka down"}, status=503)
        return web.json_response({"healthy": True, "lag_ms": 7, "calls": len(calls)})

    app = web.Application()
    app.router.add_get("/{tail:.*}", healthz)
    port = free_port()
    with serve_in_thread(app, port):
        yield f"http://127.0.0.1:{port}"


def record(outcome: str, ts: float, target: str = "/wp-json/wp/v2/posts/1") -> ComparisonRecord:
    return ComparisonRecord(
        ts=ts, route="posts", method="GET", target=target, outcome=outcome, legacy_status=200,
        candidate_status=200, legacy_ms=10.0, candidate_ms=5.0, diff=None, error=None,
        legacy_body='{"id": 1}', candidate_body='{"id": 2}',
    )  # fmt: skip


async def test_page_is_open_and_api_needs_the_token(make_harness) -> None:  # type: ignore[no-untyped-def]
    async with make_harness(FakeUpstreams(wordpress)) as h:
        bare = httpx.AsyncClient(transport=httpx.ASGITransport(app=h.runtime.admin), base_url="http://a")
        async with bare:
            page = await bare.get("/")
            script = await bare.get("/static/app.js")
            refused = [(await bare.get(p)).status_code for p in ("/api/components", "/api/stats/history")]
    assert page.status_code == 200 and "<title>wp-strangler" in page.text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert script.status_code == 200 and "sessionStorage" not in page.text
    assert refused == [401, 401]


async def test_components_polled_and_cached(make_harness, health_url: str) -> None:  # type: ignore[no-untyped-def]
    components = (
        Component("cdc", health_url + "/healthz"),
        Component("extracted", health_url + "/sick"),
        Component("gone", f"http://127.0.0.1:{free_port()}/healthz"),
    )
    async with make_harness(FakeUpstreams(wordpress), routes_yaml("shadow"), components=components) as h:
        first = (await h.admin.get("/api/components")).json()
        second = (await h.admin.get("/api/components")).json()
    assert first["proxy"]["healthy"] is True and first["proxy"]["details"]["routes"] == 1
    assert first["cdc"]["healthy"] is True and first["cdc"]["details"]["lag_ms"] == 7
    assert first["cdc"]["latency_ms"] >= 0
    assert first["extracted"] == {
        "healthy": False,
        "latency_ms": first["extracted"]["latency_ms"],
        "details": {"status": 503, "last_error": "kafka down"},
    }
    assert first["gone"]["healthy"] is False and first["gone"]["latency_ms"] is None
    assert "ConnectError" in first["gone"]["details"]["error"]
    assert second["cdc"]["details"]["calls"] == first["cdc"]["details"]["calls"]  # cached


async def test_history_reproduce_and_ignore(make_harness) -> None:  # type: ignore[no-untyped-def]
    async with make_harness(FakeUpstreams(wordpress), routes_yaml("shadow")) as h:
        start = time.time() // 10 * 10 - 30  # on a bucket boundary: 2 rows in one bucket, 1 in a later one
        records = [record("match", start + 1), record("mismatch", start + 2), record("match", start + 25)]
        h.runtime.store.add_comparisons(records)
        history = (await h.admin.get("/api/stats/history", params={"route": "posts", "bucket_s": 10})).json()
        other = (await h.admin.get("/api/stats/history", params={"route": "pages"})).json()
        bad = await h.admin.get("/api/stats/history", params={"bucket_s": "x"})
        replay = (await h.admin.get("/api/comparisons/2/reproduce")).json()
        missing = await h.admin.get("/api/comparisons/99/reproduce")
        added = await h.admin.post("/api/routes/posts/ignore", json={"path": "$[*].guid"})
        again = await h.admin.post("/api/routes/posts/ignore", json={"path": "$[*].guid"})
        invalid = await h.admin.post("/api/routes/posts/ignore", json={"path": "guid"})
        unknown = await h.admin.post("/api/routes/nope/ignore", json={"path": "$.x"})
        removed = await h.admin.request("DELETE", "/api/routes/posts/ignore", json={"path": "$[*].guid"})
    assert [b["compared"] for b in history["buckets"]] == [2, 1] and history["bucket_s"] == 10
    assert history["buckets"][0]["match_percent"] == 50 and other["buckets"] == []
    assert bad.status_code == 400
    assert replay["wordpress"] == "curl -sS http://wordpress.test/wp-json/wp/v2/posts/1"
    assert replay["service"] == "curl -sS http://service.test/wp-json/wp/v2/posts/1"
    assert "json.tool" in replay["diff"] and missing.status_code == 404
    assert added.json()["routes"][0]["compare"]["ignore"] == ["$[*].guid"]
    assert again.json()["routes"][0]["compare"]["ignore"] == ["$[*].guid"]
    assert invalid.status_code == 400 and "start with '$'" in invalid.text
    assert unknown.status_code == 404
    assert removed.json()["routes"][0]["compare"]["ignore"] == []
