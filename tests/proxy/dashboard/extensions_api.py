"""A small stand-in for the extensions service's management API (the real one needs Kafka): the
shapes of extracted/extensions/app.py and webhooks/routes.py, state kept in memory, every request
recorded. It is our own component's API, served on a real socket by an aiohttp app in a thread."""

from __future__ import annotations

import contextlib
import copy
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.proxy.proxy_processes import free_port, serve_in_thread

EXTENSIONS: list[dict[str, Any]] = [
    {
        "name": "audit-log", "description": "Writes every event to a log", "state": "enabled",
        "subscriptions": ["post.*", "comment.created"], "healthy": True, "lag": 3, "handled": 1234,
        "dead_lettered": 2, "retries": 1, "error": None, "retrying": None, "last_handled_ms": 1_700_000_000_000,
        "dead_letter_topic": "extensions.audit-log.dlq", "group": "ext-audit-log",
    },
    {
        "name": "broken-one", "description": "extensions.broken:Thing", "state": "broken", "subscriptions": [],
        "healthy": False, "lag": 0, "handled": 0, "dead_lettered": 0, "retries": 0,
        "error": "ImportError: no module named broken", "retrying": None, "last_handled_ms": 0,
        "dead_letter_topic": "", "group": "",
    },
]  # fmt: skip
ATTEMPT = {
    "number": 1, "started_at": "2024-05-01T10:00:00Z", "duration_ms": 12, "status_code": 500, "error": None,
    "response_excerpt": "oops", "trigger": "scheduled",
}  # fmt: skip
ENDPOINTS: list[dict[str, Any]] = [
    {
        "id": "ep_1", "url": "https://hooks.example.com/in", "description": "", "event_types": ["post.*"],
        "enabled": False, "disabled_reason": "failing for 5 days", "disabled_at": "2024-05-06T10:00:00Z",
        "failing_since": "2024-05-01T10:00:00Z", "created_at": "2024-04-01T10:00:00Z",
        "previous_secret_expires_at": None, "deliveries": {"pending": 1, "succeeded": 7, "failed": 3},
        "last_attempts": [ATTEMPT],
    },
]  # fmt: skip
DELIVERIES: list[dict[str, Any]] = [
    {
        "webhook_id": "msg_abc", "endpoint_id": "ep_1", "event_id": "ev_1", "event_type": "post.published",
        "state": "failed", "attempts": 4, "next_attempt_at": None, "last_attempt_at": "2024-05-01T10:00:00Z",
        "created_at": "2024-05-01T09:00:00Z", "attempt_log": [],
    },
]  # fmt: skip


@dataclass(frozen=True)
class Seen:
    method: str
    path_qs: str
    authorization: str | None
    content_type: str | None
    body: bytes


@dataclass
class FakeExtensionsApi:
    token: str
    port: int = field(default_factory=free_port)
    seen: list[Seen] = field(default_factory=list)
    extensions: list[dict[str, Any]] = field(default_factory=lambda: copy.deepcopy(EXTENSIONS))
    endpoints: list[dict[str, Any]] = field(default_factory=lambda: copy.deepcopy(ENDPOINTS))
    deliveries: list[dict[str, Any]] = field(default_factory=lambda: copy.deepcopy(DELIVERIES))
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def health_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/healthz"

    def requests(self, method: str, prefix: str) -> list[Seen]:
        with self.lock:
            return [s for s in self.seen if s.method == method and s.path_qs.startswith(prefix)]

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        with self.lock:
            self.seen.append(
                Seen(
                    request.method,
                    request.path_qs,
                    request.headers.get("Authorization"),
                    request.headers.get("Content-Type"),
                    body,
                )
            )
        if request.path == "/healthz":
            return web.json_response({"healthy": True})
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.json_response({"detail": "a bearer token is required"}, status=401)
        parts = request.path.strip("/").split("/")[1:]  # after "api"
        with self.lock:
            return self.answer(request, parts, body)

    def answer(self, request: web.Request, parts: list[str], body: bytes) -> web.StreamResponse:
        method = request.method
        if parts == ["extensions"] and method == "GET":
            return web.json_response(self.extensions)
        if parts[:1] == ["extensions"] and len(parts) >= 2:
            extension = next((e for e in self.extensions if e["name"] == parts[1]), None)
            if extension is None:
                return web.json_response({"detail": f"no extension {parts[1]!r}"}, status=404)
            if len(parts) == 3 and method == "POST" and parts[2] in ("enable", "disable"):
                extension["state"] = "enabled" if parts[2] == "enable" else "disabled"
            return web.json_response(extension)
        if parts == ["webhooks", "endpoints"]:
            if method == "POST":
                return web.json_response({"echo": body.decode(), "secret": "whsec_x"}, status=201)
            return web.json_response(self.endpoints)
        if parts[:2] == ["webhooks", "endpoints"] and len(parts) >= 3:
            endpoint = next((e for e in self.endpoints if e["id"] == parts[2]), None)
            if endpoint is None:
                return web.json_response({"detail": "no such endpoint"}, status=404)
            if method == "DELETE":
                return web.Response(status=204)
            action = parts[3] if len(parts) == 4 else None
            if action in ("enable", "disable"):
                endpoint["enabled"] = action == "enable"
                endpoint["disabled_reason"] = None if action == "enable" else "disabled by an operator"
            if action == "test":
                attempt = {**ATTEMPT, "status_code": 200, "trigger": "test"}
                return web.json_response({**DELIVERIES[0], "event_type": "webhook.test", "attempt_log": [attempt]})
            return web.json_response(endpoint)
        if parts == ["webhooks", "deliveries"]:
            return web.json_response(self.deliveries)
        if parts[:2] == ["webhooks", "deliveries"] and len(parts) >= 3:
            delivery = next((d for d in self.deliveries if d["webhook_id"] == parts[2]), None)
            if delivery is None:
                return web.json_response({"detail": "no such delivery"}, status=404)
            if parts[3:] == ["replay"] and method == "POST":
                delivery["state"] = "pending"
                return web.json_response(delivery, status=202)
            return web.json_response({**delivery, "attempt_log": [ATTEMPT]})
        return web.json_response({"detail": "Not Found"}, status=404)

    @contextlib.contextmanager
    def running(self) -> Iterator[FakeExtensionsApi]:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        with serve_in_thread(app, self.port):
            yield self
