"""Binlog replication connection: authenticates with pymysql, then reads the event stream itself.

After COM_BINLOG_DUMP the socket only carries binlog packets, so we read them with our own
buffer: that is faster than pymysql's per-packet reads and, more importantly, tells us when no
further event is already waiting (:meth:`BinlogConnection.has_pending`), which is when the
pipeline commits its Kafka transaction instead of waiting for more events.
"""

from __future__ import annotations

import select
import socket
import struct
from typing import Any

import pymysql

from cdc.errors import BinlogPurgedError, SourceError
from cdc.gtid import Flavor, MysqlGtidSet, Position

COM_BINLOG_DUMP = 0x12
COM_BINLOG_DUMP_GTID = 0x1E
BINLOG_SEND_ANNOTATE_ROWS_EVENT = 0x02
BINLOG_THROUGH_GTID = 0x04
ER_MASTER_FATAL_ERROR_READING_BINLOG = 1236
MAX_PACKET = 0xFFFFFF
RECV_BYTES = 1 << 20


def connect(
    host: str,
    port: int,
    user: str,
    password: str,
    *,
    database: str | None = None,
    read_timeout: float | None = None,
    **extra: Any,
) -> pymysql.connections.Connection[Any]:
    try:
        return pymysql.connect(
            host=host,
            port=port,
            user=user,
            password=password,
            database=database,
            connect_timeout=5,
            read_timeout=read_timeout,
            autocommit=True,
            charset="utf8mb4",
            # pymysql 2 tries TLS when the server offers it, building an SSL context per connection
            # (~35 ms of CPU here); our reads also assume the plain socket (select() on it)
            ssl_disabled=True,
            **extra,
        )
    except pymysql.MySQLError as exc:
        raise SourceError(f"cannot connect to {user}@{host}:{port}: {exc}") from exc


def purge_message(position: str) -> str:
    return (
        f"the binlog holding GTID position {position!r} has been purged from the server, so "
        "changes since then are lost to streaming. Take a fresh snapshot: run "
        "`strangler cdc snapshot --all` (python -m cdc snapshot --all), then start the CDC again"
    )


