"""Admin API and hot reload, in-process."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import yaml

from tests.proxy.fakes import FakeUpstreams, routes_yaml

pytestmark = pytest.mark.anyio


async def wordpress(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, text="wp")


async def service(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, text="service")


async def test_open_and_protected_endpoints(make_harness) -> None:  # type: ignore[no-untyped-def]
    async with make_harness(FakeUpstreams(wordpress)) as h:
        await h.client.get("/")
        bare = httpx.AsyncClient(transport=httpx.ASGITransport(app=h.runtime.admin), base_url="http://a")
        async with bare:
            health = await bare.get("/healthz")
            metrics = await bare.get("/metrics")
            refused = [
                (await bare.get("/api/routes")).status_code,
                (await bare.get("/api/stats", headers={"Authorization": "Bearer wrong"})).status_code,
            ]
    assert health.json()["healthy"] is True
    assert 'strangler_proxy_requests_total{route="-",served_by="legacy",status_class="2xx"}' in metrics.text
    assert refused == [401, 401]


async def test_put_route_and_modes_take_effect_at_once(make_harness) -> None:  # type: ignore[no-untyped-def]
    upstreams = FakeUpstreams(wordpress, service)
    async with make_harness(upstreams) as h:
        assert (await h.client.get("/wp-json/x")).text == "wp"
        created = await h.admin.put(
            "/api/routes/x",
            json={
                "paths": ["/wp-json/x"],
                "service": "svc",
                "mode": "cutover",
                "services": {"svc": "http://service.test"},
            },
        )
        assert created.status_code == 200, created.text
        assert (await h.client.get("/wp-json/x")).text == "service"
        on_disk = yaml.safe_load(h.routes_path.read_text())
        assert on_disk["routes"][0]["mode"] == "cutover" and on_disk["services"]["svc"] == "http://service.test"
        rolled = await h.admin.put("/api/routes/x/mode", json={"mode": "legacy"})
        assert rolled.json()["routes"][0]["mode"] == "legacy"
        assert (await h.client.get("/wp-json/x")).text == "wp"
        canary = await h.admin.put("/api/routes/x/mode", json={"mode": "canary", "percent": 100})
        assert canary.json()["routes"][0]["canary_percent"] == 100
        assert (await h.client.get("/wp-json/x")).text == "service"
        bad = await h.admin.put("/api/routes/x/mode", json={"mode": "canary", "percent": 101})
        missing = await h.admin.put("/api/routes/nope/mode", json={"mode": "shadow"})
        deleted = await h.admin.delete("/api/routes/x")
    assert bad.status_code == 422 and bad.json()["field"] == "routes[0].canary_percent"
    assert missing.status_code == 404 and deleted.json()["routes"] == []


async def test_hot_reload_on_file_change_and_bad_file_refused(make_harness) -> None:  # type: ignore[no-untyped-def]
    upstreams = FakeUpstreams(wordpress, service)
    async with make_harness(upstreams, routes_yaml("legacy")) as h:
        assert (await h.client.get("/wp-json/wp/v2/posts")).text == "wp"
        h.routes_path.write_text(routes_yaml("cutover"))
        for _ in range(500):
            await asyncio.sleep(0.02)
            if h.runtime.routes.table.routes[0].mode.value == "cutover":
                break
        assert (await h.client.get("/wp-json/wp/v2/posts")).text == "service"
        h.routes_path.write_text(routes_yaml("cutover").replace("mode: cutover", "mode: sideways"))
        refused = await h.admin.post("/api/reload")
        health = (await h.admin.get("/healthz")).json()
        assert (await h.client.get("/wp-json/wp/v2/posts")).text == "service"  # old table still serving
    assert refused.status_code == 422 and refused.json()["line"] == 3
    assert "routes[0].mode" in health["routes_error"]
