"""proxy.http_server.AsgiServer (and proxy.lifespan) in the test's event loop, with tiny ASGI apps,
driven by httpx for ordinary exchanges and by raw sockets for the edges (pipelining, malformed
requests, Expect: 100-continue, framing, keep-alive, graceful shutdown).

Each test runs on the stdlib event loop and on uvloop (what the proxy workers run)."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import socket
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from proxy.http_server import AsgiServer, Message, Scope
from proxy.lifespan import Lifespan, LifespanError

pytestmark = pytest.mark.anyio

Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


@pytest.fixture(
    params=[pytest.param(("asyncio", {}), id="asyncio"), pytest.param(("asyncio", {"use_uvloop": True}), id="uvloop")]
)
def anyio_backend(request: pytest.FixtureRequest) -> Any:
    return request.param


@dataclass
class Served:
    server: AsgiServer
    port: int
    clients: list[Raw] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def connect(self) -> Raw:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.clients.append(Raw(reader, writer))
        return self.clients[-1]


@contextlib.asynccontextmanager
async def serving(app: Any, keep_alive_timeout: float = 5.0) -> AsyncIterator[Served]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.setblocking(False)
    server = AsgiServer(app, keep_alive_timeout=keep_alive_timeout)
    await server.start([sock])
    served = Served(server, sock.getsockname()[1])
    try:
        yield served
    finally:
        for client in served.clients:
            client.close()
        await server.shutdown(0.2)


TLS = ssl.create_default_context()  # built once: httpx would load the CA bundle for every client


def client_of(served: Served) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=served.url, verify=TLS)


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    raw: bytes  # status line and headers as sent

    def header(self, name: str) -> str | None:
        values = [value for key, value in self.headers if key == name]
        return ", ".join(values) if values else None


class Raw:
    """A raw HTTP/1.1 client socket that reads answers by their framing."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def head(self) -> bytes:
        return await asyncio.wait_for(self.reader.readuntil(b"\r\n\r\n"), 2)

    async def reply(self, *, head_request: bool = False) -> Reply:
        raw = await self.head()
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        headers = [(k.lower(), v.strip()) for k, _, v in (line.partition(":") for line in lines[1:] if line)]
        reply = Reply(status, headers, b"", raw)
        if head_request or status in (204, 304) or status < 200:
            return reply
        if (length := reply.header("content-length")) is not None:
            reply.body = await asyncio.wait_for(self.reader.readexactly(int(length)), 2)
        elif reply.header("transfer-encoding") == "chunked":
            reply.body = await asyncio.wait_for(self._chunked(), 2)
        else:
            reply.body = await asyncio.wait_for(self.reader.read(), 2)
        return reply

    async def _chunked(self) -> bytes:
        body = b""
        while True:
            size = int((await self.reader.readuntil(b"\r\n"))[:-2], 16)
            if size == 0:
                await self.reader.readuntil(b"\r\n")
                return body
            body += (await self.reader.readexactly(size + 2))[:-2]

    async def closed(self, within: float = 2) -> bool:
        """True when the server closed the connection (nothing more comes)."""
        return await asyncio.wait_for(self.reader.read(), within) == b""

    def close(self) -> None:
        self.writer.close()


async def read_body(receive: Receive) -> tuple[bytes, int]:
    body, messages = b"", 0
    while True:
        message = await receive()
        assert message["type"] == "http.request", message
        body += message.get("body", b"")
        messages += 1
        if not message.get("more_body"):
            return body, messages


