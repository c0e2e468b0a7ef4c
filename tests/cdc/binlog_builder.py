"""Builds binlog event bodies byte by byte, to unit-test the decoders without a server."""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass

from cdc.binlog.tablemap import COLUMN_NAME, DEFAULT_CHARSET, SIGNEDNESS, SIMPLE_PRIMARY_KEY
from cdc.binlog.wire import HEADER, HEADER_SIZE, E, T


def lenenc(n: int) -> bytes:
    if n < 0xFB:
        return bytes([n])
    if n < 1 << 16:
        return b"\xfc" + n.to_bytes(2, "little")
    return b"\xfd" + n.to_bytes(3, "little")


def lenenc_str(s: str | bytes) -> bytes:
    data = s.encode() if isinstance(s, str) else s
    return lenenc(len(data)) + data


@dataclass
class Col:
    name: str
    type: int
    meta: bytes = b""
    nullable: bool = False
    unsigned: bool = False


def table_map(
    table_id: int, db: str, table: str, cols: Sequence[Col], *, pk: Sequence[int] = (0,), collation: int = 45
) -> bytes:
    body = table_id.to_bytes(6, "little") + b"\x01\x00"
    body += bytes([len(db)]) + db.encode() + b"\x00" + bytes([len(table)]) + table.encode() + b"\x00"
    body += lenenc(len(cols)) + bytes(c.type for c in cols)
    meta = b"".join(c.meta for c in cols)
    body += lenenc(len(meta)) + meta
    nulls = sum(1 << i for i, c in enumerate(cols) if c.nullable)
    body += nulls.to_bytes((len(cols) + 7) // 8, "little")
    numeric = [c for c in cols if c.type in (T.TINY, T.SHORT, T.INT24, T.LONG, T.LONGLONG, T.NEWDECIMAL)]
    sign = 0
    for n, c in enumerate(numeric):
        if c.unsigned:
            sign |= 1 << (7 - n % 8) << (8 * (n // 8))
    sign_bytes = sign.to_bytes((len(numeric) + 7) // 8 or 1, "little")

    def field(kind: int, data: bytes) -> bytes:
        return bytes([kind]) + lenenc(len(data)) + data

    body += field(SIGNEDNESS, sign_bytes)
    body += field(DEFAULT_CHARSET, lenenc(collation))
    body += field(COLUMN_NAME, b"".join(lenenc_str(c.name) for c in cols))
    body += field(SIMPLE_PRIMARY_KEY, b"".join(lenenc(i) for i in pk))
    return body


def row_image(values: Sequence[bytes | None]) -> bytes:
    nulls = sum(1 << i for i, v in enumerate(values) if v is None)
    return nulls.to_bytes((len(values) + 7) // 8, "little") + b"".join(v for v in values if v is not None)


def rows_body(table_id: int, ncols: int, images: Sequence[bytes], update: bool = False) -> bytes:
    present = ((1 << ncols) - 1).to_bytes((ncols + 7) // 8, "little")
    body = table_id.to_bytes(6, "little") + b"\x01\x00" + lenenc(ncols) + present
    if update:
        body += present
    return body + b"".join(images)


def raw(kind: int, body: bytes, ts: int = 1_700_000_000, server_id: int = 1, log_pos: int = 100) -> bytes:
    """A whole event as the server sends it (header and body; no checksum)."""
    return HEADER.pack(ts, kind, server_id, HEADER_SIZE + len(body), log_pos, 0) + body


def mariadb_gtid(seq: int, domain: int = 0, standalone: bool = False) -> bytes:
    return raw(E.MARIADB_GTID, struct.pack("<QIB", seq, domain, 1 if standalone else 0))


def query(sql: str, db: str = "wordpress", thread: int = 7) -> bytes:
    return raw(E.QUERY, struct.pack("<IIBHH", thread, 0, len(db), 0, 0) + db.encode() + b"\x00" + sql.encode())


def xid() -> bytes:
    return raw(E.XID, struct.pack("<Q", 1))


def datetime2(date: tuple[int, int, int], time: tuple[int, int, int]) -> bytes:
    (y, mo, d), (h, mi, s) = date, time
    ymd = ((y * 13 + mo) << 5) | d
    hms = (h << 12) | (mi << 6) | s
    return ((ymd << 17 | hms) + 0x8000000000).to_bytes(5, "big")


def varchar(text: str, wide: bool = False) -> bytes:
    data = text.encode()
    return len(data).to_bytes(2 if wide else 1, "little") + data
