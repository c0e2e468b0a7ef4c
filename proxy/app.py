"""The public ASGI app: routes each request to WordPress or a service, streams both ways."""

from __future__ import annotations

import logging
import random
import secrets
import time
from collections.abc import AsyncIterator, MutableMapping
from dataclasses import dataclass
from typing import Any, Protocol

from proxy.errors import UpstreamError, UpstreamTimeoutError
from proxy.headers import downstream_response_headers, get_header, upstream_request_headers
from proxy.routing import decide
from proxy.types import (
    Decision,
    KeptReason,
    RawHeaders,
    RequestClass,
    Route,
    RouteTable,
    Target,
    Transport,
    UpstreamResponse,
)
from proxy.validate import request_problem

log = logging.getLogger("proxy")

Scope = MutableMapping[str, Any]
Message = dict[str, Any]
Receive = Any
Send = Any

VISITOR_COOKIE_MAX_AGE = 365 * 24 * 3600
_ALL_LEGACY = Decision(None, Target.LEGACY)


@dataclass(frozen=True)
class ShadowCapture:
    """Everything the shadow comparison needs about one visitor exchange."""

    route: Route
    method: str
    target: str  # path + query, as received
    headers: RawHeaders
    body: bytes | None
    legacy_status: int
    legacy_headers: RawHeaders
    legacy_body: bytes
    legacy_truncated: bool
    legacy_seconds: float


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
    max_buffered_body: int = 1 << 20  # request bodies buffered for fallback/shadow replays
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
            decision = decide(
                table,
                scope["method"],
                raw_path.split(b"?", 1)[0].decode("latin-1"),
                query,
                headers,
                # os.urandom costs a syscall per request: only mint visitor ids when a canary needs them
                new_visitor_id=secrets.token_urlsafe(12) if table.has_canary else "",
                sample_roll=random.random() * 100,
            )
        client = scope.get("client")
        up_headers = upstream_request_headers(headers, client[0] if client else None, scope["scheme"])
        exchange = _Exchange(
            self, scope, receive, send, decision=decision, target=target, headers=up_headers, started=started
        )
        await exchange.run()


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


