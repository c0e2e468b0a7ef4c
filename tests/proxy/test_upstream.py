"""proxy.upstream.UpstreamTransport against tiny scripted upstreams on 127.0.0.1 (raw asyncio servers
that send exact bytes): framing both ways, keep-alive pool, stale-connection retry, timeouts, errors.

Each test runs on the stdlib event loop and on uvloop (what the proxy workers run)."""

from __future__ import annotations

import asyncio
import re
import socket
import struct
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from proxy.errors import UpstreamConnectError, UpstreamError, UpstreamTimeoutError
from proxy.types import RawHeaders
from proxy.upstream import UpstreamTransport

pytestmark = pytest.mark.anyio

OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


@pytest.fixture(
    params=[pytest.param(("asyncio", {}), id="asyncio"), pytest.param(("asyncio", {"use_uvloop": True}), id="uvloop")]
)
def anyio_backend(request: pytest.FixtureRequest) -> Any:
    return request.param


class Conn:
    """One accepted connection, as the scripted upstream sees it."""

    def __init__(self, number: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.number = number
        self.reader = reader
        self.writer = writer
        self.requests: list[tuple[bytes, bytes]] = []  # (head, raw body bytes as framed on the wire)
        self.eof = asyncio.Event()  # read_request met the end of the stream: the transport closed it

    async def read_request(self) -> tuple[bytes, bytes] | None:
        """The next request (head, body as on the wire), or None at EOF."""
        try:
            head = await self.reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            self.eof.set()
            return None
        lower = head.lower()
        length = re.search(rb"\r\ncontent-length: *(\d+)", lower)
        if length:
            body = await self.reader.readexactly(int(length[1]))
        elif b"\r\ntransfer-encoding: chunked" in lower:
            body = await self.reader.readuntil(b"0\r\n\r\n")
        else:
            body = b""
        self.requests.append((head, body))
        return head, body

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    def reset(self) -> None:
        """Close with a TCP RST rather than a FIN."""
        sock = self.writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.writer.transport.abort()


Script = Callable[[Conn], Awaitable[None]]


class Upstream:
    """`script` runs once per accepted connection; the connection closes when it returns."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.conns: list[Conn] = []
        self.url = ""
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> Upstream:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for conn in self.conns:
            conn.writer.transport.abort()
        await self._server.wait_closed()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = Conn(len(self.conns), reader, writer)
        self.conns.append(conn)
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self.script(conn)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass  # cancelled: the test is over (asyncio logs scripts that end cancelled)
        finally:
            self._tasks.discard(task)
            writer.transport.close()


def answering(*answers: bytes) -> Script:
    """Reads requests and answers them in turn with `answers` (the last one repeats)."""

    async def script(conn: Conn) -> None:
        index = 0
        while await conn.read_request() is not None:
            await conn.send(answers[min(index, len(answers) - 1)])
            index += 1

    return script


async def read(response: Any) -> bytes:
    try:
        return b"".join([data async for data in response.body()])
    finally:
        await response.aclose()


async def fetch(
    transport: UpstreamTransport,
    url: str,
    method: str = "GET",
    *,
    body: Any = None,
    headers: RawHeaders | None = None,
    timeout: float = 2.0,
) -> tuple[int, RawHeaders, bytes]:
    response = await transport.open(method, url, headers or [], body, timeout)
    return response.status, response.headers, await read(response)


async def stream(*chunks: bytes) -> AsyncIterator[bytes]:
    for data in chunks:
        yield data


@pytest.fixture
async def transport() -> AsyncIterator[UpstreamTransport]:
    client = UpstreamTransport(pool_size=4)
    yield client
    await client.aclose()


# -- responses ---------------------------------------------------------------------------------


async def test_keep_alive_reuses_one_connection_and_keeps_raw_headers(transport: UpstreamTransport) -> None:
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\n\r\nhello"
    async with Upstream(answering(answer)) as upstream:
        for _ in range(3):
            status, headers, body = await fetch(transport, upstream.url + "/p?q=1")
            assert (status, body) == (200, b"hello")
            assert headers == [(b"Content-Length", b"5"), (b"Set-Cookie", b"a=1"), (b"set-cookie", b"b=2")]
    assert len(upstream.conns) == 1 and len(upstream.conns[0].requests) == 3
    port = upstream.url.rsplit(":", 1)[1]
    head = upstream.conns[0].requests[0][0]
    assert head == b"GET /p?q=1 HTTP/1.1\r\nhost: 127.0.0.1:" + port.encode() + b"\r\n\r\n"


@pytest.mark.parametrize("split", [False, True], ids=["one-segment", "segments"])
async def test_informational_answers_are_skipped(transport: UpstreamTransport, split: bool) -> None:
    parts = [
        b"HTTP/1.1 100 Continue\r\n\r\n",
        b"HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n",
        b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\nX-Final: 1\r\n\r\nok",
    ]

    async def script(conn: Conn) -> None:
        while await conn.read_request() is not None:
            if not split:
                await conn.send(b"".join(parts))
                continue
            for part in parts:
                await conn.send(part)
                await asyncio.sleep(0.01)

    async with Upstream(script) as upstream:
        for _ in range(2):
            status, headers, body = await fetch(transport, upstream.url, "POST", body=b"data")
            assert (status, headers, body) == (201, [(b"Content-Length", b"2"), (b"X-Final", b"1")], b"ok")
    assert len(upstream.conns) == 1


@pytest.mark.parametrize(
    ("method", "answer"),
    [
        ("HEAD", b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"),
        ("HEAD", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"),
        ("GET", b"HTTP/1.1 204 No Content\r\n\r\n"),
        ("GET", b"HTTP/1.1 304 Not Modified\r\nETag: x\r\nContent-Length: 50\r\n\r\n"),
    ],
    ids=["head-length", "head-chunked", "204", "304-length"],
)
async def test_bodyless_answers_end_with_their_headers(
    transport: UpstreamTransport, method: str, answer: bytes
) -> None:
    async def script(conn: Conn) -> None:
        await conn.read_request()
        await conn.send(answer)
        await conn.read_request()
        await conn.send(OK)
        await conn.read_request()

    async with Upstream(script) as upstream:
        status, _, body = await asyncio.wait_for(fetch(transport, upstream.url, method), 2)
        assert body == b"" and status in (200, 204, 304)
        assert await fetch(transport, upstream.url) == (200, [(b"Content-Length", b"2")], b"ok")
    assert len(upstream.conns) == 1  # the connection stayed usable


async def test_chunked_answer_in_pieces(transport: UpstreamTransport) -> None:
    pieces = [
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
        b"lo\r\n",
        b"6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n",
    ]

    async def script(conn: Conn) -> None:
        while await conn.read_request() is not None:
            for piece in pieces:
                await conn.send(piece)
                await asyncio.sleep(0.005)

    async with Upstream(script) as upstream:
        assert (await fetch(transport, upstream.url))[2] == b"hello world"
        assert (await fetch(transport, upstream.url))[2] == b"hello world"
    assert len(upstream.conns) == 1


@pytest.mark.parametrize(
    "head", [b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n", b"HTTP/1.0 200 OK\r\n\r\n"], ids=["1.1", "1.0"]
)
async def test_body_read_until_the_upstream_closes(transport: UpstreamTransport, head: bytes) -> None:
    async def script(conn: Conn) -> None:
        await conn.read_request()
        await conn.send(head + b"first;")
        await asyncio.sleep(0.02)
        await conn.send(b"second")

    async with Upstream(script) as upstream:
        assert (await fetch(transport, upstream.url))[2] == b"first;second"
        assert (await fetch(transport, upstream.url))[2] == b"first;second"
    assert len(upstream.conns) == 2  # a close-delimited connection is never reused


@pytest.mark.parametrize(
    "answer",
    [
        b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabcd",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n",
    ],
    ids=["length", "chunked"],
)
async def test_body_cut_short_is_an_error(transport: UpstreamTransport, answer: bytes) -> None:
    async def script(conn: Conn) -> None:
        await conn.read_request()
        await conn.send(answer)

    async with Upstream(script) as upstream:
        response = await transport.open("GET", upstream.url, [], None, 2)
        received = b""
        with pytest.raises(UpstreamError, match="body interrupted"):
            async for data in response.body():
                received += data
        await response.aclose()
        assert received == b"abcd"


async def test_reset_during_a_close_delimited_body_is_an_error(transport: UpstreamTransport) -> None:
    async def script(conn: Conn) -> None:
        await conn.read_request()
        await conn.send(b"HTTP/1.1 200 OK\r\n\r\nabcd")
        await asyncio.sleep(0.02)
        conn.reset()

    async with Upstream(script) as upstream:
        response = await transport.open("GET", upstream.url, [], None, 2)
        with pytest.raises(UpstreamError, match="body interrupted"):
            await read(response)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (b"garbage\r\n\r\n", "malformed answer"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", "malformed answer"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", "malformed answer"),
        (b"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n", "switched"),
    ],
    ids=["garbage", "bad-length", "two-lengths", "upgrade"],
)
async def test_malformed_answers_are_upstream_errors(transport: UpstreamTransport, answer: bytes, message: str) -> None:
    closed = asyncio.Event()

    async def script(conn: Conn) -> None:
        await conn.read_request()
        await conn.send(answer)
        if await conn.read_request() is None:
            closed.set()

    async with Upstream(script) as upstream:
        with pytest.raises(UpstreamError, match=message) as caught:
            await fetch(transport, upstream.url)
        assert type(caught.value) is UpstreamError
        await asyncio.wait_for(closed.wait(), 1)  # the transport dropped the connection


async def test_answer_followed_by_extra_bytes_is_kept_and_the_connection_dropped(transport: UpstreamTransport) -> None:
    smuggled = OK + b"HTTP/1.1 404 Not Found\r\nX-Injected: 1\r\nContent-Length: 3\r\n\r\nbad"
    async with Upstream(answering(smuggled, OK)) as upstream:
        assert await fetch(transport, upstream.url) == (200, [(b"Content-Length", b"2")], b"ok")
        assert await fetch(transport, upstream.url) == (200, [(b"Content-Length", b"2")], b"ok")
    assert len(upstream.conns) == 2


async def test_unsolicited_bytes_on_an_idle_connection_drop_it(transport: UpstreamTransport) -> None:
    async def script(conn: Conn) -> None:
        while await conn.read_request() is not None:
            await conn.send(OK)
            await asyncio.sleep(0.01)
            await conn.send(b"HTTP/1.1 200 OK\r\n")

    async with Upstream(script) as upstream:
        await fetch(transport, upstream.url)
        await asyncio.sleep(0.05)
        assert await fetch(transport, upstream.url) == (200, [(b"Content-Length", b"2")], b"ok")
    assert len(upstream.conns) == 2


# -- request bodies ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "body", "headers", "framing", "wire"),
    [
        pytest.param("GET", None, [], None, b"", id="get-no-body"),
        pytest.param("DELETE", None, [], None, b"", id="delete-no-body"),
        pytest.param("POST", None, [], b"content-length: 0", b"", id="post-no-body"),
        pytest.param("POST", b"", [], b"content-length: 0", b"", id="post-empty-bytes"),
        pytest.param("PUT", b"abc", [(b"Transfer-Encoding", b"chunked")], b"content-length: 3", b"abc", id="bytes"),
        pytest.param(
            "POST",
            [b"ab", b"", b"cde"],
            [],
            b"transfer-encoding: chunked",
            b"2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n",
            id="stream-chunked",
        ),
        pytest.param(
            "POST",
            [b"ab", b"", b"cde"],
            [(b"Content-Length", b"5")],
            b"content-length: 5",
            b"abcde",
            id="stream-length",
        ),
        pytest.param("POST", [], [], b"transfer-encoding: chunked", b"0\r\n\r\n", id="stream-empty"),
        pytest.param("POST", [b""], [(b"content-length", b"0")], b"content-length: 0", b"", id="stream-empty-length"),
    ],
)
async def test_request_body_framing(  # noqa: PLR0917 (the parameters of the table)
    transport: UpstreamTransport,
    method: str,
    body: bytes | list[bytes] | None,
    headers: RawHeaders,
    framing: bytes | None,
    wire: bytes,
) -> None:
    async with Upstream(answering(OK)) as upstream:
        sent = stream(*body) if isinstance(body, list) else body
        assert await fetch(transport, upstream.url + "/x", method, body=sent, headers=headers) == (
            200,
            [
                (b"Content-Length", b"2"),
            ],
            b"ok",
        )
    [(head, received)] = upstream.conns[0].requests
    assert head.startswith(method.encode() + b" /x HTTP/1.1\r\n")
    framings = [line for line in head.lower().split(b"\r\n") if line.startswith((b"content-length", b"transfer-"))]
    assert framings == ([framing] if framing else [])
    assert received == wire


@pytest.mark.parametrize("first", [[], [b""]], ids=["at-once", "after-an-empty-chunk"])
async def test_a_failing_visitor_body_never_reaches_the_upstream(first: list[bytes]) -> None:
    async def failing() -> AsyncIterator[bytes]:
        for data in first:
            yield data
        raise RuntimeError("visitor went away")

    received: list[bytes] = []

    async def script(conn: Conn) -> None:
        if conn.number == 0:
            received.append(await conn.reader.read())
        else:
            await answering(OK)(conn)

    transport = UpstreamTransport(pool_size=1)
    try:
        async with Upstream(script) as upstream:
            with pytest.raises(RuntimeError, match="visitor went away"):
                await transport.open("POST", upstream.url, [], failing(), 2)
            # the slot came back: with a pool of one the next request goes through
            assert (await fetch(transport, upstream.url))[2] == b"ok"
            await asyncio.sleep(0.01)
    finally:
        await transport.aclose()
    assert received == [b""]


async def test_large_upload_and_download_stream_through(transport: UpstreamTransport) -> None:
    blob = bytes(range(256)) * 8192  # 2 MiB

    async def script(conn: Conn) -> None:
        request = await conn.read_request()
        assert request is not None
        await conn.send(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(request[1]) + request[1])

    async with Upstream(script) as upstream:
        chunks = [blob[i : i + 65536] for i in range(0, len(blob), 65536)]
        status, _, body = await fetch(
            transport, upstream.url, "PUT", body=stream(*chunks), headers=[(b"content-length", b"%d" % len(blob))]
        )
    assert status == 200 and body == blob


# -- timeouts --------------------------------------------------------------------------------------


async def test_no_answer_in_time_is_a_timeout_and_not_retried(transport: UpstreamTransport) -> None:
    async def script(conn: Conn) -> None:
        await conn.read_request()
        if conn.number == 0:
            await conn.send(OK)
            await conn.read_request()
        await conn.reader.read()

    async with Upstream(script) as upstream:
        await fetch(transport, upstream.url)
        with pytest.raises(UpstreamTimeoutError, match=r"no bytes from the upstream for 0\.1s"):
            await transport.open("GET", upstream.url, [], None, 0.1)
    assert len(upstream.conns) == 1


async def test_a_body_that_stalls_times_out(transport: UpstreamTransport) -> None:
    async def script(conn: Conn) -> None:
        await conn.read_request()
        await conn.send(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab")
        await conn.reader.read()

    async with Upstream(script) as upstream:
        response = await transport.open("GET", upstream.url, [], None, 0.1)
        with pytest.raises(UpstreamTimeoutError):
            await read(response)


async def test_a_slow_reader_pauses_the_upstream_without_timing_out(transport: UpstreamTransport) -> None:
    """Past 256 KB unread the transport stops reading; the silence that follows is the visitor's, not the
    upstream's, so the idle timeout does not fire however long it lasts."""
    first, rest = b"a" * (600 << 10), b"b" * (300 << 10)
    release = asyncio.Event()

    async def script(conn: Conn) -> None:
        await conn.read_request()
        conn.writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % (len(first) + len(rest)) + first)
        await release.wait()
        await conn.send(rest)
        await conn.reader.read()

    async with Upstream(script) as upstream:
        response = await transport.open("GET", upstream.url, [], None, 0.05)
        await asyncio.sleep(0.2)  # four timeouts without reading a byte
        release.set()
        assert await read(response) == first + rest


