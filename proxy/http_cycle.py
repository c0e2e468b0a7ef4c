"""One request and its response on a connection of `proxy.http_server`: ASGI `receive` and `send`."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from proxy.h1 import response_has_body, response_head

if TYPE_CHECKING:
    from proxy.http_server import Message, Scope, _HttpProtocol

HIGH_WATER = 1 << 16  # buffered request body bytes before we stop reading from the visitor
_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


class RequestCycle:
    """One request and its response: the ASGI `receive` and `send` callables."""

    def __init__(self, protocol: _HttpProtocol, scope: Scope, keep_alive: bool, expect_continue: bool) -> None:
        self.protocol = protocol
        self.scope = scope
        self.keep_alive = keep_alive
        self.expect_continue = expect_continue
        self.body: list[bytes] = []
        self.body_size = 0
        self.more_body = True
        self.body_delivered = False
        self.body_event: asyncio.Future[None] | None = None
        self.started = False
        self.complete = False
        self.disconnected = False
        self.chunked = False
        self.status = 0
        self.headers: list[tuple[bytes, bytes]] = []
        self.head_written = False

    # -- from the parser ---------------------------------------------------------------------
    def add_body(self, data: bytes) -> None:
        self.body.append(data)
        self.body_size += len(data)
        if self.body_size > HIGH_WATER:
            self.protocol.pause_reading()
        self._wake()

    def end_body(self) -> None:
        self.more_body = False
        self._wake()

    def disconnect(self) -> None:
        self.disconnected = True
        self._wake()

    def finish(self) -> None:
        self.complete = True
        self._wake()

    def _wake(self) -> None:
        event = self.body_event
        if event is not None and not event.done():
            event.set_result(None)

    # -- ASGI ------------------------------------------------------------------------------------
    async def receive(self) -> Message:
        if self.expect_continue and not self.started and not self.disconnected:
            self.expect_continue = False
            self.protocol.write(_CONTINUE)
        # Once the whole body was delivered, receive() waits for the end of the exchange (ASGI
        # apps such as Starlette's streaming responses call it to notice a disconnect).
        while (self.more_body or self.body_delivered) and not self.body and not self.disconnected and not self.complete:
            self.protocol.resume_reading()
            self.body_event = asyncio.get_running_loop().create_future()
            try:
                await self.body_event
            finally:
                self.body_event = None
        if self.disconnected or (self.complete and not self.body):
            return {"type": "http.disconnect"}
        data = self.body[0] if len(self.body) == 1 else b"".join(self.body)
        self.body.clear()
        self.body_size = 0
        self.protocol.resume_reading()
        self.body_delivered = not self.more_body
        return {"type": "http.request", "body": data, "more_body": self.more_body}

    async def send(self, message: Message) -> None:
        protocol = self.protocol
        if protocol.write_paused and not self.disconnected:
            await protocol.drain()
        if self.disconnected or self.complete:
            return
        kind = message["type"]
        if not self.started:
            if kind != "http.response.start":
                raise RuntimeError(f"expected http.response.start, got {kind!r}")
            self.started = True
            self.expect_continue = False
            self.status = message["status"]
            self.headers = list(message.get("headers", ()))
            # Written with the first body message when that follows at once (one syscall for a
            # whole small answer), else on its own, so a slow first chunk never delays the head.
            protocol.loop.call_soon(self._flush_head)
            return
        if kind != "http.response.body":
            raise RuntimeError(f"expected http.response.body, got {kind!r}")
        body: bytes = message.get("body", b"")
        more_body: bool = message.get("more_body", False)
        head = b"" if self.head_written else self._head()
        if not response_has_body(self.scope["method"], self.status):
            payload = head
        elif self.chunked:
            payload = (
                head + (b"%x\r\n%b\r\n" % (len(body), body) if body else b"") + (b"" if more_body else b"0\r\n\r\n")
            )
        else:
            payload = head + body if head else body
        if payload:
            protocol.write(payload)
        if not more_body:
            self.finish()
            protocol.response_complete(self)

    def _flush_head(self) -> None:
        if not self.head_written and not self.disconnected and not self.complete:
            self.protocol.write(self._head())

    def _head(self) -> bytes:
        self.head_written = True
        headers = self.headers
        has_length = False
        extra: list[bytes] = []
        for name, value in headers:
            lower = name.lower()
            if lower == b"content-length":
                has_length = True
            elif lower == b"connection" and b"close" in value.lower():
                self.keep_alive = False
        if not has_length and response_has_body(self.scope["method"], self.status):
            if self.scope["http_version"] == "1.0":
                # HTTP/1.0 knows no chunked coding (RFC 9112 section 6.1 forbids sending it):
                # the end of the connection delimits the body instead.
                self.keep_alive = False
            else:
                # Chunked even when the whole body is at hand: the visitor then sees the headers
                # the upstream sent (no invented Content-Length), framed as uvicorn would.
                self.chunked = True
                extra.append(b"transfer-encoding: chunked\r\n")
        if not self.keep_alive:
            extra.append(b"connection: close\r\n")
        return response_head(self.status, headers, extra)
