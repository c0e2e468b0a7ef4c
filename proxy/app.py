"""The public ASGI app: routes each request to WordPress or a service (one `proxy.exchange.Exchange`
per request), streams both ways."""

from __future__ import annotations

import random
import secrets
import time
from collections import deque
from dataclasses import dataclass
from typing import Protocol

from proxy.exchange import Exchange, Message, Receive, Scope, Send, ShadowCapture
from proxy.headers import upstream_request_headers
from proxy.routing import decide, needs_form_body
from proxy.types import Decision, KeptReason, RawHeaders, RequestClass, RouteTable, Target, Transport
from proxy.validate import request_problem

__all__ = ["Observer", "ProxyApp", "ProxySettings", "ShadowCapture", "ShadowSink", "TableSource"]

_ALL_LEGACY = Decision(None, Target.LEGACY)


class TableSource(Protocol):
    @property
    def table(self) -> RouteTable: ...


class ShadowSink(Protocol):
    def submit(self, capture: ShadowCapture) -> None: ...


class Observer(Protocol):
    def request_done(
        self,
        route: str,
        served_by: Target,
        status: int,
        seconds: float,
        fallback: str | None,
        *,
        kept: KeptReason | None = None,
        personal: frozenset[RequestClass] = frozenset(),
    ) -> None:
        """One answered request. ``kept``/``personal``: see ``Decision`` (counted per route)."""


@dataclass
class ProxySettings:
    wordpress_url: str
    wordpress_timeout: float = 120.0
    max_buffered_body: int = 1 << 20  # request bodies buffered for fallback/shadow replays; service answers read ahead
    max_shadow_body: int = 2 << 20  # legacy response bytes kept for comparison


class _NullObserver:
    def request_done(
        self,
        route: str,
        served_by: Target,
        status: int,
        seconds: float,
        fallback: str | None,
        *,
        kept: KeptReason | None = None,
        personal: frozenset[RequestClass] = frozenset(),
    ) -> None:
        return None


class ProxyApp:
    def __init__(
        self,
        settings: ProxySettings,
        routes: TableSource,
        legacy: Transport,
        services: Transport,
        *,
        shadow: ShadowSink | None = None,
        observer: Observer | None = None,
    ) -> None:
        self.settings = settings
        self.routes = routes
        self.legacy = legacy
        self.services = services
        self.shadow = shadow
        self.observer: Observer = observer or _NullObserver()
        self._wordpress = settings.wordpress_url.rstrip("/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] != "http":
            return
        started = time.perf_counter()
        headers: RawHeaders = scope["headers"]
        problem = request_problem(scope.get("http_version", "1.1"), headers)
        if problem is not None:
            await _refuse(send, problem)
            return
        query = scope["query_string"].decode("latin-1")
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode("utf-8")
        target = raw_path.decode("latin-1") + ("?" + query if query else "")
        table = self.routes.table
        if not table.routes:
            decision = _ALL_LEGACY
        else:
            path = raw_path.split(b"?", 1)[0].decode("latin-1")
            form_body: bytes | None = None
            if needs_form_body(table, scope["method"], path, query, headers):
                form_body, receive = await _read_ahead(receive, self.settings.max_buffered_body)
            decision = decide(
                table,
                scope["method"],
                path,
                query,
                headers,
                # os.urandom costs a syscall per request: only mint visitor ids when a canary needs them
                new_visitor_id=secrets.token_urlsafe(12) if table.has_canary else "",
                sample_roll=random.random() * 100,
                form_body=form_body,
            )
        client = scope.get("client")
        up_headers = upstream_request_headers(headers, client[0] if client else None, scope["scheme"])
        exchange = Exchange(
            self, scope, receive, send, decision=decision, target=target, headers=up_headers, started=started
        )
        await exchange.run()


async def _read_ahead(receive: Receive, limit: int) -> tuple[bytes | None, Receive]:
    """The whole body (None when it is bigger than `limit` or the visitor left), and a `receive` that
    gives the exchange the same messages again before the rest."""
    messages: deque[Message] = deque()
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            body = None
            break
        size += len(message.get("body", b""))
        if size > limit:
            body = None
            break
        if not message.get("more_body"):
            body = b"".join(m.get("body", b"") for m in messages)
            break

    async def replay() -> Message:
        return messages.popleft() if messages else await receive()

    return body, replay


async def _refuse(send: Send, reason: str) -> None:
    body = f"Bad Request: {reason}\n".encode()
    await send(
        {
            "type": "http.response.start",
            "status": 400,
            "headers": [
                (b"content-type", b"text/plain"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