async def test_a_stalled_body_below_the_high_water_mark_times_out_even_unread(transport: UpstreamTransport) -> None:
    async def script(conn: Conn) -> None:
        await conn.read_request()
        await conn.send(b"HTTP/1.1 200 OK\r\nContent-Length: 200000\r\n\r\n" + b"a" * 1000)
        await conn.reader.read()

    async with Upstream(script) as upstream:
        response = await transport.open("GET", upstream.url, [], None, 0.05)
        await asyncio.sleep(0.12)
        with pytest.raises(UpstreamTimeoutError):
            await read(response)


async def test_an_upstream_that_stops_reading_the_body_times_out(transport: UpstreamTransport) -> None:
    """The socket's send buffer fills and the transport waits to write: the route's timeout still applies."""

    async def script(conn: Conn) -> None:
        await conn.reader.readuntil(b"\r\n\r\n")
        await asyncio.sleep(5)

    async with Upstream(script) as upstream:
        with pytest.raises(UpstreamTimeoutError):
            await asyncio.wait_for(transport.open("PUT", upstream.url, [], b"x" * (16 << 20), 0.1), 3)


async def test_an_upload_outlasting_the_timeout_is_reported_as_a_timeout(transport: UpstreamTransport) -> None:
    """The upstream answers nothing until the body is whole, so the idle timer runs while the visitor
    uploads; when it fires under the upload the failure is the timeout (504), not the aborted socket."""

    async def slow() -> AsyncIterator[bytes]:
        yield b"first;"
        await asyncio.sleep(0.15)
        yield b"second"

    async with Upstream(answering(OK)) as upstream:
        with pytest.raises(UpstreamTimeoutError):
            await fetch(transport, upstream.url, "POST", body=slow(), timeout=0.05)


