"""One upstream HTTP/1.1 connection (an asyncio protocol) and the exchange it carries: the
httptools callbacks, the response body queue with flow control, and the idle-read timer.

The exchange is also the `UpstreamResponse` that `proxy.upstream.UpstreamTransport.open` returns."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, cast

import httptools

from proxy.errors import UpstreamConnectError, UpstreamError, UpstreamTimeoutError
from proxy.h1 import declared_length, response_has_body
from proxy.types import RawHeaders

if TYPE_CHECKING:
    from proxy.upstream import ConnectionPool

_HIGH_WATER = 1 << 18  # unread response bytes before we stop reading from the upstream
_LOW_WATER = 1 << 16


class UpstreamConnection(asyncio.Protocol):
    """One upstream socket; carries at most one exchange at a time."""

    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool
        self.transport: asyncio.Transport | None = None
        self.exchange: UpstreamExchange | None = None
        self.closed = False
        self.reused = False
        self.idle_since = 0.0
        self.reading_paused = False
        #: whether any byte of the current exchange's request went to the socket (reset per exchange)
        self.request_written = False
        self._drain: asyncio.Future[None] | None = None
        self._write_paused = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's transports don't subclass it

    def data_received(self, data: bytes) -> None:
        if self.exchange is None:  # bytes nobody asked for: the upstream broke framing
            self.close()
            return
        self.exchange.feed(data)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.exchange is not None:
            self.exchange.connection_lost(exc)
        if self._drain is not None and not self._drain.done():
            self._drain.set_exception(UpstreamConnectError(f"upstream closed the connection: {exc!r}"))

    def pause_writing(self) -> None:
        self._write_paused = True

    def resume_writing(self) -> None:
        self._write_paused = False
        if self._drain is not None and not self._drain.done():
            self._drain.set_result(None)

    async def write(self, data: bytes) -> None:
        if self.closed or self.transport is None:
            raise UpstreamConnectError("upstream closed the connection")
        self.transport.write(data)
        self.request_written = True
        if self._write_paused:
            self._drain = asyncio.get_running_loop().create_future()
            try:
                await self._drain
            finally:
                self._drain = None

    def pause_reading(self) -> None:
        if not self.reading_paused and self.transport is not None:
            self.reading_paused = True
            self.transport.pause_reading()

    def resume_reading(self) -> None:
        if self.reading_paused and self.transport is not None:
            self.reading_paused = False
            self.transport.resume_reading()

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    def abort(self) -> None:
        # Not close(): that waits to flush what is buffered, and an upstream that stopped reading
        # the request body would keep a waiting write() (and so the exchange) hanging forever.
        self.closed = True
        if self.transport is not None:
            self.transport.abort()


class UpstreamExchange:
    """One request's response: the httptools callbacks, the body queue and the idle timer.

    It is also the `UpstreamResponse` handed to the proxy app."""

    def __init__(self, connection: UpstreamConnection, method: str, timeout: float) -> None:
        self.connection = connection
        self.method = method
        self.timeout = timeout
        self.status = 0
        self.headers: RawHeaders = []
        self.received_bytes = False
        self._loop = asyncio.get_running_loop()
        self._parser = httptools.HttpResponseParser(self)
        self.headers_done: asyncio.Future[None] = self._loop.create_future()
        self._chunks: deque[bytes] = deque()
        self._buffered = 0
        self._complete = False
        self._informational = False
        self._until_close = False
        self._keep_alive = False
        self.error: UpstreamError | None = None  # why the exchange failed, once it did
        self._waiter: asyncio.Future[None] | None = None
        self._released = False
        self._last_activity = self._loop.time()
        self._timer: asyncio.TimerHandle | None = self._loop.call_at(self._last_activity + timeout, self._check_idle)

    # -- httptools callbacks -------------------------------------------------------------------
    def on_header(self, name: bytes, value: bytes) -> None:
        if not self._complete:
            self.headers.append((name, value))

    def on_headers_complete(self) -> None:
        if self._complete:
            # A second answer in the same read as the first (the parser goes on): it must not
            # overwrite the status and headers the caller is about to read; never reuse the socket.
            self._keep_alive = False
            return
        status = self._parser.get_status_code()
        if 100 <= status < 200:  # 100 Continue and friends: the real answer follows
            self._informational = True
            self.headers = []
            return
        self.status = status
        self._keep_alive = self._parser.should_keep_alive()
        if not response_has_body(self.method, status):
            self._complete = True
        else:
            has_length, chunked = declared_length(self.headers)
            self._until_close = not has_length and not chunked
        if not self.headers_done.done():  # done already if the caller was cancelled
            self.headers_done.set_result(None)

    def on_body(self, body: bytes) -> None:
        if self._complete:  # the body of such a second answer
            return
        self._chunks.append(body)
        self._buffered += len(body)
        if self._buffered > _HIGH_WATER:
            self.connection.pause_reading()
        self._wake()

    def on_message_complete(self) -> None:
        if self._informational:
            self._informational = False
            return
        self._complete = True
        self._wake()

    # -- events from the connection ------------------------------------------------------------
    def feed(self, data: bytes) -> None:
        self.received_bytes = True
        self._last_activity = self._loop.time()
        if self._complete:  # bytes after a complete answer: never reuse this connection
            self._keep_alive = False
            return
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self.fail(UpstreamError("upstream switched protocols; the proxy does not relay upgrades"))
        except httptools.HttpParserError as exc:
            self.fail(UpstreamError(f"malformed answer from the upstream: {exc}"))

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.headers_done.done():
            self.fail(UpstreamConnectError(f"upstream closed the connection before answering ({exc!r})"))
        elif not self._complete:
            if self._until_close and exc is None:
                self._complete = True  # a body delimited by the end of the connection
                self._wake()
            else:
                self.fail(UpstreamError(f"upstream body interrupted: {exc!r}"))

    def fail(self, error: UpstreamError) -> None:
        if self.error is None and not self._complete:
            self.error = error
            if not self.headers_done.done():
                self.headers_done.set_exception(error)
            self._wake()
        self._keep_alive = False
        self.connection.abort()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _check_idle(self) -> None:
        self._timer = None
        if self._complete or self.error is not None or self._released:
            return
        now = self._loop.time()
        if self.connection.reading_paused or now - self._last_activity < self.timeout:
            # the visitor is slow, not the upstream; or bytes came meanwhile
            self._last_activity = now if self.connection.reading_paused else self._last_activity
            self._timer = self._loop.call_at(self._last_activity + self.timeout, self._check_idle)
            return
        self.fail(UpstreamTimeoutError(f"no bytes from the upstream for {self.timeout}s"))

    # -- UpstreamResponse ----------------------------------------------------------------------
    async def body(self) -> AsyncIterator[bytes]:
        chunks = self._chunks
        while True:
            while chunks:
                data = chunks.popleft()
                self._buffered -= len(data)
                if self._buffered < _LOW_WATER:
                    self.connection.resume_reading()
                yield data
            if self.error is not None:
                raise self.error
            if self._complete:
                return
            self._waiter = self._loop.create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None

    async def aclose(self) -> None:
        self.release()

    def release(self) -> None:
        """Back to the pool if the answer was whole and the upstream keeps the connection; else closed."""
        if self._released:
            return
        self._released = True
        if self.headers_done.done() and not self.headers_done.cancelled():
            self.headers_done.exception()  # retrieved: asyncio must not log it as lost
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        connection = self.connection
        connection.exchange = None
        reusable = self._complete and self.error is None and self._keep_alive and not connection.closed
        if not reusable:
            connection.close()
        connection.pool.put_back(connection, reusable)