async def answer(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    if headers is None:
        headers = [(b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def echo(scope: Scope, receive: Receive, send: Send) -> None:
    """Answers with what it saw: scope fields, body size and digest, number of body messages."""
    body, messages = await read_body(receive)
    seen = {
        "method": scope["method"],
        "path": scope["path"],
        "raw_path": scope["raw_path"].decode("latin-1"),
        "query_string": scope["query_string"].decode("latin-1"),
        "http_version": scope["http_version"],
        "scheme": scope["scheme"],
        "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in scope["headers"]],
        "client": list(scope["client"]),
        "server": list(scope["server"]),
        "size": len(body),
        "sha256": hashlib.sha256(body).hexdigest(),
        "messages": messages,
        "body": body[:64].decode("latin-1"),
    }
    await answer(send, 200, json.dumps(seen).encode(), [(b"content-type", b"application/json")])


# -- ordinary exchanges (httpx) ----------------------------------------------------------------------


async def test_scope_and_keep_alive() -> None:
    async with serving(echo) as served, client_of(served) as client:
        first = await client.get("/caf%C3%A9/a%2Fb?x=%20&y=1", headers={"X-Mixed-Case": "v"})
        second = await client.get("/plain")
    seen = first.json()
    assert first.status_code == 200 and first.headers["transfer-encoding"] == "chunked"
    assert (seen["method"], seen["path"], seen["raw_path"]) == ("GET", "/café/a/b", "/caf%C3%A9/a%2Fb")
    assert (seen["query_string"], seen["http_version"], seen["scheme"]) == ("x=%20&y=1", "1.1", "http")
    assert ["x-mixed-case", "v"] in seen["headers"] and ["host", f"127.0.0.1:{served.port}"] in seen["headers"]
    assert seen["server"] == ["127.0.0.1", served.port] and seen["client"][0] == "127.0.0.1"
    assert second.json()["client"] == seen["client"]  # the same keep-alive connection
    assert second.json()["path"] == "/plain"


@pytest.mark.parametrize("chunked", [False, True], ids=["length", "chunked"])
async def test_request_body_is_streamed_in_pieces(chunked: bool) -> None:
    blob = bytes(range(256)) * 4096  # 1 MiB
    pieces = [blob[i : i + 65536] for i in range(0, len(blob), 65536)]

    async def upload() -> AsyncIterator[bytes]:
        for piece in pieces:
            yield piece

    async with serving(echo) as served, client_of(served) as client:
        response = await client.post("/up", content=upload() if chunked else blob)
    seen = response.json()
    assert (seen["size"], seen["sha256"]) == (len(blob), hashlib.sha256(blob).hexdigest())
    assert seen["messages"] > 1  # delivered as it came, never buffered whole


async def test_large_answer_with_backpressure() -> None:
    blob = bytes(range(256)) * 8192  # 2 MiB

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"%d" % len(blob))]})
        for i in range(0, len(blob), 65536):
            await send({"type": "http.response.body", "body": blob[i : i + 65536], "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    async with serving(app) as served, client_of(served) as client:
        async with client.stream("GET", "/") as response:
            await asyncio.sleep(0.05)  # the server's writes pause meanwhile
            received = b"".join([data async for data in response.aiter_raw()])
        again = await client.get("/")
    assert received == blob and "transfer-encoding" not in response.headers
    assert again.content == blob


# -- response framing (raw sockets) --------------------------------------------------------------------


async def test_no_content_length_means_chunked() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"x-a", b"1"), (b"x-a", b"2")]})
        for piece in (b"hello", b"", b" world"):
            await send({"type": "http.response.body", "body": piece, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    async with serving(app) as served:
        raw = await served.connect()
        await raw.send(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        head = await raw.head()
        wire = await asyncio.wait_for(raw.reader.readuntil(b"0\r\n\r\n"), 2)
        raw.close()
    assert head == b"HTTP/1.1 200 OK\r\nx-a: 1\r\nx-a: 2\r\ntransfer-encoding: chunked\r\n\r\n"
    assert wire == b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"


@pytest.mark.parametrize(
    ("method", "status"), [("HEAD", 200), ("GET", 204), ("GET", 304), ("HEAD", 404)], ids=["head", "204", "304", "h404"]
)
async def test_bodyless_answers_carry_no_body_and_keep_the_connection(method: str, status: int) -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"] == "/next":
            await answer(send, 200, b"next")
            return
        await send({"type": "http.response.start", "status": status, "headers": [(b"etag", b'"x"')]})
        await send({"type": "http.response.body", "body": b"must not be sent"})

    async with serving(app) as served:
        raw = await served.connect()
        await raw.send(f"{method} / HTTP/1.1\r\nHost: a\r\n\r\nGET /next HTTP/1.1\r\nHost: a\r\n\r\n".encode())
        first = await raw.reply(head_request=True)
        second = await raw.reply()
        raw.close()
    assert first.status == status and first.headers == [("etag", '"x"')]
    assert (second.status, second.body) == (200, b"next")


async def test_head_goes_out_before_a_slow_body() -> None:
    go_on = asyncio.Event()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"4")]})
        await go_on.wait()
        await send({"type": "http.response.body", "body": b"late"})

    async with serving(app) as served:
        raw = await served.connect()
        await raw.send(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        assert await raw.head() == b"HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\n"
        go_on.set()
        assert await asyncio.wait_for(raw.reader.readexactly(4), 2) == b"late"
        raw.close()


async def test_small_answer_goes_out_in_one_write() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await answer(send, 200, b"hi")

    async with serving(app) as served:
        with socket.create_connection(("127.0.0.1", served.port)) as sock:
            sock.setblocking(False)
            loop = asyncio.get_running_loop()
            await loop.sock_sendall(sock, b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            data = await asyncio.wait_for(loop.sock_recv(sock, 65536), 2)
    assert data == b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nhi"


# -- connection management ---------------------------------------------------------------------------


async def test_pipelined_requests_are_answered_in_order_one_at_a_time() -> None:
    running = 0
    most = 0

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        body, _ = await read_body(receive)
        await asyncio.sleep(0.01 if scope["path"] == "/1" else 0)
        running -= 1
        await answer(send, 200, scope["path"].encode() + b":" + body)

    requests = (
        b"GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"
        b"POST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
        b"POST /3 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
        b"GET /4 HTTP/1.1\r\nHost: a\r\n\r\n"
    )
    async with serving(app) as served:
        raw = await served.connect()
        await raw.send(requests)
        bodies = [(await raw.reply()).body for _ in range(4)]
        raw.close()
    assert bodies == [b"/1:", b"/2:hello", b"/3:abc", b"/4:"]
    assert most == 1


@pytest.mark.parametrize(
    "request_head",
    [
        b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
        b"GET / HTTP/1.0\r\nHost: a\r\n\r\n",
    ],
    ids=["connection-close", "http-1.0"],
)
async def test_connection_close_requests(request_head: bytes) -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await answer(send, 200, b"bye")

    async with serving(app) as served:
        raw = await served.connect()
        await raw.send(request_head)
        reply = await raw.reply()
        assert (reply.body, reply.header("connection")) == (b"bye", "close")
        assert await raw.closed()


async def test_an_app_asking_to_close_gets_the_connection_closed() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await answer(send, 200, b"", [(b"content-length", b"0"), (b"Connection", b"close")])

    async with serving(app) as served:
        raw = await served.connect()
        await raw.send(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        assert (await raw.reply()).status == 200
        assert await raw.closed()


async def test_http_1_0_answers_without_length_are_close_delimited_not_chunked() -> None:
    """RFC 9112 section 6.1: no Transfer-Encoding in an answer to an HTTP/1.0 request."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"old ", "more_body": True})
        await send({"type": "http.response.body", "body": b"client"})

    async with serving(app) as served:
        raw = await served.connect()
        await raw.send(b"GET / HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\n\r\n")
        reply = await raw.reply()
    assert reply.header("transfer-encoding") is None and reply.header("connection") == "close"
    assert reply.body == b"old client"


async def test_idle_connections_are_closed_after_the_keep_alive_timeout() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await answer(send, 200, b"ok")

    async with serving(app, keep_alive_timeout=0.05) as served:
        silent = await served.connect()
        used = await served.connect()
        await used.send(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        assert (await used.reply()).body == b"ok"
        assert await silent.closed(1) and await used.closed(1)


async def test_a_half_sent_request_does_not_hold_the_connection_forever() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await answer(send, 200, b"ok")

    async with serving(app, keep_alive_timeout=0.05) as served:
        raw = await served.connect()
        await raw.send(b"GET / HTTP/1.1\r\nHost: a\r\n")  # and nothing more
        assert await raw.closed(1)


async def test_upgrade_requests_are_answered_then_the_connection_closes() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await answer(send, 200, b"no upgrades here")

    async with serving(app) as served:
        raw = await served.connect()
        await raw.send(b"GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
        reply = await raw.reply()
        assert (reply.status, reply.body, reply.header("connection")) == (200, b"no upgrades here", "close")
        assert await raw.closed(1)


# -- Expect: 100-continue --------------------------------------------------------------------------------


async def test_expect_continue_is_answered_when_the_app_reads_the_body() -> None:
    async with serving(echo) as served:
        raw = await served.connect()
        await raw.send(b"POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
        assert await raw.head() == b"HTTP/1.1 100 Continue\r\n\r\n"
        await raw.send(b"hello")
        reply = await raw.reply()
        raw.close()
    assert json.loads(reply.body)["body"] == "hello"


async def test_expect_continue_is_not_answered_when_the_app_refuses_at_once() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await answer(send, 413, b"too large")

    async with serving(app) as served:
        raw = await served.connect()
        await raw.send(b"POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 99999\r\n\r\n")
        reply = await raw.reply()
        assert (reply.status, reply.body) == (413, b"too large")
        assert await raw.closed()  # the unread body would be taken for the next request


# -- errors ----------------------------------------------------------------------------------------------

BAD_REQUEST = b"HTTP/1.1 400 Bad Request\r\n"


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GARBAGE\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: a\r\nBad Header\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
    ],
    ids=["request-line", "header", "two-lengths", "bad-chunk"],
)
async def test_malformed_requests_get_400_and_close(request_bytes: bytes) -> None:
    async with serving(echo) as served:
        raw = await served.connect()
        await raw.send(request_bytes)
        reply = await raw.reply()
        assert reply.raw.startswith(BAD_REQUEST) and reply.header("connection") == "close"
        assert await raw.closed()


async def test_a_malformed_body_after_valid_headers_gets_400() -> None:
    reading = asyncio.Event()
    messages: list[Message] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        messages.append(await receive())
        reading.set()
        messages.append(await receive())

    async with serving(app) as served:
        raw = await served.connect()
        await raw.send(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n")
        await asyncio.wait_for(reading.wait(), 2)
        await raw.send(b"not-hex\r\n")
        assert (await raw.reply()).raw.startswith(BAD_REQUEST)
        assert await raw.closed()
    assert messages == [
        {"type": "http.request", "body": b"abc", "more_body": True},
        {"type": "http.disconnect"},
    ]


@pytest.mark.parametrize("how", ["raises", "returns"])
async def test_an_app_failing_before_answering_gets_500(how: str, caplog: pytest.LogCaptureFixture) -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if how == "raises":
            raise RuntimeError("boom")

    async with serving(app) as served:
        raw = await served.connect()
        await raw.send(b"GET /x HTTP/1.1\r\nHost: a\r\n\r\n")
        reply = await raw.reply()
        assert (reply.status, reply.body, reply.header("connection")) == (500, b"Internal Server Error", "close")
        assert await raw.closed()
    assert "GET /x" in caplog.text


async def test_a_body_before_the_start_is_a_failure_of_the_app(caplog: pytest.LogCaptureFixture) -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.body", "body": b"x"})

    async with serving(app) as served:
        raw = await served.connect()
        await raw.send(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        assert (await raw.reply()).status == 500
    assert "expected http.response.start" in caplog.text


@pytest.mark.parametrize("how", ["raises", "returns"])
async def test_an_app_failing_mid_answer_cuts_the_connection(how: str, caplog: pytest.LogCaptureFixture) -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"10")]})
        await send({"type": "http.response.body", "body": b"12345", "more_body": True})
        if how == "raises":
            raise RuntimeError("boom")

    async with serving(app) as served:
        raw = await served.connect()
        await raw.send(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        head = await raw.head()
        assert head.startswith(b"HTTP/1.1 200 OK\r\n")
        assert await asyncio.wait_for(raw.reader.read(), 2) == b"12345"  # then the end: a truncated answer


# -- receive() and disconnects ---------------------------------------------------------------------------


async def test_receive_after_the_body_waits_for_the_disconnect() -> None:
    messages: list[Message] = []
    done = asyncio.Event()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        messages.append(await receive())
        messages.append(await receive())  # blocks: nothing more to read until the visitor leaves
        done.set()

    async with serving(app) as served:
        raw = await served.connect()
        await raw.send(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi")
        await asyncio.sleep(0.02)
        assert messages == [{"type": "http.request", "body": b"hi", "more_body": False}]
        raw.close()
        await asyncio.wait_for(done.wait(), 2)
    assert messages[1] == {"type": "http.disconnect"}


async def test_receive_while_streaming_notices_the_disconnect() -> None:
    """As Starlette's StreamingResponse does: one task streams, another waits in receive()."""
    outcome: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"first", "more_body": True})
        message = await asyncio.wait_for(receive(), 2)
        outcome.append(message["type"])
        await send({"type": "http.response.body", "body": b"goes nowhere", "more_body": True})
        outcome.append("sent")

    async with serving(app) as served:
        raw = await served.connect()
        await raw.send(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        await raw.head()
        raw.close()
        for _ in range(100):
            if len(outcome) == 2:
                break
            await asyncio.sleep(0.01)
    assert outcome == ["http.disconnect", "sent"]


async def test_receive_after_the_answer_reports_a_disconnect() -> None:
    after: list[Message] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await read_body(receive)
        await answer(send, 200, b"ok")
        after.append(await asyncio.wait_for(receive(), 1))

    async with serving(app) as served, client_of(served) as client:
        assert (await client.get("/")).content == b"ok"
        await asyncio.sleep(0.02)
    assert after == [{"type": "http.disconnect"}]


async def test_a_visitor_leaving_mid_body_is_a_disconnect() -> None:
    messages: list[Message] = []
    done = asyncio.Event()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] == "http.disconnect":
                done.set()
                return

    async with serving(app) as served:
        raw = await served.connect()
        await raw.send(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc")
        await asyncio.sleep(0.02)
        raw.close()
        await asyncio.wait_for(done.wait(), 2)
    assert messages == [{"type": "http.request", "body": b"abc", "more_body": True}, {"type": "http.disconnect"}]


# -- graceful shutdown -----------------------------------------------------------------------------------


async def test_shutdown_finishes_requests_in_progress_and_closes_idle_connections() -> None:
    release = asyncio.Event()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await read_body(receive)
        if scope["path"] == "/slow":
            await release.wait()
        await answer(send, 200, b"done")

    async with serving(app) as served:
        idle = await served.connect()
        await idle.send(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        assert (await idle.reply()).body == b"done"
        busy = await served.connect()
        await busy.send(b"GET /slow HTTP/1.1\r\nHost: a\r\n\r\n")
        await asyncio.sleep(0.02)
        stopping = asyncio.create_task(served.server.shutdown(2))
        assert await idle.closed(1)
        with pytest.raises(OSError):
            await asyncio.open_connection("127.0.0.1", served.port)
        release.set()
        reply = await busy.reply()
        assert (reply.body, reply.header("connection")) == (b"done", "close")
        assert await busy.closed(1)
        await asyncio.wait_for(stopping, 2)


async def test_shutdown_lets_a_paused_upload_finish() -> None:
    """Reading was paused by backpressure when the shutdown began: the app must still get the rest."""
    started = asyncio.Event()
    size = 2 << 20

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        first = await receive()
        started.set()
        await asyncio.sleep(0.05)  # the visitor's bytes pile up: reading pauses
        body, _ = await read_body(receive)
        await answer(send, 200, b"%d" % (len(first["body"]) + len(body)))

    async with serving(app) as served:
        raw = await served.connect()
        raw.writer.write(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: %d\r\n\r\n" % size + b"x" * size)
        await asyncio.wait_for(started.wait(), 2)
        stopping = asyncio.create_task(served.server.shutdown(2))
        reply = await raw.reply()
        assert (reply.status, reply.body) == (200, b"%d" % size)
        await asyncio.wait_for(stopping, 3)


async def test_shutdown_cancels_what_outlives_the_grace() -> None:
    cancelled = asyncio.Event()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    async with serving(app) as served:
        raw = await served.connect()
        await raw.send(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        await asyncio.sleep(0.02)
        await asyncio.wait_for(served.server.shutdown(0.05), 2)
        assert cancelled.is_set()
        data = await asyncio.wait_for(raw.reader.read(), 1)
        assert data == b"" or data.startswith(b"HTTP/1.1 500 ")


# -- lifespan ----------------------------------------------------------------------------------------------


def lifespan_app(startup: str = "complete", shutdown: str = "complete") -> tuple[Any, list[str]]:
    events: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "lifespan"
        while True:
            message = await receive()
            kind = message["type"].removeprefix("lifespan.")
            events.append(kind)
            outcome = startup if kind == "startup" else shutdown
            if outcome == "raise":
                raise RuntimeError(f"{kind} exploded")
            reply: Message = {"type": f"{message['type']}.{outcome}"}
            if outcome == "failed":
                reply["message"] = f"no {kind} today"
            await send(reply)
            if kind == "shutdown":
                return

    return app, events


async def test_lifespan_startup_and_shutdown() -> None:
    app, events = lifespan_app()
    lifespan = Lifespan(app)
    await asyncio.wait_for(lifespan.startup(), 1)
    await asyncio.wait_for(lifespan.shutdown(), 1)
    assert events == ["startup", "shutdown"]


@pytest.mark.parametrize(
    ("startup", "message"), [("failed", "startup failed: no startup today"), ("raise", "startup exploded")]
)
async def test_lifespan_startup_failures(startup: str, message: str, caplog: pytest.LogCaptureFixture) -> None:
    app, _ = lifespan_app(startup=startup)
    lifespan = Lifespan(app)
    with pytest.raises(LifespanError, match=message):
        await asyncio.wait_for(lifespan.startup(), 1)
    await asyncio.wait_for(lifespan.shutdown(), 1)


async def test_lifespan_shutdown_failure() -> None:
    app, _ = lifespan_app(shutdown="failed")
    lifespan = Lifespan(app)
    await lifespan.startup()
    with pytest.raises(LifespanError, match="shutdown failed: no shutdown today"):
        await asyncio.wait_for(lifespan.shutdown(), 1)


async def test_lifespan_of_an_app_that_does_not_speak_it() -> None:
    """An app that returns at once on the lifespan scope (as many tiny ASGI apps do) must not hang startup."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        await answer(send, 200, b"ok")

    lifespan = Lifespan(app)
    await asyncio.wait_for(lifespan.startup(), 1)
    await asyncio.wait_for(lifespan.shutdown(), 1)