# -- connections and the pool ------------------------------------------------------------------------


async def test_refused_connection_is_a_connect_error(transport: UpstreamTransport) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(UpstreamConnectError, match="cannot connect"):
        await transport.open("GET", f"http://127.0.0.1:{port}/", [], None, 1)


async def test_an_idle_connection_closed_by_the_upstream_is_not_reused(transport: UpstreamTransport) -> None:
    async def script(conn: Conn) -> None:
        await conn.read_request()
        await conn.send(OK)  # and closes, as servers do with idle keep-alive connections

    async with Upstream(script) as upstream:
        await fetch(transport, upstream.url)
        await asyncio.sleep(0.02)
        assert (await fetch(transport, upstream.url))[2] == b"ok"
    assert len(upstream.conns) == 2


@pytest.mark.parametrize(
    ("method", "body"), [("GET", None), ("OPTIONS", None), ("GET", b"q=1")], ids=["get", "options", "get-with-body"]
)
async def test_a_stale_connection_is_retried_once_on_a_fresh_one(
    transport: UpstreamTransport, method: str, body: bytes | None
) -> None:
    """The upstream closes a pooled connection just as it is reused (it read the request, answers nothing)."""

    async def script(conn: Conn) -> None:
        await conn.read_request()
        await conn.send(OK)
        await conn.read_request()  # the first connection closes here, on its second request

    async with Upstream(script) as upstream:
        await fetch(transport, upstream.url)
        assert await fetch(transport, upstream.url, method, body=body) == (200, [(b"Content-Length", b"2")], b"ok")
    assert [len(conn.requests) for conn in upstream.conns] == [2, 1]
    assert upstream.conns[0].requests[1] == upstream.conns[1].requests[0]