class _Exchange:
    """One request/response through the proxy."""

    def __init__(
        self,
        app: ProxyApp,
        scope: Scope,
        receive: Receive,
        send: Send,
        *,
        decision: Decision,
        target: str,
        headers: RawHeaders,
        started: float,
    ) -> None:
        self.app, self.scope, self.receive, self.send = app, scope, receive, send
        self.decision, self.target, self.headers, self.started = decision, target, headers, started
        self.method: str = scope["method"]
        self.fallback: str | None = None
        self._pending: list[bytes] = []

    def _has_body(self) -> bool:
        length = get_header(self.scope["headers"], b"content-length")
        chunked = get_header(self.scope["headers"], b"transfer-encoding") is not None
        return chunked or (length is not None and length.strip() not in (b"", b"0"))

    async def _stream_request(self) -> AsyncIterator[bytes]:
        while True:
            message = await self.receive()
            if message["type"] == "http.disconnect":
                raise UpstreamError("client disconnected while sending its body")
            if message.get("body"):
                yield message["body"]
            if not message.get("more_body"):
                return

    async def _buffer_request(self) -> tuple[bytes | None, bool]:
        """Whole body if within the buffer limit (replayable), else (None, False)."""
        if not self._has_body():
            return None, True
        chunks: list[bytes] = []
        size = 0
        limit = self.app.settings.max_buffered_body
        async for chunk in self._stream_request():
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                self._pending = chunks
                return None, False
        return b"".join(chunks), True

    async def _rest_of_body(self) -> AsyncIterator[bytes]:
        for chunk in self._pending:
            yield chunk
        async for chunk in self._stream_request():
            yield chunk

    async def run(self) -> None:
        decision = self.decision
        if decision.target is Target.LEGACY and not decision.shadow:
            body = self._stream_request() if self._has_body() else None
            response = await self._open_legacy(body)
            if response is not None:
                await self._relay(response, Target.LEGACY, capture=False)
            return
        buffered, replayable = await self._buffer_request()
        body_source = buffered if replayable else self._rest_of_body()
        if decision.target is Target.SERVICE and decision.route is not None:
            response = await self._open_service(decision.route, body_source, replayable)
            if response is not None:
                await self._relay(response, Target.SERVICE, capture=False)
                return
            if self.fallback is None:
                return
        response = await self._open_legacy(body_source if replayable else None)
        if response is not None:
            await self._relay(response, Target.LEGACY, capture=decision.shadow and replayable, body=buffered)

    async def _open_service(
        self, route: Route, body: bytes | AsyncIterator[bytes] | None, replayable: bool
    ) -> UpstreamResponse | None:
        """Service response, or None after arranging a fallback (self.fallback set) or an error reply."""
        url = route.service_url.rstrip("/") + self.target
        try:
            response = await self.app.services.open(self.method, url, self.headers, body, route.timeout)
        except UpstreamError as exc:
            reason = "timeout" if isinstance(exc, UpstreamTimeoutError) else "connect"
            if route.fallback and replayable:
                self.fallback = reason
                log.warning("route %s: %s, falling back to WordPress: %s", route.name, reason, exc)
                return None
            await self._error_reply(504 if reason == "timeout" else 502, Target.SERVICE)
            return None
        if response.status >= 500 and route.fallback and replayable:
            await response.aclose()
            self.fallback = "5xx"
            return None
        return response

    async def _open_legacy(self, body: bytes | AsyncIterator[bytes] | None) -> UpstreamResponse | None:
        url = self.app._wordpress + self.target
        try:
            return await self.app.legacy.open(self.method, url, self.headers, body, self.app.settings.wordpress_timeout)
        except UpstreamError as exc:
            log.warning("WordPress unreachable for %s %s: %s", self.method, self.target, exc)
            await self._error_reply(504 if isinstance(exc, UpstreamTimeoutError) else 502, Target.LEGACY)
            return None

    async def _error_reply(self, status: int, served_by: Target) -> None:
        body = b"Bad Gateway\n" if status == 502 else b"Gateway Timeout\n"
        await self.send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())],
            }
        )
        await self.send({"type": "http.response.body", "body": body})
        self.app.observer.request_done(
            self.decision.route_name, served_by, status, time.perf_counter() - self.started, self.fallback
        )

    async def _relay(
        self, response: UpstreamResponse, served_by: Target, capture: bool, body: bytes | None = None
    ) -> None:
        headers = downstream_response_headers(response.headers)
        if self.decision.set_visitor_cookie:
            cookie = (
                f"{self.app.routes.table.canary_cookie}={self.decision.set_visitor_cookie}; Path=/; "
                f"Max-Age={VISITOR_COOKIE_MAX_AGE}; HttpOnly; SameSite=Lax"
            )
            headers.append((b"set-cookie", cookie.encode("latin-1")))
        kept: list[bytes] = []
        kept_size = 0
        limit = self.app.settings.max_shadow_body
        try:
            await self.send({"type": "http.response.start", "status": response.status, "headers": headers})
            async for chunk in response.body():
                if capture and kept_size <= limit:
                    kept.append(chunk)
                    kept_size += len(chunk)
                await self.send({"type": "http.response.body", "body": chunk, "more_body": True})
            await self.send({"type": "http.response.body", "body": b""})
        finally:
            await response.aclose()
        seconds = time.perf_counter() - self.started
        self.app.observer.request_done(self.decision.route_name, served_by, response.status, seconds, self.fallback)
        if capture and self.app.shadow is not None and self.decision.route is not None:
            legacy_body = b"".join(kept)
            self.app.shadow.submit(
                ShadowCapture(
                    route=self.decision.route,
                    method=self.method,
                    target=self.target,
                    headers=self.headers,
                    body=body,
                    legacy_status=response.status,
                    legacy_headers=response.headers,
                    legacy_body=legacy_body[:limit],
                    legacy_truncated=kept_size > limit,
                    legacy_seconds=seconds,
                )
            )
