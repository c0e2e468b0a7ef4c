"""Builds Debezium envelopes (key, value, schema-change events) from decoded changes (pure).

Deviations from Debezium, on purpose and documented:

* ``source.version`` is this connector's version (``VERSION``), not a Debezium release;
* ``source.sequence`` is always null (it is a PostgreSQL field);
* ``source.thread`` is null for MariaDB row events (MariaDB's GTID event carries no thread id);
* ``transaction`` is always filled (``id`` = GTID, ``total_order``, ``data_collection_order``)
  as if ``provide.transaction.metadata`` were on; snapshot events have ``transaction: null``;
* schema-change events carry ``databaseName``, ``schemaName``, ``ddl`` and an empty
  ``tableChanges`` list (consumers get columns from each row event instead).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import orjson

from cdc.events import ChangeEvent, Op, schema_change_topic, topic_name

VERSION = "wp-strangler-cdc/0.1"
Row = dict[str, Any]
# one encoder instance: json.dumps() with options builds a new JSONEncoder on every call
encode_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def now_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass(slots=True)
class SourcePoint:
    """Where in the binlog a change came from."""

    ts_ms: int
    server_id: int
    gtid: str | None
    file: str
    pos: int
    thread: int | None = None
    query: str | None = None


class EnvelopeBuilder:
    def __init__(self, prefix: str, connector: str) -> None:
        self.prefix = prefix
        self.connector = connector
        self._topics: dict[tuple[str, str], str] = {}
        self._templates: dict[tuple[str, str, str], tuple[str, str]] = {}
        self._file, self._file_json = "", '""'

    def source_template(self, db: str, table: str, snapshot: str) -> tuple[str, str]:
        """The encoded source block before ``ts_ms`` and between it and ``server_id`` (cached)."""
        template = self._templates.get((db, table, snapshot))
        if template is None:
            before_ts = (
                f'{{"version":{encode_json(VERSION)},"connector":{encode_json(self.connector)},'
                f'"name":{encode_json(self.prefix)},"ts_ms":'
            )
            before_server = (
                f',"snapshot":{encode_json(snapshot)},"db":{encode_json(db)},"sequence":null,'
                f'"table":{encode_json(table)},"server_id":'
            )
            template = self._templates[(db, table, snapshot)] = (before_ts, before_server)
        return template

    def file_json(self, file: str) -> str:
        if file != self._file:
            self._file, self._file_json = file, encode_json(file)
        return self._file_json

    def topic(self, db: str, table: str) -> str:
        topic = self._topics.get((db, table))
        if topic is None:
            topic = self._topics[(db, table)] = topic_name(self.prefix, db, table)
        return topic

    def source(self, point: SourcePoint, db: str, table: str | None, row: int, snapshot: str) -> dict[str, Any]:
        return {
            "version": VERSION,
            "connector": self.connector,
            "name": self.prefix,
            "ts_ms": point.ts_ms,
            "snapshot": snapshot,
            "db": db,
            "sequence": None,
            "table": table,
            "server_id": point.server_id,
            "gtid": point.gtid,
            "file": point.file,
            "pos": point.pos,
            "row": row,
            "thread": point.thread,
            "query": point.query,
        }

    def change(
        self,
        *,
        db: str,
        table: str,
        key_columns: tuple[str, ...],
        op: Op,
        before: Row | None,
        after: Row | None,
        point: SourcePoint,
        row: int,
        snapshot: str = "false",
        transaction: dict[str, Any] | None = None,
    ) -> ChangeEvent:
        image = after if after is not None else before
        key = {name: image[name] for name in key_columns} if image is not None else {}
        return ChangeEvent(
            topic=self.topic(db, table),
            key=key,
            op=op,
            before=before,
            after=after,
            source=self.source(point, db, table, row, snapshot),
            ts_ms=now_ms(),
            transaction=transaction,
        )

    def truncate(self, *, db: str, table: str, point: SourcePoint, transaction: dict[str, Any]) -> ChangeEvent:
        return ChangeEvent(
            topic=self.topic(db, table),
            key={},
            op="t",
            before=None,
            after=None,
            source=self.source(point, db, table, 0, "false"),
            ts_ms=now_ms(),
            transaction=transaction,
        )

    def schema_change(self, *, db: str, ddl: str, point: SourcePoint) -> tuple[str, Row, Row]:
        """(topic, key, value) of a DDL statement on the schema-change topic ``<prefix>``."""
        value = {
            "source": self.source(point, db, None, 0, "false"),
            "ts_ms": now_ms(),
            "databaseName": db,
            "schemaName": None,
            "ddl": ddl,
            "tableChanges": [],
        }
        return schema_change_topic(self.prefix), {"databaseName": db}, value


def _json_text(text: str | None) -> str:
    return "null" if text is None else encode_json(text)


def transaction_block(gtid: str, total_order: int, table_order: int) -> dict[str, Any]:
    return {"id": gtid, "total_order": total_order, "data_collection_order": table_order}


class RowValueEncoder:
    """Fast path of ``encode(builder.change(...))`` for the rows of one binlog rows event or one
    snapshot table: the source block is encoded once, rows go through orjson (~10x the stdlib
    encoder's speed). Produces the same JSON document (same keys, same order, UTF-8) as
    :func:`cdc.events.encode`; a unit test holds them together."""

    def __init__(
        self,
        builder: EnvelopeBuilder,
        *,
        db: str,
        table: str,
        op: Op,
        point: SourcePoint,
        snapshot: str = "false",
        transaction_id: str | None = None,
    ) -> None:
        before_ts, before_server = builder.source_template(db, table, snapshot)
        self._source_head = (
            f',"source":{before_ts}{point.ts_ms}{before_server}{point.server_id},"gtid":'
            f'{_json_text(point.gtid)},"file":{builder.file_json(point.file)},'
            f'"pos":{point.pos},"row":'
        ).encode()
        thread = "null" if point.thread is None else str(int(point.thread))
        self._source_tail = (f',"thread":{thread},"query":{_json_text(point.query)}}},"op":"{op}","ts_ms":').encode()
        self._txn = None if transaction_id is None else '{"id":' + encode_json(transaction_id)

    def value(
        self, before: Row | None, after: Row | None, row: int, total_order: int = 0, table_order: int = 0
    ) -> bytes:
        transaction = (
            b"null"
            if self._txn is None
            else (f'{self._txn},"total_order":{total_order},"data_collection_order":{table_order}}}'.encode())
        )
        return b"".join(
            (
                b'{"before":',
                orjson.dumps(before),
                b',"after":',
                orjson.dumps(after),
                self._source_head,
                str(row).encode(),
                self._source_tail,
                str(now_ms()).encode(),
                b',"transaction":',
                transaction,
                b"}",
            )
        )