async def hang_up_on_the_second_request(conn: Conn) -> None:
    """The first connection answers once, then closes on the next request (stale when reused);
    later connections close without answering."""
    await conn.read_request()
    if conn.number == 0:
        await conn.send(OK)
        await conn.read_request()


async def test_a_stale_connection_is_retried_only_once(transport: UpstreamTransport) -> None:
    async with Upstream(hang_up_on_the_second_request) as upstream:
        await fetch(transport, upstream.url)
        with pytest.raises(UpstreamConnectError, match="before answering"):
            await fetch(transport, upstream.url)
    assert len(upstream.conns) == 2


async def test_a_write_the_upstream_may_have_read_is_not_repeated(transport: UpstreamTransport) -> None:
    """Like nginx's proxy_next_upstream: a POST written to a reused connection that then closed may
    have been applied before the close; it is never sent a second time."""
    async with Upstream(hang_up_on_the_second_request) as upstream:
        await fetch(transport, upstream.url)
        with pytest.raises(UpstreamConnectError, match="before answering") as raised:
            await fetch(transport, upstream.url, "POST", body=b"form=1")
    assert raised.value.request_sent
    assert [len(conn.requests) for conn in upstream.conns] == [2]


async def test_a_streamed_body_is_not_replayed_on_a_stale_connection(transport: UpstreamTransport) -> None:
    async with Upstream(hang_up_on_the_second_request) as upstream:
        await fetch(transport, upstream.url)
        with pytest.raises(UpstreamConnectError):
            await fetch(transport, upstream.url, "POST", body=stream(b"once"))
    assert len(upstream.conns) == 1


