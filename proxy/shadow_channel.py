"""Workers hand shadow captures to the shadow process over a unix socket, written by the event
loop itself: no feeder thread, no lock, no GIL hand-off per request (a multiprocessing queue cost
~200 µs of the worker's CPU per shadowed request here; this costs ~15 µs).

Frames: 4-byte big-endian length, then a pickle of plain values (the route travels by name; the
shadow process resolves it in its own copy of the route table). A full socket buffer drops the
capture and counts it; while the shadow process is (re)starting, captures wait in a backlog of the
same bound and go out once the worker has reconnected.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import pickle
import struct
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from proxy.app import ShadowCapture
from proxy.types import RouteTable

log = logging.getLogger("proxy.shadow")
_LENGTH = struct.Struct(">I")
MAX_FRAME = 64 << 20
RECONNECT_SECONDS = 0.5
# A capture whose route this process does not know yet waits this long for its table to catch up
# (each process polls the routes file on its own: a route just set to shadow reaches the worker
# up to a poll interval before the shadow process), retried every RETRY_SECONDS, at most MAX_WAITING.
UNKNOWN_ROUTE_GRACE = 5.0
RETRY_SECONDS = 0.1
MAX_WAITING = 1000


def encode_capture(capture: ShadowCapture) -> bytes:
    return pickle.dumps(
        (
            capture.route.name,
            capture.method,
            capture.target,
            capture.headers,
            capture.body,
            capture.legacy_status,
            capture.legacy_headers,
            capture.legacy_body,
            capture.legacy_truncated,
            capture.legacy_seconds,
        ),
        protocol=pickle.HIGHEST_PROTOCOL,
    )


def decode_capture(payload: bytes, table: RouteTable) -> ShadowCapture | None:
    """The capture, or None when this process's table lacks its route (removed, or not loaded yet)."""
    route_name, method, target, headers, body, status, legacy_headers, legacy_body, truncated, seconds = pickle.loads(
        payload
    )
    route = table.by_name(route_name)
    if route is None:
        return None
    return ShadowCapture(
        route=route, method=method, target=target, headers=headers, body=body, legacy_status=status,
        legacy_headers=legacy_headers, legacy_body=legacy_body, legacy_truncated=truncated, legacy_seconds=seconds,
    )  # fmt: skip


class SocketShadowSink:
    """Worker side of the channel; `submit` never blocks the visitor."""

    def __init__(self, path: Path, on_drop: Callable[[str], None], max_buffered: int = 16 << 20) -> None:
        self._path = path
        self._on_drop = on_drop
        self._max_buffered = max_buffered
        self._transport: asyncio.WriteTransport | None = None
        self._connector: asyncio.Task[None] | None = None
        self._pending: deque[bytes] = deque()
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
        payload = encode_capture(capture)
        if connected and transport is not None:
            transport.writelines((_LENGTH.pack(len(payload)), payload))
        else:  # the shadow process is (re)starting: keep a bounded backlog for it
            self._pending.append(payload)
            self._pending_bytes += len(payload)

    def _flush_pending(self, transport: asyncio.WriteTransport) -> None:
        while self._pending:
            payload = self._pending.popleft()
            transport.writelines((_LENGTH.pack(len(payload)), payload))
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
    """Shadow-process side: one per connected worker."""

    def __init__(self, table: Callable[[], RouteTable], submit: Callable[[ShadowCapture], None]) -> None:
        self._table = table
        self._submit = submit
        self._buffer = bytearray()
        self._transport: asyncio.BaseTransport | None = None
        self._waiting: deque[tuple[float, bytes]] = deque()  # (give up at, payload): route unknown yet
        self._retry: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        buffer = self._buffer
        buffer += data
        while len(buffer) >= _LENGTH.size:
            (length,) = _LENGTH.unpack_from(buffer)
            if length > MAX_FRAME:
                log.error("shadow channel: frame of %d bytes refused; closing the connection", length)
                buffer.clear()
                if self._transport is not None:
                    self._transport.close()
                return
            end = _LENGTH.size + length
            if len(buffer) < end:
                return
            payload = bytes(buffer[_LENGTH.size : end])
            del buffer[:end]
            try:
                capture = decode_capture(payload, self._table())
            except Exception:
                log.exception("shadow channel: undecodable capture dropped")
                continue
            if capture is not None:
                self._submit(capture)
            elif len(self._waiting) < MAX_WAITING:
                loop = asyncio.get_running_loop()
                self._waiting.append((loop.time() + UNKNOWN_ROUTE_GRACE, payload))
                if self._retry is None:
                    self._retry = loop.call_later(RETRY_SECONDS, self._retry_waiting)

    def _retry_waiting(self) -> None:
        self._retry = None
        table, now = self._table(), asyncio.get_running_loop().time()
        still: deque[tuple[float, bytes]] = deque()
        for give_up_at, payload in self._waiting:
            capture = decode_capture(payload, table)
            if capture is not None:
                self._submit(capture)
            elif now < give_up_at:
                still.append((give_up_at, payload))
            # else: its route is gone for good (removed, or renamed) and so is the capture
        self._waiting = still
        if still:
            self._retry = asyncio.get_running_loop().call_later(RETRY_SECONDS, self._retry_waiting)


async def serve_captures(
    path: Path, table: Callable[[], RouteTable], submit: Callable[[ShadowCapture], None]
) -> asyncio.AbstractServer:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    loop = asyncio.get_running_loop()
    server: Any = await loop.create_unix_server(lambda: _CaptureReader(table, submit), str(path))
    return server  # type: ignore[no-any-return]
