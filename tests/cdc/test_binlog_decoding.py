from __future__ import annotations

import struct

import pytest

from cdc.binlog.protocol import iter_rows, parse_gtid_list, parse_mariadb_gtid, parse_query, split_event
from cdc.binlog.rows import decoder_for
from cdc.binlog.tablemap import MissingMetadataError, TableMapCache, parse_table_map
from cdc.binlog.wire import HEADER, E, T
from cdc.columns import Column
from cdc.gtid import MariaGtid
from tests.cdc.binlog_builder import Col, datetime2, row_image, rows_body, table_map, varchar

POSTS = [
    Col("ID", T.LONGLONG, unsigned=True),
    Col("post_date", T.DATETIME2, b"\x00"),
    Col("post_title", T.BLOB, b"\x02"),
    Col("post_status", T.VARCHAR, struct.pack("<H", 80)),
    Col("menu_order", T.LONG),
    Col("post_parent", T.LONGLONG, nullable=True, unsigned=True),
]


def _post_image(pid: int, title: str, parent: int | None) -> bytes:
    return row_image(
        [
            struct.pack("<Q", pid),
            datetime2((2024, 1, 2), (3, 4, 5)),
            len(title.encode()).to_bytes(2, "little") + title.encode(),
            varchar("publish"),
            struct.pack("<i", -3),
            None if parent is None else struct.pack("<Q", parent),
        ]
    )


def test_table_map_with_full_metadata() -> None:
    schema = parse_table_map(table_map(77, "wordpress", "wp_posts", POSTS))
    assert (schema.table_id, schema.db, schema.table) == (77, "wordpress", "wp_posts")
    assert schema.names == ("ID", "post_date", "post_title", "post_status", "menu_order", "post_parent")
    assert schema.primary_key == ("ID",)
    assert schema.columns[0].unsigned and not schema.columns[4].unsigned
    assert schema.columns[5].nullable and schema.columns[2].kind == "string"


def test_table_map_without_names_is_refused() -> None:
    body = table_map(1, "d", "t", [Col("a", T.LONG)])
    cut = body.index(bytes([4]), len(body) - 12)  # drop COLUMN_NAME and what follows
    with pytest.raises(MissingMetadataError):
        parse_table_map(body[:cut])


def test_write_update_delete_rows() -> None:
    cache = TableMapCache()
    schema = cache.add(table_map(77, "wordpress", "wp_posts", POSTS))
    assert cache.add(table_map(77, "wordpress", "wp_posts", POSTS)) is schema  # parsed once
    body = rows_body(77, 6, [_post_image(1, "héllo", None), _post_image(2, "x", 1)])
    rows = list(iter_rows(E.WRITE_ROWS_V1, body, schema))
    assert rows[0] == (
        None,
        {
            "ID": 1,
            "post_date": 1704164645000,
            "post_title": "héllo",
            "post_status": "publish",
            "menu_order": -3,
            "post_parent": None,
        },
    )
    assert rows[1][1] is not None and rows[1][1]["post_parent"] == 1
    update = rows_body(77, 6, [_post_image(1, "a", None), _post_image(1, "b", None)], update=True)
    [(before, after)] = iter_rows(E.UPDATE_ROWS_V1, update, schema)
    assert before is not None and after is not None
    assert (before["post_title"], after["post_title"]) == ("a", "b")
    [(before, after)] = iter_rows(E.DELETE_ROWS_V1, rows_body(77, 6, [_post_image(3, "z", None)]), schema)
    assert after is None and before is not None and before["ID"] == 3


def _decode(type_code: int, meta: int, data: bytes, **col: object) -> object:
    column = Column(name="c", kind=col.pop("kind", "string"), nullable=bool(col.pop("nullable", False)), **col)  # type: ignore[arg-type]
    value, end = decoder_for(column, type_code, meta)(data, 0)
    assert end == len(data)
    return value


def test_decimal_decoding_matches_mysql_documentation() -> None:
    # MySQL's documented example: DECIMAL(14,4) 1234567890.1234
    assert (
        _decode(T.NEWDECIMAL, 14 | 4 << 8, bytes.fromhex("810DFB38D204D2"), kind="decimal", scale=4)
        == "1234567890.1234"
    )
    assert (
        _decode(T.NEWDECIMAL, 14 | 4 << 8, bytes.fromhex("7EF204C72DFB2D"), kind="decimal", scale=4)
        == "-1234567890.1234"
    )


def test_zero_datetime_and_numbers() -> None:
    zero = (0x8000000000).to_bytes(5, "big")
    assert _decode(T.DATETIME2, 0, zero, kind="datetime") == 0
    assert _decode(T.DATETIME2, 0, zero, kind="datetime", nullable=True) is None
    assert _decode(T.LONGLONG, 0, b"\xff" * 8, kind="int", unsigned=True) == 2**64 - 1
    assert _decode(T.INT24, 0, b"\xff\xff\xff", kind="int") == -1
    assert _decode(T.DOUBLE, 0, struct.pack("<d", 2.5), kind="float") == 2.5
    assert _decode(T.YEAR, 0, bytes([124]), kind="year") == 2024
    assert _decode(T.DATE, 0, (2024 << 9 | 1 << 5 | 2).to_bytes(3, "little"), kind="date") == 19724
    assert _decode(T.TIMESTAMP2, 0, (1704164645).to_bytes(4, "big"), kind="timestamp") == "2024-01-02T03:04:05Z"
    assert _decode(T.TIME2, 0, (0x800000 + (1 << 12 | 2 << 6 | 3)).to_bytes(3, "big"), kind="time") == 3_723_000_000


def test_enum_set_and_binary() -> None:
    assert _decode(T.STRING, T.ENUM << 8 | 1, b"\x02", kind="enum", labels=("a", "b")) == "b"
    assert _decode(T.STRING, T.SET << 8 | 1, b"\x05", kind="set", labels=("a", "b", "c")) == "a,c"
    assert _decode(T.VARCHAR, 10, b"\x02\x00\x01", kind="binary") == "AAE="
    assert _decode(T.STRING, T.STRING << 8 | 40, b"\x03abc") == "abc"


def test_event_header_and_small_events() -> None:
    packet = HEADER.pack(1700000000, E.XID, 1, 19 + 8 + 4, 500, 0) + b"\x01" * 8 + b"CRC!"
    event = split_event(packet, checksum=True)
    assert (event.type, event.log_pos, event.body) == (E.XID, 500, b"\x01" * 8)
    start = parse_mariadb_gtid(struct.pack("<QIB", 9, 0, 1), server_id=3)
    assert start.gtid == MariaGtid(0, 3, 9) and start.standalone
    assert parse_gtid_list(struct.pack("<I", 1) + struct.pack("<IIQ", 0, 1, 17)) == [MariaGtid(0, 1, 17)]
    q = parse_query(struct.pack("<IIBHH", 7, 0, 2, 0, 0) + b"db\x00ALTER TABLE t ADD c INT")
    assert (q.thread_id, q.db, q.sql) == (7, "db", "ALTER TABLE t ADD c INT")
