"""The admin app's pass-through to the extensions service's API (`/api/extensions`, `/api/webhooks`),
in-process, against a stand-in of that API on a real socket."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from proxy.dashboard import Component
from proxy.dashboard.extensions import extensions_base_url
from tests.proxy.dashboard.extensions_api import FakeExtensionsApi
from tests.proxy.fakes import TOKEN, FakeUpstreams
from tests.proxy.proxy_processes import free_port

pytestmark = pytest.mark.anyio


async def wordpress(_request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"id": 1})


@pytest.fixture
def extensions_api() -> Iterator[FakeExtensionsApi]:
    with FakeExtensionsApi(TOKEN).running() as api:  # started outside the test's event loop
        yield api


@pytest.fixture
def refusing_api() -> Iterator[FakeExtensionsApi]:
    """A service given another token than the proxy's."""
    with FakeExtensionsApi("another-token").running() as api:
        yield api


def test_base_url_from_the_health_url() -> None:
    assert extensions_base_url(()) is None
    assert extensions_base_url((Component("cdc", "http://a/healthz"),)) is None
    assert extensions_base_url((Component("extensions", "http://127.0.0.1:18040/healthz"),)) == "http://127.0.0.1:18040"
    assert extensions_base_url((Component("extensions", "http://h:1/x/healthz/"),)) == "http://h:1/x"
    assert extensions_base_url((Component("extensions", "http://h:1/health"),)) == "http://h:1"


async def test_token_checked_by_the_proxy_first(make_harness, extensions_api: FakeExtensionsApi) -> None:  # type: ignore[no-untyped-def]
    components = (Component("extensions", extensions_api.health_url),)
    async with make_harness(FakeUpstreams(wordpress), components=components) as h:
        bare = httpx.AsyncClient(transport=httpx.ASGITransport(app=h.runtime.admin), base_url="http://a")
        async with bare:
            refused = [
                (await bare.get("/api/extensions")).status_code,
                (
                    await bare.post("/api/extensions/audit-log/disable", headers={"Authorization": "Bearer no"})
                ).status_code,
                (await bare.get("/api/webhooks/endpoints")).status_code,
            ]
    assert refused == [401, 401, 401]
    assert extensions_api.seen == []  # nothing reached the service


async def test_methods_query_body_and_authorization_forwarded(make_harness, extensions_api: FakeExtensionsApi) -> None:  # type: ignore[no-untyped-def]
    components = (Component("cdc", "http://127.0.0.1:1/healthz"), Component("extensions", extensions_api.health_url))
    async with make_harness(FakeUpstreams(wordpress), components=components) as h:
        listed = await h.admin.get("/api/extensions")
        one = await h.admin.get("/api/extensions/audit-log")
        disabled = await h.admin.post("/api/extensions/audit-log/disable")
        unknown = await h.admin.post("/api/extensions/nope/enable")
        created = await h.admin.post("/api/webhooks/endpoints", json={"url": "https://x.test/in", "event_types": ["*"]})
        deleted = await h.admin.delete("/api/webhooks/endpoints/ep_1")
        deliveries = await h.admin.get(
            "/api/webhooks/deliveries", params={"endpoint": "ep_1", "state": "failed", "limit": 5}
        )
        replayed = await h.admin.post("/api/webhooks/deliveries/msg_abc/replay")
        climbing = await h.admin.get("/api/webhooks/%2e%2e/%2e%2e/healthz")
    assert listed.status_code == 200 and [e["name"] for e in listed.json()] == ["audit-log", "broken-one"]
    assert one.json()["subscriptions"] == ["post.*", "comment.created"]
    assert disabled.status_code == 200 and disabled.json()["state"] == "disabled"
    assert unknown.status_code == 404 and unknown.json() == {"detail": "no extension 'nope'"}
    assert created.status_code == 201 and json.loads(created.json()["echo"])["url"] == "https://x.test/in"
    assert deleted.status_code == 204 and deleted.content == b""
    assert deliveries.json()[0]["webhook_id"] == "msg_abc"
    assert replayed.status_code == 202 and replayed.json()["state"] == "pending"
    assert climbing.status_code == 400
    seen = [(s.method, s.path_qs) for s in extensions_api.seen]
    assert seen == [
        ("GET", "/api/extensions"),
        ("GET", "/api/extensions/audit-log"),
        ("POST", "/api/extensions/audit-log/disable"),
        ("POST", "/api/extensions/nope/enable"),
        ("POST", "/api/webhooks/endpoints"),
        ("DELETE", "/api/webhooks/endpoints/ep_1"),
        ("GET", "/api/webhooks/deliveries?endpoint=ep_1&state=failed&limit=5"),
        ("POST", "/api/webhooks/deliveries/msg_abc/replay"),
    ]
    assert {s.authorization for s in extensions_api.seen} == {f"Bearer {TOKEN}"}
    post = extensions_api.seen[4]
    assert post.content_type == "application/json" and json.loads(post.body)["event_types"] == ["*"]


async def test_unreachable_refusing_and_missing_service(  # type: ignore[no-untyped-def]
    make_harness, extensions_api: FakeExtensionsApi, refusing_api: FakeExtensionsApi
) -> None:
    gone = (Component("extensions", f"http://127.0.0.1:{free_port()}/healthz"),)
    async with make_harness(FakeUpstreams(wordpress), components=gone) as h:
        unreachable = await h.admin.get("/api/extensions")
        unreachable_hook = await h.admin.post("/api/webhooks/endpoints/ep_1/test")
    async with make_harness(
        FakeUpstreams(wordpress), components=(Component("extensions", refusing_api.health_url),)
    ) as h:
        refusing = await h.admin.get("/api/extensions")
    async with make_harness(FakeUpstreams(wordpress), components=(Component("cdc", extensions_api.health_url),)) as h:
        missing = [await h.admin.get("/api/extensions"), await h.admin.get("/api/webhooks/deliveries")]
    assert unreachable.status_code == 502 and unreachable_hook.status_code == 502
    assert "did not answer: ConnectError" in unreachable.json()["error"]
    assert refusing.status_code == 502 and "refused the admin token" in refusing.json()["error"]
    assert [(m.status_code, m.json()) for m in missing] == [(404, {"error": "no extensions component"})] * 2