async def test_a_connection_closed_after_partial_headers_is_not_retried(transport: UpstreamTransport) -> None:
    async def script(conn: Conn) -> None:
        await conn.read_request()
        await conn.send(OK)
        await conn.read_request()
        await conn.send(b"HTTP/1.1 200 OK\r\nContent-")

    async with Upstream(script) as upstream:
        await fetch(transport, upstream.url)
        with pytest.raises(UpstreamConnectError, match="before answering"):
            await fetch(transport, upstream.url)
    assert len(upstream.conns) == 1


async def test_pool_cap_makes_requests_wait_for_a_connection() -> None:
    release = asyncio.Event()

    async def script(conn: Conn) -> None:
        while await conn.read_request() is not None:
            await conn.send(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n")
            await release.wait()
            await conn.send(b"body")

    transport = UpstreamTransport(pool_size=1)
    try:
        async with Upstream(script) as upstream:
            tasks = [asyncio.create_task(fetch(transport, upstream.url)) for _ in range(3)]
            await asyncio.sleep(0.05)
            assert not any(task.done() for task in tasks) and len(upstream.conns) == 1
            release.set()
            results = await asyncio.wait_for(asyncio.gather(*tasks), 2)
    finally:
        await transport.aclose()
    assert [body for _, _, body in results] == [b"body"] * 3
    assert len(upstream.conns) == 1 and len(upstream.conns[0].requests) == 3


async def test_a_waiter_cancelled_as_its_turn_comes_passes_the_turn_on() -> None:
    async with Upstream(answering(OK)) as upstream:
        transport = UpstreamTransport(pool_size=1)
        try:
            held = await transport.open("GET", upstream.url, [], None, 2)
            first = asyncio.create_task(fetch(transport, upstream.url))
            second = asyncio.create_task(fetch(transport, upstream.url))
            await asyncio.sleep(0.01)
            assert await read(held) == b"ok"  # releases the connection: `first` is woken...
            first.cancel()  # ...and cancelled before it could run
            assert (await asyncio.wait_for(second, 1))[2] == b"ok"
            with pytest.raises(asyncio.CancelledError):
                await first
        finally:
            await transport.aclose()


async def test_cancelling_a_request_frees_its_slot_and_closes_its_connection() -> None:
    closed = asyncio.Event()

    async def script(conn: Conn) -> None:
        await conn.read_request()
        if conn.number == 0:
            assert await conn.reader.read() == b""  # never answers; the transport closes it
            closed.set()
        else:
            await conn.send(OK)

    transport = UpstreamTransport(pool_size=1)
    try:
        async with Upstream(script) as upstream:
            task = asyncio.create_task(fetch(transport, upstream.url))
            await asyncio.sleep(0.05)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert (await asyncio.wait_for(fetch(transport, upstream.url), 1))[2] == b"ok"
            await asyncio.wait_for(closed.wait(), 1)
    finally:
        await transport.aclose()


async def test_an_unread_body_closes_the_connection_instead_of_pooling_it(transport: UpstreamTransport) -> None:
    async def script(conn: Conn) -> None:
        await answering(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhe" if conn.number == 0 else OK)(conn)

    async with Upstream(script) as upstream:
        response = await transport.open("GET", upstream.url, [], None, 2)
        await response.aclose()
        assert (await fetch(transport, upstream.url))[2] == b"ok"
        await asyncio.wait_for(upstream.conns[0].eof.wait(), 1)
    assert len(upstream.conns) == 2


async def test_idle_connections_are_reused_last_in_first_out(transport: UpstreamTransport) -> None:
    async def script(conn: Conn) -> None:
        while await conn.read_request() is not None:
            await conn.send(b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n%d" % conn.number)

    async with Upstream(script) as upstream:
        a = await transport.open("GET", upstream.url, [], None, 2)
        b = await transport.open("GET", upstream.url, [], None, 2)
        assert (await read(b), await read(a)) == (b"1", b"0")  # `a` goes back last
        assert [(await fetch(transport, upstream.url))[2] for _ in range(2)] == [b"0", b"0"]


async def test_connections_idle_too_long_are_not_reused() -> None:
    transport = UpstreamTransport(idle_timeout=0.02)
    try:
        async with Upstream(answering(OK)) as upstream:
            await fetch(transport, upstream.url)
            await fetch(transport, upstream.url)
            await asyncio.sleep(0.04)
            await fetch(transport, upstream.url)
        assert [len(conn.requests) for conn in upstream.conns] == [2, 1]
    finally:
        await transport.aclose()


async def test_aclose_closes_idle_connections() -> None:
    transport = UpstreamTransport()
    async with Upstream(answering(OK)) as upstream:
        await fetch(transport, upstream.url)
        await transport.aclose()
        await asyncio.wait_for(upstream.conns[0].eof.wait(), 1)


async def test_one_pool_per_origin(transport: UpstreamTransport) -> None:
    async with Upstream(answering(OK)) as one, Upstream(answering(OK)) as two:
        for url in (one.url, two.url, one.url, two.url):
            await fetch(transport, url + "/")
    assert len(one.conns) == len(two.conns) == 1
