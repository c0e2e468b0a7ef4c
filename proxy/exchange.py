"""One request/response through the proxy: the body buffered when a replay may need it, the service
tried first when the route says so, fallback to WordPress, the answer streamed back, the shadow capture.

Fallback: a failed service answer is replaced by WordPress's only when the service cannot have acted on
the request (rules in `proxy.replay`). A safe request's answer from a service that may fall back is read
ahead (up to `ProxySettings.max_buffered_body`) before anything reaches the visitor, so that a service
dying mid-answer is still replaced by WordPress."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, MutableMapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from proxy.errors import UpstreamError, UpstreamTimeoutError
from proxy.headers import downstream_response_headers, has_body
from proxy.replay import BROKEN, answer_reason, failure_reason, is_safe, may_replay
from proxy.types import Decision, RawHeaders, Route, Target, UpstreamResponse

if TYPE_CHECKING:
    from proxy.app import ProxyApp

log = logging.getLogger("proxy")

Scope = MutableMapping[str, Any]
Message = dict[str, Any]
Receive = Any
Send = Any

VISITOR_COOKIE_MAX_AGE = 365 * 24 * 3600


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
    #: every effective method is safe: WordPress may be asked again (noise sampling); False never re-sends
    safe: bool = False


class Exchange:
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
        return has_body(self.scope["headers"])

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

    @cached_property
    def safe(self) -> bool:
        """Every effective method is safe: the request may be sent twice (computed only when needed)."""
        return is_safe(self.method, self.scope["query_string"].decode("latin-1"), self.scope["headers"])

    async def run(self) -> None:
        decision = self.decision
        if decision.target is Target.LEGACY and not decision.shadow:
            body = self._stream_request() if self._has_body() else None
            response = await self._open_legacy(body)
            if response is not None:
                await self._relay(response, Target.LEGACY)
            return
        buffered, replayable = await self._buffer_request()
        body_source = buffered if replayable else self._rest_of_body()
        if (
            decision.target is Target.SERVICE
            and decision.route is not None
            and await self._serve_from_service(decision.route, body_source, replayable)
        ):
            return
        response = await self._open_legacy(body_source if replayable else None)
        if response is not None:
            await self._relay(response, Target.LEGACY, capture=decision.shadow and replayable, body=buffered)

    async def _serve_from_service(
        self, route: Route, body: bytes | AsyncIterator[bytes] | None, replayable: bool
    ) -> bool:
        """True once the visitor was answered (by the service, or an error); False: WordPress answers
        instead (``self.fallback`` says why)."""
        response = await self._open_service(route, body, replayable)
        if response is None:
            return self.fallback is None
        if not (route.fallback and replayable and self.safe):
            await self._relay(response, Target.SERVICE)
            return True
        ahead = await self._read_ahead(route, response)
        if ahead is None:
            self.fallback = BROKEN
            return False
        await self._relay(response, Target.SERVICE, ahead=ahead)
        return True

    async def _read_ahead(self, route: Route, response: UpstreamResponse) -> _ReadAhead | None:
        """The answer's first ``max_buffered_body`` bytes (all of a typical answer) before anything goes
        to the visitor, so that a service dying mid-answer can still be replaced by WordPress; None when
        the body failed within them. Chunks are kept as they came (no copy); a bigger answer streams on
        from where the read stopped, and a break past that point cuts the visitor's connection."""
        chunks: list[bytes] = []
        size = 0
        limit = self.app.settings.max_buffered_body
        body = response.body()
        try:
            async for chunk in body:
                chunks.append(chunk)
                size += len(chunk)
                if size > limit:
                    return chunks, body
        except UpstreamError as exc:
            await response.aclose()
            log.warning("route %s: answer broke after %d bytes, falling back to WordPress: %s", route.name, size, exc)
            return None
        return chunks, None

    async def _open_service(
        self, route: Route, body: bytes | AsyncIterator[bytes] | None, replayable: bool
    ) -> UpstreamResponse | None:
        """Service response, or None after arranging a fallback (self.fallback set) or an error reply."""
        url = route.service_url.rstrip("/") + self.target
        can_fall_back = route.fallback and replayable
        try:
            response = await self.app.services.open(self.method, url, self.headers, body, route.timeout)
        except UpstreamError as exc:
            reason = failure_reason(exc)
            if can_fall_back and may_replay(reason, self.safe):
                self.fallback = reason
                log.warning("route %s: %s, falling back to WordPress: %s", route.name, reason, exc)
                return None
            status = 504 if isinstance(exc, UpstreamTimeoutError) else 502
            if can_fall_back:
                log.warning(
                    "route %s: %s after %s was sent, not repeated at WordPress", route.name, reason, self.method
                )
                await self._error_reply(status, Target.SERVICE, _NOT_REPEATED)
            else:
                await self._error_reply(status, Target.SERVICE)
            return None
        if can_fall_back:
            failed = answer_reason(response.status, response.headers)
            # a 5xx to a request that is not safe reaches the visitor as the service sent it: it is the
            # only account of what the service did (a 502 of ours would hide it)
            if failed is not None and may_replay(failed, self.safe):
                await response.aclose()
                self.fallback = failed
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

    async def _error_reply(self, status: int, served_by: Target, body: bytes | None = None) -> None:
        if body is None:
            body = b"Bad Gateway\n" if status == 502 else b"Gateway Timeout\n"
        await self.send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())],
            }
        )
        await self.send({"type": "http.response.body", "body": body})
        self._done(served_by, status)

    def _done(self, served_by: Target, status: int) -> float:
        seconds = time.perf_counter() - self.started
        decision = self.decision
        self.app.observer.request_done(
            decision.route_name,
            served_by,
            status,
            seconds,
            self.fallback,
            kept=decision.kept,
            personal=decision.personal,
        )
        return seconds

    async def _relay(
        self,
        response: UpstreamResponse,
        served_by: Target,
        *,
        capture: bool = False,
        body: bytes | None = None,
        ahead: _ReadAhead | None = None,
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
            async for chunk in response.body() if ahead is None else _replay_ahead(*ahead):
                if capture and kept_size <= limit:
                    kept.append(chunk)
                    kept_size += len(chunk)
                await self.send({"type": "http.response.body", "body": chunk, "more_body": True})
            await self.send({"type": "http.response.body", "body": b""})
        finally:
            await response.aclose()
        seconds = self._done(served_by, response.status)
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
                    safe=self.safe,
                )
            )


_ReadAhead = tuple[list[bytes], AsyncIterator[bytes] | None]
"""An answer's chunks read ahead, and the rest of its body when it was bigger than the read-ahead."""

_NOT_REPEATED = (
    b"Bad Gateway: the service failed after receiving this request, which may have been applied;"
    b" it was not repeated at WordPress.\n"
)


async def _replay_ahead(chunks: list[bytes], rest: AsyncIterator[bytes] | None) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk
    if rest is not None:
        async for chunk in rest:
            yield chunk