class BinlogConnection:
    def __init__(self, conn: pymysql.connections.Connection[Any], checksum: bool) -> None:
        self._conn = conn
        self._sock: socket.socket = conn._sock  # type: ignore[attr-defined]
        self.checksum = checksum
        self._data = b""  # received bytes; everything before _pos is handled
        self._pos = 0

    @classmethod
    def open(
        cls,
        *,
        host: str,
        port: int,
        user: str,
        password: str,
        server_id: int,
        flavor: Flavor,
        position: Position,
        heartbeat_ms: int,
        annotate: bool,
    ) -> BinlogConnection:
        conn = connect(host, port, user, password, read_timeout=max(5.0, heartbeat_ms * 4 / 1000))
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT @@global.binlog_checksum")
                row = cur.fetchone()
                checksum = bool(row and str(row[0]).upper() != "NONE")
                cur.execute("SET @master_binlog_checksum = @@global.binlog_checksum")
                cur.execute("SET @master_heartbeat_period = %s", (heartbeat_ms * 1_000_000,))
                if flavor == "mariadb":
                    cur.execute("SET @mariadb_slave_capability = 4")
                    cur.execute("SET @slave_connect_state = %s", (str(position),))
                    cur.execute("SET @slave_gtid_strict_mode = 1")
                    cur.execute("SET @slave_gtid_ignore_duplicates = 0")
            flags = BINLOG_SEND_ANNOTATE_ROWS_EVENT if annotate else 0
            if flavor == "mariadb":
                payload = struct.pack("<BIHI", COM_BINLOG_DUMP, 4, flags, server_id)
            else:
                assert isinstance(position, MysqlGtidSet)
                gtids = position.encode()
                payload = (
                    struct.pack("<BHII", COM_BINLOG_DUMP_GTID, flags | BINLOG_THROUGH_GTID, server_id, 0)
                    + struct.pack("<QI", 4, len(gtids))
                    + gtids
                )
            conn._write_bytes(struct.pack("<I", len(payload))[:3] + b"\x00" + payload)  # type: ignore[attr-defined]
        except pymysql.MySQLError as exc:
            conn.close()
            raise SourceError(f"cannot start binlog dump: {exc}") from exc
        return cls(conn, checksum)

    def close(self) -> None:
        try:
            self._conn.close()
        except Exception:  # closing a broken connection can fail in many ways; nothing to do
            self._sock.close()

    def _fill(self) -> None:
        try:
            chunk = self._sock.recv(RECV_BYTES)
        except OSError as exc:  # includes socket.timeout
            raise SourceError(f"binlog connection lost: {exc}") from exc
        if not chunk:
            raise SourceError("binlog connection closed by the server")
        rest = self._data[self._pos :]
        self._data, self._pos = (rest + chunk if rest else chunk), 0

    def _complete_packet_buffered(self) -> bool:
        data, pos = self._data, self._pos
        avail = len(data) - pos
        if avail < 4:
            return False
        return avail >= 4 + int.from_bytes(data[pos : pos + 3], "little")

    def has_pending(self) -> bool:
        """Is an event already received (buffered or waiting on the socket)?"""
        return self.wait(0.0)

    def wait(self, timeout: float) -> bool:
        if self._complete_packet_buffered():
            return True
        readable, _, _ = select.select([self._sock], [], [], timeout)
        return bool(readable)

    def read_events(self, limit: int = 2000) -> list[bytes]:
        """The events already received, at most ``limit`` (waits for one if none is): each
        is a whole binlog event, header to checksum, without the packet's OK byte.

        The hot path: one slice per event, no call per event. End of stream, errors and events
        split over several packets go through :meth:`read_event`."""
        events: list[bytes] = []
        append = events.append
        data, pos = self._data, self._pos
        end = len(data)
        while end - pos >= 5:
            length = data[pos] | data[pos + 1] << 8 | data[pos + 2] << 16
            stop = pos + 4 + length
            if stop > end or data[pos + 4] or length >= MAX_PACKET:
                break
            append(data[pos + 5 : stop])
            pos = stop
            if len(events) >= limit:
                break
        self._pos = pos
        if not events:
            event = self.read_event()
            if event is None:
                raise SourceError("the server ended the binlog stream")
            events.append(event)
        return events

    def _read_one(self) -> bytes:
        while len(self._data) - self._pos < 4:
            self._fill()
        length = int.from_bytes(self._data[self._pos : self._pos + 3], "little")
        while len(self._data) - self._pos < 4 + length:
            self._fill()
        start = self._pos + 4
        self._pos = start + length
        return self._data[start : self._pos]

    def read_event(self) -> bytes | None:
        """The next binlog event (without the OK byte); None at end of stream."""
        payload = self._read_one()
        if len(payload) == MAX_PACKET:  # the event continues in the following packets
            parts = [payload]
            while len(parts[-1]) == MAX_PACKET:
                parts.append(self._read_one())
            payload = b"".join(parts)
        marker = payload[0]
        if marker == 0x00:
            return payload[1:]
        if marker == 0xFE and len(payload) < 9:
            return None
        if marker == 0xFF:
            code = struct.unpack_from("<H", payload, 1)[0]
            message = (
                payload[9:].decode("utf-8", "replace")
                if payload[3:4] == b"#"
                else payload[3:].decode("utf-8", "replace")
            )
            if code == ER_MASTER_FATAL_ERROR_READING_BINLOG and (
                "purged" in message or "Could not find GTID state" in message or "could not find" in message.lower()
            ):
                raise BinlogPurgedError(message)
            raise SourceError(f"binlog dump failed: error {code}: {message}")
        raise SourceError(f"unexpected binlog packet 0x{marker:02x}")
