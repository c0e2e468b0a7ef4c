"""A lean HTTP/1.1 ASGI server for the proxy's hot path (httptools + uvloop, like uvicorn's).

Why not uvicorn: forwarding a 31 KB answer, uvicorn's protocol cost ~90 µs of CPU per request here,
a third of the proxy's budget; this one writes the status line, headers and the first body chunk in
one syscall and skips work a reverse proxy does not need (header re-validation: everything the proxy
sends comes from httptools-parsed upstream answers or from its own code). It hosts any ASGI app
(`http` and `lifespan` scopes), so tests still drive the proxy app through `httpx.ASGITransport`.

Per connection: one request at a time (pipelined requests wait, reading paused), request bodies
streamed with flow control, `Expect: 100-continue`, keep-alive with an idle timeout, 400 for what
httptools refuses, 500 if the app fails before answering. Graceful stop: `AsgiServer.shutdown`.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, cast
from urllib.parse import unquote_to_bytes

import httptools

from proxy.http_cycle import RequestCycle

log = logging.getLogger("proxy.server")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
AsgiApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]

_ASGI = {"version": "3.0", "spec_version": "2.3"}
_BAD_REQUEST = (
    b"HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"content-length: 30\r\nconnection: close\r\n\r\nInvalid HTTP request received."
)
_SERVER_ERROR = (
    b"HTTP/1.1 500 Internal Server Error\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"content-length: 21\r\nconnection: close\r\n\r\nInternal Server Error"
)


class _HttpProtocol(asyncio.Protocol):
    def __init__(self, server: AsgiServer) -> None:
        self.server = server
        self.loop = server.loop
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpRequestParser(self)
        self.url = b""
        self.headers: list[tuple[bytes, bytes]] = []
        self.expect_continue = False
        self.parsing: RequestCycle | None = None  # the request whose bytes the parser is reading
        self.active: RequestCycle | None = None  # the request the app is answering
        self.waiting: deque[RequestCycle] = deque()  # pipelined requests
        self.write_paused = False
        self.reading_paused = False
        self._drain: asyncio.Future[None] | None = None
        self._idle_timer: asyncio.TimerHandle | None = None
        self._closing = False
        self.server_address: tuple[str, int] | None = None
        self.client_address: tuple[str, int] | None = None

    # -- connection events ---------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)
        sockname, peername = transport.get_extra_info("sockname"), transport.get_extra_info("peername")
        self.server_address = (str(sockname[0]), int(sockname[1])) if sockname else None
        self.client_address = (str(peername[0]), int(peername[1])) if peername else None
        self.server.connections.add(self)
        self._arm_idle_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._closing = True
        self.server.connections.discard(self)
        self._cancel_idle_timer()
        for cycle in (self.active, self.parsing, *self.waiting):
            if cycle is not None:
                cycle.disconnect()
        if self._drain is not None and not self._drain.done():
            self._drain.set_result(None)

    def data_received(self, data: bytes) -> None:
        self._cancel_idle_timer()
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            # No upgrades through this proxy: the request is answered normally (Upgrade is a
            # hop-by-hop header, never forwarded), then the connection closes (on_headers_complete
            # made it so: the parser stops at the upgrade, past the end of that request).
            pass
        except httptools.HttpParserError:
            self._refuse()
            return
        if self.active is None and not self._closing:
            # Only part of a request head so far: the idle timeout still runs, or a visitor who
            # stops halfway through the head would hold the connection forever.
            self._arm_idle_timer()

    def _refuse(self) -> None:
        active = self.active
        if active is None or not active.started:  # e.g. a malformed body after valid headers
            self.write(_BAD_REQUEST)
        if active is not None:
            active.disconnect()  # whatever the app still sends goes nowhere
        self.close()

    # -- parser callbacks ----------------------------------------------------------------------
    def on_message_begin(self) -> None:
        self.url = b""
        self.headers = []
        self.expect_continue = False

    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        name = name.lower()
        if name == b"expect" and value.lower() == b"100-continue":
            self.expect_continue = True
        self.headers.append((name, value))

    def on_headers_complete(self) -> None:
        parser = self.parser
        parsed = httptools.parse_url(self.url)
        raw_path: bytes = parsed.path
        path = (
            unquote_to_bytes(raw_path).decode("utf-8", "surrogateescape")
            if b"%" in raw_path
            else raw_path.decode("latin-1")
        )
        scope: Scope = {
            "type": "http",
            "asgi": _ASGI,
            "http_version": parser.get_http_version(),
            "server": self.server_address,
            "client": self.client_address,
            "scheme": "http",
            "method": parser.get_method().decode("ascii"),
            "root_path": "",
            "path": path,
            "raw_path": raw_path,
            "query_string": parsed.query or b"",
            "headers": self.headers,
            "state": {},
        }
        keep_alive = parser.should_keep_alive() and not parser.should_upgrade()
        cycle = RequestCycle(self, scope, keep_alive, self.expect_continue)
        self.parsing = cycle
        if self.active is None:
            self._start(cycle)
        else:
            self.waiting.append(cycle)
            self.pause_reading()  # one pipelined request at a time is plenty

    def on_body(self, body: bytes) -> None:
        if self.parsing is not None:
            self.parsing.add_body(body)

    def on_message_complete(self) -> None:
        if self.parsing is not None:
            self.parsing.end_body()
            self.parsing = None

    # -- cycles ----------------------------------------------------------------------------------
    def _start(self, cycle: RequestCycle) -> None:
        self.active = cycle
        task = self.loop.create_task(self._run(cycle))
        self.server.tasks.add(task)
        task.add_done_callback(self.server.tasks.discard)

    async def _run(self, cycle: RequestCycle) -> None:
        try:
            await self.server.app(cycle.scope, cycle.receive, cycle.send)
        except BaseException as exc:
            if not isinstance(exc, asyncio.CancelledError):
                log.exception("exception in the ASGI app for %s %s", cycle.scope["method"], cycle.scope["path"])
            if not cycle.started and not cycle.disconnected:
                self.write(_SERVER_ERROR)
            self.close()
            if isinstance(exc, asyncio.CancelledError):
                raise
            return
        if not cycle.complete:
            if not cycle.started and not cycle.disconnected:
                log.error("ASGI app returned without answering %s %s", cycle.scope["method"], cycle.scope["path"])
                self.write(_SERVER_ERROR)
            self.close()

    def response_complete(self, cycle: RequestCycle) -> None:
        if not cycle.keep_alive or self._closing:
            self.close()
            return
        if cycle.more_body:
            # The app answered without reading the whole request body: the rest of it would be
            # parsed as a next request, so the connection cannot be reused.
            self.close()
            return
        self.active = None
        if self.waiting:
            self._start(self.waiting.popleft())
        else:
            self._arm_idle_timer()
        self.resume_reading()

    # -- I/O helpers -----------------------------------------------------------------------------
    def write(self, data: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(data)

    def pause_writing(self) -> None:
        self.write_paused = True

    def resume_writing(self) -> None:
        self.write_paused = False
        if self._drain is not None and not self._drain.done():
            self._drain.set_result(None)

    # The I/O helpers look at the transport itself: `_closing` only means "no further request",
    # and a request still answered during a graceful shutdown must keep its flow control.
    async def drain(self) -> None:
        if self.write_paused and self.transport is not None and not self.transport.is_closing():
            self._drain = self.loop.create_future()
            try:
                await self._drain
            finally:
                self._drain = None

    def pause_reading(self) -> None:
        if not self.reading_paused and self.transport is not None and not self.transport.is_closing():
            self.reading_paused = True
            self.transport.pause_reading()

    def resume_reading(self) -> None:
        if self.reading_paused and self.transport is not None and not self.transport.is_closing() and not self.waiting:
            self.reading_paused = False
            self.transport.resume_reading()

    def _arm_idle_timer(self) -> None:
        self._cancel_idle_timer()
        self._idle_timer = self.loop.call_later(self.server.keep_alive_timeout, self.close)

    def _cancel_idle_timer(self) -> None:
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None

    def close_after_response(self) -> None:
        self._closing = True
        if self.active is not None:
            self.active.keep_alive = False  # its answer then says "connection: close"

    @property
    def idle(self) -> bool:
        return self.active is None and self.parsing is None

    def close(self) -> None:
        self._closing = True
        self._cancel_idle_timer()
        if self.transport is not None and not self.transport.is_closing():
            self.transport.close()


class AsgiServer:
    """Serves an ASGI app on already-bound sockets until `shutdown`."""

    def __init__(self, app: AsgiApp, *, keep_alive_timeout: float = 5.0) -> None:
        self.app = app
        self.keep_alive_timeout = keep_alive_timeout
        self.loop = asyncio.get_running_loop()
        self.connections: set[_HttpProtocol] = set()
        self.tasks: set[asyncio.Task[None]] = set()
        self._servers: list[asyncio.AbstractServer] = []

    async def start(self, sockets: list[Any]) -> None:
        for sock in sockets:
            server = await self.loop.create_server(lambda: _HttpProtocol(self), sock=sock, backlog=2048)
            self._servers.append(server)

    async def shutdown(self, grace: float) -> None:
        """Stops accepting, lets requests in progress finish (up to `grace` seconds), then closes."""
        for server in self._servers:
            server.close()
        for connection in list(self.connections):
            if connection.idle:
                connection.close()
            else:
                connection.close_after_response()
        deadline = self.loop.time() + grace
        while self.tasks and self.loop.time() < deadline:
            await asyncio.sleep(0.05)
        for task in list(self.tasks):
            task.cancel()
        for connection in list(self.connections):
            connection.close()
        for server in self._servers:
            await server.wait_closed()
