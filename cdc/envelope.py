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
        self._templates: dict[tuple[str, str, str, str, bool], bytes] = {}
        self._file, self._file_json = "", b'""'

    def template(self, db: str, table: str, op: Op, snapshot: str = "false", transaction: bool = True) -> bytes:
        """:func:`change_template` (cached)."""
        key = (db, table, op, snapshot, transaction)
        template = self._templates.get(key)
        if template is None:
            template = self._templates[key] = change_template(
                self, db, table, op, snapshot=snapshot, transaction=transaction
            )
        return template

    def file_json(self, file: str) -> bytes:
        """The binlog file name as a JSON string (the last one cached: it changes at rotations)."""
        if file != self._file:
            self._file, self._file_json = file, json_bytes(file)
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


def json_bytes(text: str | None) -> bytes:
    """``text`` as a JSON string (or null), UTF-8."""
    return _json_text(text).encode()


def transaction_block(gtid: str, total_order: int, table_order: int) -> dict[str, Any]:
    return {"id": gtid, "total_order": total_order, "data_collection_order": table_order}


def change_template(
    builder: EnvelopeBuilder, db: str, table: str, op: Op, *, snapshot: str, transaction: bool
) -> bytes:
    """The value of a change event as a bytes %-template: everything constant for the table is
    already encoded; the slots, in order, are ``before`` and ``after`` (JSON), ``source.ts_ms``,
    ``server_id``, ``gtid`` (JSON), ``file`` (JSON), ``pos``, ``row``, ``thread`` and ``query``
    (JSON), ``ts_ms`` and, with ``transaction``, its ``id`` (JSON), ``total_order`` and
    ``data_collection_order``. Same document (keys, order, spelling) as
    :func:`cdc.events.encode` of :meth:`EnvelopeBuilder.change`; a unit test holds them together."""

    def constant(value: str) -> str:
        return encode_json(value).replace("%", "%%")

    text = (
        '{"before":%b,"after":%b,"source":{'
        f'"version":{constant(VERSION)},"connector":{constant(builder.connector)},"name":{constant(builder.prefix)},'
        f'"ts_ms":%d,"snapshot":{constant(snapshot)},"db":{constant(db)},"sequence":null,"table":{constant(table)},'
        '"server_id":%d,"gtid":%b,"file":%b,"pos":%d,"row":%d,"thread":%b,"query":%b},'
        f'"op":{constant(op)},"ts_ms":%d,"transaction":'
        + ('{"id":%b,"total_order":%d,"data_collection_order":%d}}' if transaction else "null}")
    )
    return text.encode()


class SnapshotValues:
    """Values of the ``r`` events of one snapshot table: (row JSON, label) -> event value."""

    def __init__(self, builder: EnvelopeBuilder, *, db: str, table: str, point: SourcePoint) -> None:
        self._templates = {
            label: builder.template(db, table, "r", label, transaction=False) for label in ("first", "true", "last")
        }
        thread = b"null" if point.thread is None else b"%d" % int(point.thread)
        self._source = (point.ts_ms, point.server_id, json_bytes(point.gtid), builder.file_json(point.file), point.pos)
        self._tail = (0, thread, json_bytes(point.query))  # source.row, thread, query

    def value(self, row: bytes, label: str) -> bytes:
        """``label`` is source.snapshot: first, true or last."""
        return self._templates[label] % (b"null", row, *self._source, *self._tail, now_ms())
