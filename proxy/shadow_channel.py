"""Workers hand shadow captures to the shadow process over a unix socket, written by the event
loop itself: no feeder thread, no lock, no GIL hand-off per request (a multiprocessing queue cost
~200 µs of the worker's CPU per shadowed request here; this costs ~15 µs).

Frames: 4-byte big-endian length of the rest, 4-byte length of the pickle that follows (plain values
and the route), then WordPress's answer body as it is: written from the worker's own bytes
(writev), never copied into the pickle. The route travels with the capture (pickled once per route
version on each side): resolving it by name in the shadow process's
own copy of the table raced with reloads — a route deleted and re-added between two polls of the
file replayed to the previous service. A full socket buffer drops the
capture and counts it; while the shadow process is (re)starting, captures wait in a backlog of the
same bound and go out once the worker has reconnected.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import pickle
import struct
from collections import deque
from collections.abc import Callable
from pathlib import Path

from proxy.app import ShadowCapture
from proxy.types import Route

log = logging.getLogger("proxy.shadow")
_LENGTH = struct.Struct(">I")
_HEAD = struct.Struct(">II")  # frame length, pickle length
MAX_FRAME = 64 << 20
RECONNECT_SECONDS = 0.5
_ROUTE_CACHE_SIZE = 256
LINGER_BELOW_CAPTURES = 16  # a read bringing fewer means light traffic: linger before the next


@functools.lru_cache(maxsize=_ROUTE_CACHE_SIZE)
def _route_bytes(route: Route) -> bytes:
    return pickle.dumps(route, protocol=pickle.HIGHEST_PROTOCOL)


@functools.lru_cache(maxsize=_ROUTE_CACHE_SIZE)
def _route_from(data: bytes) -> Route:
    route = pickle.loads(data)
    if not isinstance(route, Route):
        raise TypeError(f"not a route: {type(route).__name__}")
    return route


def encode_capture(capture: ShadowCapture) -> tuple[bytes, bytes]:
    """The frame in two pieces: lengths + pickle, and the answer body."""
    described = pickle.dumps(
        (
            _route_bytes(capture.route),
            capture.method,
            capture.target,
            capture.headers,
            capture.body,
            capture.legacy_status,
            capture.legacy_headers,
            capture.legacy_truncated,
            capture.legacy_seconds,
            capture.safe,
        ),
        protocol=pickle.HIGHEST_PROTOCOL,
    )
    frame_length = _LENGTH.size + len(described) + len(capture.legacy_body)
    return _HEAD.pack(frame_length, len(described)) + described, capture.legacy_body


def decode_capture(payload: bytes | memoryview) -> ShadowCapture:
    """A frame without its leading length."""
    (described_length,) = _LENGTH.unpack_from(payload)
    body_at = _LENGTH.size + described_length
    if body_at > len(payload):
        raise ValueError(f"frame of {len(payload)} bytes announces a {described_length}-byte description")
    route, method, target, headers, body, status, legacy_headers, truncated, seconds, safe = pickle.loads(
        payload[_LENGTH.size : body_at]
    )
    legacy_body = bytes(payload[body_at:])
    return ShadowCapture(
        route=_route_from(route), method=method, target=target, headers=headers, body=body, legacy_status=status,
        legacy_headers=legacy_headers, legacy_body=legacy_body, legacy_truncated=truncated, legacy_seconds=seconds,
        safe=safe,
    )  # fmt: skip


class SocketShadowSink:
    """Worker side of the channel; `submit` never blocks the visitor."""

    def __init__(self, path: Path, on_drop: Callable[[str], None], max_buffered: int = 16 << 20) -> None:
        self._path = path
        self._on_drop = on_drop
        self._max_buffered = max_buffered
        self._transport: asyncio.WriteTransport | None = None
        self._connector: asyncio.Task[None] | None = None
        self._pending: deque[tuple[bytes, bytes]] = deque()
        self._pending_bytes = 0
        self.dropped = 0

    def submit(self, capture: ShadowCapture) -> None:
        transport = self._transport
        connected = transport is not None and not transport.is_closing()
        buffered = transport.get_write_buffer_size() if connected and transport else self._pending_bytes
        if buffered > self._max_buffered:
            self.dropped += 1
            self._on_drop(capture.route.name)
            return
        frame = encode_capture(capture)
        if connected and transport is not None:
            transport.writelines(frame)
        else:  # the shadow process is (re)starting: keep a bounded backlog for it
            self._pending.append(frame)
            self._pending_bytes += len(frame[0]) + len(frame[1])

    def _flush_pending(self, transport: asyncio.WriteTransport) -> None:
        while self._pending:
            transport.writelines(self._pending.popleft())
        self._pending_bytes = 0

    def start(self) -> None:
        self._connector = asyncio.get_running_loop().create_task(self._keep_connected())

    async def _keep_connected(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            if self._transport is None or self._transport.is_closing():
                try:
                    transport, _ = await loop.create_unix_connection(asyncio.Protocol, str(self._path))
                    self._flush_pending(transport)
                    self._transport = transport
                except OSError as exc:
                    log.debug("shadow process not reachable yet at %s: %s", self._path, exc)
            await asyncio.sleep(RECONNECT_SECONDS)

    async def stop(self) -> None:
        if self._connector is not None:
            self._connector.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._connector
            self._connector = None
        if self._transport is not None:
            self._transport.close()
            self._transport = None

    async def aclose(self) -> None:
        await self.stop()


class _CaptureReader(asyncio.Protocol):
    """Shadow-process side: one per connected worker. After a read that brought only a few captures,
    it lingers (stops reading for a moment) so that light traffic is compared in bursts."""

    def __init__(self, submit: Callable[[ShadowCapture], None], linger: float, readers: set[_CaptureReader]) -> None:
        self._submit = submit
        self._linger = linger
        self._readers = readers
        self._buffer = bytearray()
        self._transport: asyncio.Transport | None = None
        self._resuming: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]  # a unix stream: a full Transport
        self._readers.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self._transport = None
        self._readers.discard(self)
        if self._resuming is not None:
            self._resuming.cancel()

    def close(self) -> None:
        """A lingering reader would not notice its peer leave: closed explicitly on shutdown."""
        if self._transport is not None:
            self._transport.close()

    def data_received(self, data: bytes) -> None:
        decoded = self._decode_frames(data)
        transport = self._transport
        if self._linger and decoded < LINGER_BELOW_CAPTURES and transport is not None and not transport.is_closing():
            transport.pause_reading()
            self._resuming = asyncio.get_running_loop().call_later(self._linger, self._resume)

    def _resume(self) -> None:
        self._resuming = None
        if self._transport is not None and not self._transport.is_closing():
            self._transport.resume_reading()

    def _decode_frames(self, data: bytes) -> int:
        """Submits every complete frame; returns how many."""
        buffer = self._buffer
        buffer += data
        decoded = 0
        while len(buffer) >= _LENGTH.size:
            (length,) = _LENGTH.unpack_from(buffer)
            if length > MAX_FRAME:
                log.error("shadow channel: frame of %d bytes refused; closing the connection", length)
                buffer.clear()
                if self._transport is not None:
                    self._transport.close()
                return decoded
            end = _LENGTH.size + length
            if len(buffer) < end:
                return decoded
            payload = memoryview(buffer)[_LENGTH.size : end]  # no copy of the body before decoding
            try:
                capture: ShadowCapture | None = decode_capture(payload)
            except Exception:
                log.exception("shadow channel: undecodable capture dropped")
                capture = None
            finally:
                payload.release()
            del buffer[:end]
            if capture is not None:
                decoded += 1
                self._submit(capture)
        return decoded


class CaptureServer:
    """The listening socket and the workers' connections to it."""

    def __init__(self, server: asyncio.AbstractServer, readers: set[_CaptureReader]) -> None:
        self._server = server
        self._readers = readers

    def close(self) -> None:
        self._server.close()
        for reader in list(self._readers):
            reader.close()

    async def wait_closed(self) -> None:
        await self._server.wait_closed()


async def serve_captures(path: Path, submit: Callable[[ShadowCapture], None], linger: float = 0.0) -> CaptureServer:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    loop = asyncio.get_running_loop()
    readers: set[_CaptureReader] = set()
    server = await loop.create_unix_server(lambda: _CaptureReader(submit, linger, readers), str(path))
    return CaptureServer(server, readers)
