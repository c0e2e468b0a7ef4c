"""The management API through FastAPI (httpx's ASGI transport): status codes, reasons, secrets shown once."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from webhook_fixtures import HOOK_HOST, Clock, Resolver, loopback_policy, loopback_settings, store, user_event
from webhook_receiver import ReceiverState, receiver

from extracted.extensions.webhooks import Dispatcher, TargetPolicy, enqueue, webhook_routes
from extracted.runtime import begin_write


class Client:
    """Synchronous requests to an ASGI app (Starlette's TestClient is deprecated with httpx)."""

    def __init__(self, app: FastAPI) -> None:
        self.transport = httpx.ASGITransport(app=app)

    def request(self, method: str, url: str, **options: Any) -> httpx.Response:
        async def send() -> httpx.Response:
            async with httpx.AsyncClient(transport=self.transport, base_url="http://service") as client:
                return await client.request(method, url, **options)

        return asyncio.run(send())


def app_for(tmp_path: Path, policy: TargetPolicy | None = None) -> tuple[Client, Dispatcher, Clock]:
    engine, clock, resolver = store(tmp_path), Clock(), Resolver()
    policy = policy or loopback_policy(resolver)
    dispatcher = Dispatcher(engine, loopback_settings(), policy=policy, clock=clock)
    app = FastAPI()
    app.include_router(webhook_routes(engine, dispatcher, policy), prefix="/api")
    return Client(app), dispatcher, clock


def test_endpoint_lifecycle(tmp_path: Path) -> None:
    client, dispatcher, clock = app_for(tmp_path)
    state = ReceiverState(clock)
    with receiver(state) as port:
        added = client.request(
            "POST",
            "/api/webhooks/endpoints",
            json={"url": f"http://{HOOK_HOST}:{port}/in", "event_types": ["user.*"], "description": "CRM"},
        )
        assert added.status_code == 201
        secret, endpoint = added.json()["secret"], added.json()["endpoint"]
        assert secret.startswith("whsec_") and endpoint["id"].startswith("ep_") and endpoint["enabled"]
        assert endpoint["event_types"] == ["user.*"] and endpoint["description"] == "CRM"
        endpoint_id = endpoint["id"]
        state.secrets = [secret]

        listed = client.request("GET", "/api/webhooks/endpoints").json()
        assert [item["id"] for item in listed] == [endpoint_id] and "secret" not in listed[0]
        assert client.request("GET", f"/api/webhooks/endpoints/{endpoint_id}").json()["url"].endswith("/in")

        tested = client.request("POST", f"/api/webhooks/endpoints/{endpoint_id}/test")
        assert tested.status_code == 200
        test_delivery = tested.json()
        assert test_delivery["event_type"] == "webhook.test" and test_delivery["state"] == "succeeded"
        assert test_delivery["attempt_log"][0]["trigger"] == "test"
        assert test_delivery["attempt_log"][0]["status_code"] == 200
        assert state.processed == [test_delivery["webhook_id"]]

        with begin_write(dispatcher.engine) as connection:
            webhook_id = enqueue(connection, user_event(1), now=clock())[0]
        dispatcher.dispatch_due()
        deliveries = client.request("GET", f"/api/webhooks/deliveries?endpoint={endpoint_id}&state=succeeded").json()
        assert {item["webhook_id"] for item in deliveries} == {webhook_id, test_delivery["webhook_id"]}
        assert client.request("GET", "/api/webhooks/deliveries?state=failed").json() == []
        assert client.request("GET", "/api/webhooks/deliveries?state=lost").status_code == 422
        assert client.request("GET", "/api/webhooks/deliveries?limit=0").status_code == 422
        one = client.request("GET", f"/api/webhooks/deliveries/{webhook_id}").json()
        assert one["attempts"] == 1 and one["attempt_log"][0]["started_at"].endswith("Z")

        replayed = client.request("POST", f"/api/webhooks/deliveries/{webhook_id}/replay")
        assert replayed.status_code == 202 and replayed.json()["state"] == "pending"
        dispatcher.dispatch_due()
        assert state.duplicates == 1 and state.requests[-1].webhook_id == webhook_id
        since = client.request(
            "POST", f"/api/webhooks/endpoints/{endpoint_id}/replay", params={"since": "2000-01-01T00:00:00Z"}
        )
        assert since.status_code == 202 and len(since.json()["webhook_ids"]) == 2

        rotated = client.request("POST", f"/api/webhooks/endpoints/{endpoint_id}/rotate").json()
        assert rotated["secret"] != secret and rotated["endpoint"]["previous_secret_expires_at"] is not None

        disabled = client.request("POST", f"/api/webhooks/endpoints/{endpoint_id}/disable").json()
        assert not disabled["enabled"] and disabled["disabled_reason"] == "disabled by an operator"
        assert disabled["disabled_at"] is not None
        refused = client.request("POST", f"/api/webhooks/deliveries/{webhook_id}/replay")
        assert refused.status_code == 409 and "disabled" in refused.json()["detail"]
        enabled = client.request("POST", f"/api/webhooks/endpoints/{endpoint_id}/enable").json()
        assert enabled["enabled"] and enabled["disabled_reason"] is None and enabled["last_attempts"]

        assert client.request("DELETE", f"/api/webhooks/endpoints/{endpoint_id}").status_code == 204
        assert client.request("GET", f"/api/webhooks/deliveries/{webhook_id}").status_code == 404
    dispatcher.close()


def test_refused_targets_and_unknown_ids(tmp_path: Path) -> None:
    client, dispatcher, _ = app_for(tmp_path, TargetPolicy(resolver=Resolver()))
    loopback = client.request("POST", "/api/webhooks/endpoints", json={"url": "http://127.0.0.1:9/in"})
    assert loopback.status_code == 422 and "127.0.0.1 is a loopback address" in loopback.json()["detail"]
    rebound = client.request("POST", "/api/webhooks/endpoints", json={"url": f"http://{HOOK_HOST}/in"})
    assert rebound.status_code == 422 and f"the host '{HOOK_HOST}' resolves to 127.0.0.1" in rebound.json()["detail"]
    scheme = client.request("POST", "/api/webhooks/endpoints", json={"url": "file:///etc/passwd"})
    assert scheme.status_code == 422 and "http or https" in scheme.json()["detail"]
    filters = client.request("POST", "/api/webhooks/endpoints", json={"url": "http://8.8.8.8/", "event_types": ["a b"]})
    assert filters.status_code == 422 and "event_types" in filters.json()["detail"]
    assert client.request("POST", "/api/webhooks/endpoints", json={}).status_code == 422
    for method, path in [
        ("GET", "/api/webhooks/endpoints/ep_nope"),
        ("DELETE", "/api/webhooks/endpoints/ep_nope"),
        ("POST", "/api/webhooks/endpoints/ep_nope/enable"),
        ("POST", "/api/webhooks/endpoints/ep_nope/disable"),
        ("POST", "/api/webhooks/endpoints/ep_nope/rotate"),
        ("POST", "/api/webhooks/endpoints/ep_nope/test"),
        ("GET", "/api/webhooks/deliveries/msg_nope"),
        ("POST", "/api/webhooks/deliveries/msg_nope/replay"),
    ]:
        answer = client.request(method, path)
        assert answer.status_code == 404 and "no webhook" in answer.json()["detail"], (method, path)
    assert client.request("GET", "/api/webhooks/endpoints").json() == []
    dispatcher.close()


def test_the_routes_are_documented(tmp_path: Path) -> None:
    engine, resolver = store(tmp_path), Resolver()
    dispatcher = Dispatcher(engine, loopback_settings(), policy=loopback_policy(resolver))
    app = FastAPI()
    app.include_router(webhook_routes(engine, dispatcher, loopback_policy(resolver)), prefix="/api")
    paths = app.openapi()["paths"]
    assert set(paths) == {
        "/api/webhooks/endpoints",
        "/api/webhooks/endpoints/{endpoint_id}",
        "/api/webhooks/endpoints/{endpoint_id}/enable",
        "/api/webhooks/endpoints/{endpoint_id}/disable",
        "/api/webhooks/endpoints/{endpoint_id}/rotate",
        "/api/webhooks/endpoints/{endpoint_id}/test",
        "/api/webhooks/endpoints/{endpoint_id}/replay",
        "/api/webhooks/deliveries",
        "/api/webhooks/deliveries/{webhook_id}",
        "/api/webhooks/deliveries/{webhook_id}/replay",
    }
    assert "201" in paths["/api/webhooks/endpoints"]["post"]["responses"]
    dispatcher.close()
