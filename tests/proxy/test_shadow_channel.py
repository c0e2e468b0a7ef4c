"""proxy.shadow_channel: the worker -> shadow-process unix socket (length-prefixed pickled captures),
its bounded backlog while the shadow process is away, drop counting and reconnection."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import struct
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from proxy import shadow_channel
from proxy.app import ShadowCapture
from proxy.shadow_channel import SocketShadowSink, decode_capture, encode_capture, serve_captures
from proxy.types import Route

pytestmark = pytest.mark.anyio

POSTS = Route(name="posts", paths=("/wp-json/wp/v2/posts",), service="content", service_url="http://127.0.0.1:1")
PAGES = Route(name="pages", paths=("/wp-json/wp/v2/pages",), service="content", service_url="http://127.0.0.1:1")


@pytest.fixture(
    params=[pytest.param(("asyncio", {}), id="asyncio"), pytest.param(("asyncio", {"use_uvloop": True}), id="uvloop")]
)
def anyio_backend(request: pytest.FixtureRequest) -> Any:
    return request.param


def capture(number: int, route: Route = POSTS, body: bytes = b"<html>") -> ShadowCapture:
    return ShadowCapture(
        route=route,
        method="GET",
        target=f"/wp-json/wp/v2/posts/{number}?x=1",
        headers=[(b"host", b"blog.example"), (b"cookie", b"a=1"), (b"cookie", b"b=2")],
        body=None,
        legacy_status=200,
        legacy_headers=[(b"content-type", b"text/html")],
        legacy_body=body,
        legacy_truncated=False,
        legacy_seconds=0.012,
    )


def frame(payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + payload


def payload_of(capture: ShadowCapture) -> bytes:
    """A capture's frame without its leading length."""
    return b"".join(encode_capture(capture))[4:]


@pytest.fixture
def socket_path() -> Iterator[Path]:
    """A short directory: unix socket paths are limited to ~107 bytes, pytest's tmp_path can be longer."""
    directory = Path(tempfile.mkdtemp(prefix="shch-", dir="/tmp"))
    yield directory / "shadow.sock"
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(autouse=True)
def fast_timers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shadow_channel, "RECONNECT_SECONDS", 0.01)


class Received:
    """The shadow-process side: serve_captures collecting what it decodes."""

    def __init__(self) -> None:
        self.captures: list[ShadowCapture] = []
        self._changed = asyncio.Event()

    def submit(self, item: ShadowCapture) -> None:
        self.captures.append(item)
        self._changed.set()

    async def count(self, expected: int, within: float = 2) -> list[ShadowCapture]:
        async with asyncio.timeout(within):
            while len(self.captures) < expected:
                self._changed.clear()
                await self._changed.wait()
        return self.captures


@contextlib.asynccontextmanager
async def shadow_process(path: Path, linger: float = 0.0) -> AsyncIterator[Received]:
    received = Received()
    server = await serve_captures(path, received.submit, linger)
    try:
        yield received
    finally:
        server.close()
        await server.wait_closed()


@contextlib.asynccontextmanager
async def worker(path: Path, max_buffered: int = 16 << 20) -> AsyncIterator[tuple[SocketShadowSink, list[str]]]:
    drops: list[str] = []
    sink = SocketShadowSink(path, drops.append, max_buffered=max_buffered)
    sink.start()
    try:
        yield sink, drops
    finally:
        await sink.aclose()


async def until(condition: Callable[[], bool], within: float = 2) -> None:
    async with asyncio.timeout(within):
        while not condition():
            await asyncio.sleep(0.005)


def sink_disconnected(sink: SocketShadowSink) -> bool:
    transport = sink._transport  # what submit() itself consults
    return transport is None or transport.is_closing()


# -- encoding ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [b"<html>", b"", bytes(range(256)) * 200], ids=["html", "empty", "binary"])
def test_a_capture_round_trips_with_its_route(body: bytes) -> None:
    original = capture(1, body=body)
    assert decode_capture(payload_of(original)) == original


def test_the_route_travels_with_the_capture_not_by_name() -> None:
    """Resolving names in the shadow process's own copy of the table raced with reloads: a route
    deleted and re-added between two polls of the file replayed to the previous service."""
    moved = Route(name="posts", paths=("/x",), service="s", service_url="http://127.0.0.1:2")
    assert decode_capture(payload_of(capture(1, moved))).route == moved


# -- the channel ----------------------------------------------------------------------------------------


async def test_captures_arrive_in_order(socket_path: Path) -> None:
    async with shadow_process(socket_path) as received, worker(socket_path) as (sink, drops):
        await until(lambda: not sink_disconnected(sink))
        for number in range(5):
            sink.submit(capture(number, PAGES if number % 2 else POSTS))
        captures = await received.count(5)
    assert [c.target for c in captures] == [f"/wp-json/wp/v2/posts/{n}?x=1" for n in range(5)]
    assert [c.route for c in captures] == [POSTS, PAGES, POSTS, PAGES, POSTS]
    assert captures[0] == capture(0) and drops == [] and sink.dropped == 0


async def test_captures_wait_in_a_backlog_until_the_shadow_process_listens(socket_path: Path) -> None:
    async with worker(socket_path) as (sink, drops):
        sink.submit(capture(1))
        sink.submit(capture(2))
        await asyncio.sleep(0.03)  # a few failed connection attempts
        async with shadow_process(socket_path) as received:
            await until(lambda: not sink_disconnected(sink))
            sink.submit(capture(3))
            captures = await received.count(3)
    assert [c.target.split("?")[0][-1] for c in captures] == ["1", "2", "3"]
    assert drops == []


