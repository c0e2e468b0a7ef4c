from __future__ import annotations

import json
import struct
from typing import Any

import pytest

from cdc.binlog.wire import E, T
from cdc.config import CdcConfig
from cdc.envelope import EnvelopeBuilder
from cdc.errors import RefusedError
from cdc.offsets import Offset
from cdc.streamer import Streamer, ddl_kind
from tests.cdc.binlog_builder import Col, mariadb_gtid, query, raw, row_image, rows_body, table_map, varchar, xid

COLS = [Col("option_id", T.LONGLONG, unsigned=True), Col("option_name", T.VARCHAR, struct.pack("<H", 764))]
Record = tuple[str, Any, Any]


def _image(option_id: int, name: str) -> bytes:
    return row_image([struct.pack("<Q", option_id), varchar(name, wide=True)])


def _streamer(offset: Offset | None = None, **config: Any) -> tuple[Streamer, list[Record]]:
    out: list[Record] = []

    def emit(topic: str, key: bytes | None, value: bytes | None) -> None:
        out.append((topic, json.loads(key) if key else None, json.loads(value) if value else None))

    cfg = CdcConfig(database="wordpress", prefix="wp", **config)
    return Streamer(cfg, EnvelopeBuilder("wp", "mariadb"), offset or Offset("mariadb", "0-1-4"), emit), out


def _transaction(seq: int, kind: int, images: list[bytes], table: str = "wp_options") -> list[Any]:
    return [
        mariadb_gtid(seq),
        raw(E.TABLE_MAP, table_map(9, "wordpress", table, COLS)),
        raw(kind, rows_body(9, 2, images, update=kind == E.UPDATE_ROWS_V1)),
        xid(),
    ]


def test_insert_update_delete_with_tombstone_and_offsets() -> None:
    streamer, out = _streamer()
    for event in _transaction(5, E.WRITE_ROWS_V1, [_image(1, "siteurl")]):
        streamer.handle(event)
    assert streamer.at_boundary and streamer.offset().position == "0-1-5"
    for event in _transaction(6, E.UPDATE_ROWS_V1, [_image(1, "siteurl"), _image(1, "home")]):
        streamer.handle(event)
    for event in _transaction(7, E.DELETE_ROWS_V1, [_image(1, "home")]):
        streamer.handle(event)
    topics = {t for t, _, _ in out}
    assert topics == {"wp.wordpress.wp_options"}
    ops = [(key, value and value["op"]) for _, key, value in out]
    assert ops == [({"option_id": 1}, "c"), ({"option_id": 1}, "u"), ({"option_id": 1}, "d"), ({"option_id": 1}, None)]
    update = out[1][2]
    assert update["before"]["option_name"] == "siteurl" and update["after"]["option_name"] == "home"
    assert update["source"]["gtid"] == "0-1-6" and update["source"]["snapshot"] == "false"
    assert update["transaction"] == {"id": "0-1-6", "total_order": 1, "data_collection_order": 1}
    assert streamer.offset() == Offset("mariadb", "0-1-7", "", 100)


def test_mid_transaction_offset_and_exact_resume() -> None:
    streamer, _ = _streamer()
    events = _transaction(5, E.WRITE_ROWS_V1, [_image(i, f"o{i}") for i in range(1, 4)])
    for event in events[:3]:
        streamer.handle(event)
    mid = streamer.offset()
    assert (mid.position, mid.txn_gtid, mid.txn_rows) == ("0-1-4", "0-1-5", 3)
    # a restart from an offset committed after two of the three rows emits only the third
    resumed, again = _streamer(Offset("mariadb", "0-1-4", txn_gtid="0-1-5", txn_rows=2))
    for event in events:
        resumed.handle(event)
    assert [k for _, k, _ in again] == [{"option_id": 3}]
    assert resumed.offset().position == "0-1-5" and resumed.offset().txn_gtid is None


def test_excluded_tables_are_filtered_but_still_counted() -> None:
    streamer, out = _streamer(exclude_tables=("wp_options",))
    for event in _transaction(5, E.WRITE_ROWS_V1, [_image(1, "x")]):
        streamer.handle(event)
    assert out == [] and streamer.offset().position == "0-1-5"


def test_ddl_truncate_and_statements_that_are_neither() -> None:
    streamer, out = _streamer()
    streamer.handle(mariadb_gtid(5, standalone=True))
    streamer.handle(query("ALTER TABLE wp_options ADD COLUMN x INT"))
    streamer.handle(mariadb_gtid(6, standalone=True))
    streamer.handle(query("TRUNCATE TABLE `wp_options`"))
    streamer.handle(mariadb_gtid(7, standalone=True))
    streamer.handle(query("CREATE USER 'x'@'%'", db=""))
    assert streamer.offset().position == "0-1-7"
    (schema_topic, schema_key, schema_value), (topic, key, truncate) = out
    assert (schema_topic, schema_key) == ("wp", {"databaseName": "wordpress"})
    assert schema_value["ddl"] == "ALTER TABLE wp_options ADD COLUMN x INT"
    assert (topic, key, truncate["op"]) == ("wp.wordpress.wp_options", None, "t")
    assert [ddl_kind(s) for s in ("DROP TABLE t", "GRANT ALL ON *.* TO x", "DROP USER x", "RENAME TABLE a TO b")] == [
        "DDL",
        None,
        None,
        "DDL",
    ]


def test_row_event_without_table_map_is_refused() -> None:
    streamer, _ = _streamer()
    streamer.handle(mariadb_gtid(5))
    with pytest.raises(RefusedError):
        streamer.handle(raw(E.WRITE_ROWS_V1, rows_body(9, 2, [_image(1, "x")])))
