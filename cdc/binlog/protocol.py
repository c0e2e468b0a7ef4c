"""Parsing of individual binlog events (pure: bytes in, values out)."""

from __future__ import annotations

import struct
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from cdc.binlog.rows import rows_event_columns
from cdc.binlog.tablemap import TableSchema
from cdc.binlog.wire import HEADER, HEADER_SIZE, E
from cdc.gtid import MariaGtid, MysqlGtid

MARIADB_FL_STANDALONE = 0x01
_QUERY_POST = struct.Struct("<IIBHH")  # thread id, exec time, db length, error code, status length


@dataclass(frozen=True, slots=True)
class RawEvent:
    timestamp: int
    type: int
    server_id: int
    log_pos: int
    flags: int
    body: bytes


def split_event(packet: bytes, checksum: bool) -> RawEvent:
    """``packet`` is one binlog event as sent by the server, without the leading OK byte."""
    timestamp, kind, server_id, _size, log_pos, flags = HEADER.unpack_from(packet, 0)
    body = packet[HEADER_SIZE : len(packet) - 4] if checksum else packet[HEADER_SIZE:]
    return RawEvent(timestamp, kind, server_id, log_pos, flags, body)


def parse_rotate(body: bytes) -> tuple[str, int]:
    """(next binlog file, position in it)."""
    return body[8:].decode(), struct.unpack_from("<Q", body, 0)[0]


@dataclass(frozen=True, slots=True)
class GtidStart:
    gtid: MariaGtid | MysqlGtid
    standalone: bool  # a single statement (DDL) without BEGIN/COMMIT


def parse_mariadb_gtid(body: bytes, server_id: int) -> GtidStart:
    seq, domain, flags = struct.unpack_from("<QIB", body, 0)
    return GtidStart(MariaGtid(domain, server_id, seq), bool(flags & MARIADB_FL_STANDALONE))


def parse_mysql_gtid(body: bytes) -> GtidStart:
    sid = str(uuid.UUID(bytes=body[1:17]))
    gno = struct.unpack_from("<Q", body, 17)[0]
    return GtidStart(MysqlGtid(sid, gno), False)


def parse_gtid_list(body: bytes) -> list[MariaGtid]:
    count = struct.unpack_from("<I", body, 0)[0] & 0x0FFFFFFF
    out = []
    for i in range(count):
        domain, server, seq = struct.unpack_from("<IIQ", body, 4 + 16 * i)
        out.append(MariaGtid(domain, server, seq))
    return out


@dataclass(frozen=True, slots=True)
class Query:
    thread_id: int
    db: str
    sql: str


def parse_query(body: bytes) -> Query:
    thread_id, _exec, db_len, _err, status_len = _QUERY_POST.unpack_from(body, 0)
    pos = _QUERY_POST.size + status_len
    db = body[pos : pos + db_len].decode("utf-8", "replace")
    sql = body[pos + db_len + 1 :].decode("utf-8", "replace")
    return Query(thread_id, db, sql)


def parse_annotate(body: bytes) -> str:
    return body.decode("utf-8", "replace")


ROW_EVENT_OPS: dict[int, Literal["c", "u", "d"]] = {
    E.WRITE_ROWS_V1: "c",
    E.WRITE_ROWS_V2: "c",
    E.UPDATE_ROWS_V1: "u",
    E.UPDATE_ROWS_V2: "u",
    E.DELETE_ROWS_V1: "d",
    E.DELETE_ROWS_V2: "d",
}
_WRITE = {E.WRITE_ROWS_V1, E.WRITE_ROWS_V2}
_DELETE = {E.DELETE_ROWS_V1, E.DELETE_ROWS_V2}

RowChange = tuple[dict[str, Any] | None, dict[str, Any] | None]


def rows_table_id(body: bytes) -> int:
    return int.from_bytes(body[:6], "little")


def iter_rows(kind: int, body: bytes, schema: TableSchema) -> Iterator[RowChange]:
    """(before, after) of every row in a WRITE/UPDATE/DELETE rows event."""
    return iter(decode_rows(kind, body, 0, len(body), schema))


def decode_rows(kind: int, data: bytes, start: int, end: int, schema: TableSchema) -> list[RowChange]:
    """(before, after) of every row of the rows event whose body is ``data[start:end]``."""
    present, present_after, pos = rows_event_columns(kind, data, start)
    read = schema.reader.read
    rows: list[RowChange] = []
    append = rows.append
    if kind in _WRITE:
        while pos < end:
            after, pos = read(data, pos, present)
            append((None, after))
    elif kind in _DELETE:
        while pos < end:
            before, pos = read(data, pos, present)
            append((before, None))
    else:
        while pos < end:
            before, pos = read(data, pos, present)
            after, pos = read(data, pos, present_after)
            append((before, after))
    return rows