async def test_the_backlog_is_bounded_and_drops_are_counted(socket_path: Path) -> None:
    big = b"x" * 1000
    frame_size = len(b"".join(encode_capture(capture(0, body=big))))
    async with worker(socket_path, max_buffered=frame_size * 3 // 2) as (sink, drops):
        for number in range(5):
            sink.submit(capture(number, PAGES if number == 4 else POSTS, body=big))
        assert sink.dropped == 3 and drops == ["posts", "posts", "pages"]
        async with shadow_process(socket_path) as received:
            captures = await received.count(2)
            await asyncio.sleep(0.02)
    assert [c.target.split("?")[0][-1] for c in captures] == ["0", "1"]  # the oldest are kept


async def test_the_worker_reconnects_after_the_shadow_process_restarts(socket_path: Path) -> None:
    first: list[asyncio.StreamWriter] = []

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        first.append(writer)

    old = await asyncio.start_unix_server(accept, str(socket_path))
    async with worker(socket_path) as (sink, drops):
        await until(lambda: bool(first) and not sink_disconnected(sink))
        old.close()  # the shadow process dies...
        first[0].close()
        await old.wait_closed()
        await until(lambda: sink_disconnected(sink))
        sink.submit(capture(1))  # ...captures wait meanwhile...
        async with shadow_process(socket_path) as received:  # ...and the new one gets them
            captures = await received.count(1)
            sink.submit(capture(2))
            captures = await received.count(2)
    assert [c.target.split("?")[0][-1] for c in captures] == ["1", "2"] and drops == []


async def test_a_shadow_process_that_does_not_keep_up_makes_the_worker_drop(socket_path: Path) -> None:
    """A full socket buffer drops (and counts) rather than making visitors wait or memory grow."""
    stalled = asyncio.Event()

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await stalled.wait()  # never reads
        writer.close()

    server = await asyncio.start_unix_server(accept, str(socket_path))
    try:
        async with worker(socket_path, max_buffered=64 << 10) as (sink, drops):
            await until(lambda: not sink_disconnected(sink))
            for number in range(10):
                sink.submit(capture(number, body=b"x" * (1 << 20)))
            assert 1 <= sink.dropped <= 9 and drops == ["posts"] * sink.dropped
            stalled.set()
    finally:
        server.close()
        await server.wait_closed()


async def test_stop_is_idempotent_and_later_captures_are_kept_aside(socket_path: Path) -> None:
    async with shadow_process(socket_path), worker(socket_path) as (sink, drops):
        await until(lambda: not sink_disconnected(sink))
        await sink.stop()
        await sink.stop()
        sink.submit(capture(1))  # no error: the backlog takes it
    assert drops == []


# -- the reading side -------------------------------------------------------------------------------------


async def test_light_traffic_is_read_in_bursts_heavy_traffic_at_once(socket_path: Path) -> None:
    async with shadow_process(socket_path, linger=0.6) as received:
        _, writer = await asyncio.open_unix_connection(str(socket_path))
        writer.write(frame(payload_of(capture(1))))
        await writer.drain()
        await received.count(1)
        lingering_since = asyncio.get_running_loop().time()
        writer.write(frame(payload_of(capture(2))))  # arrives while the reader lingers
        await received.count(2)
        assert asyncio.get_running_loop().time() - lingering_since >= 0.45
        await asyncio.sleep(0.7)  # the light read of capture 2 lingers too
        many = shadow_channel.LINGER_BELOW_CAPTURES
        writer.write(b"".join(frame(payload_of(capture(n))) for n in range(3, 3 + many)))
        await writer.drain()
        await received.count(2 + many)
        heavy_read_at = asyncio.get_running_loop().time()
        writer.write(frame(payload_of(capture(99))))  # no lingering after a heavy read
        await received.count(3 + many)
        assert asyncio.get_running_loop().time() - heavy_read_at < 0.45
        writer.close()
        await writer.wait_closed()
    assert [c.target.split("?")[0].rsplit("/", 1)[1] for c in received.captures][-1] == "99"


async def test_frames_are_read_however_the_bytes_are_split(socket_path: Path) -> None:
    payloads = [payload_of(capture(n)) for n in range(3)]
    stream = b"".join(frame(p) for p in payloads)
    async with shadow_process(socket_path) as received:
        _, writer = await asyncio.open_unix_connection(str(socket_path))
        writer.write(stream[:3])  # part of a length prefix
        await writer.drain()
        await asyncio.sleep(0.01)
        for i in range(3, len(stream), 97):
            writer.write(stream[i : i + 97])
        await writer.drain()
        captures = await received.count(3)
        writer.close()
        await writer.wait_closed()
    assert captures == [capture(n) for n in range(3)]


async def test_bad_frames_are_skipped_and_oversized_ones_end_the_connection(
    socket_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with shadow_process(socket_path) as received:
        reader, writer = await asyncio.open_unix_connection(str(socket_path))
        writer.write(frame(b"not a pickle") + frame(payload_of(capture(2))))
        await writer.drain()
        captures = await received.count(1)
        writer.write(struct.pack(">I", shadow_channel.MAX_FRAME + 1) + b"x" * 16)
        await writer.drain()
        assert await asyncio.wait_for(reader.read(), 2) == b""  # closed by the reader
        writer.close()
        await writer.wait_closed()
    assert captures == [capture(2)]
    assert "undecodable capture dropped" in caplog.text and "refused" in caplog.text


async def test_serving_replaces_a_stale_socket_file(socket_path: Path) -> None:
    socket_path.write_bytes(b"")  # left behind by a shadow process that died
    async with shadow_process(socket_path) as received, worker(socket_path) as (sink, _):
        sink.submit(capture(1))
        assert len(await received.count(1)) == 1
