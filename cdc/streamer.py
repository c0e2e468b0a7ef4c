"""Binlog events -> Kafka records, and the exact offset after each of them (pure core).

:class:`Streamer` is fed raw binlog events in order and calls ``emit(topic, key, value)`` for
every record to produce. At any moment :meth:`Streamer.offset` is the offset that, committed
together with everything emitted so far, lets a restart continue without loss or duplicates:
fully handled transactions are in ``position``; inside a transaction, ``txn_rows`` counts the
row changes already handled, which a restart skips.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace

import orjson

from cdc.binlog.protocol import (
    ROW_EVENT_OPS,
    GtidStart,
    RawEvent,
    iter_rows,
    parse_annotate,
    parse_mariadb_gtid,
    parse_mysql_gtid,
    parse_query,
    parse_rotate,
    rows_table_id,
)
from cdc.binlog.tablemap import MissingMetadataError, TableMapCache
from cdc.binlog.wire import E
from cdc.config import CdcConfig
from cdc.envelope import EnvelopeBuilder, RowValueEncoder, SourcePoint, transaction_block
from cdc.errors import RefusedError
from cdc.events import encode
from cdc.gtid import Gtid, Position
from cdc.offsets import Offset

Emit = Callable[[str, bytes | None, bytes | None], None]

_DDL = re.compile(
    r"^\s*(?:/\*.*?\*/\s*)*(CREATE|ALTER|DROP|RENAME|TRUNCATE)\s+(?:OR\s+REPLACE\s+)?(?:TEMPORARY\s+)?"
    r"(TABLE|INDEX|UNIQUE|FULLTEXT|SPATIAL|DATABASE|SCHEMA|VIEW|TABLES)?\b",
    re.IGNORECASE | re.DOTALL,
)
_TRUNCATE = re.compile(r"^\s*TRUNCATE\s+(?:TABLE\s+)?(?:`?(\w+)`?\.)?`?(\w+)`?", re.IGNORECASE)


def ddl_kind(sql: str) -> str | None:
    """'TRUNCATE', 'DDL' or None for statements that are neither (BEGIN, GRANT, ...)."""
    match = _DDL.match(sql)
    if not match:
        return None
    if match.group(1).upper() == "TRUNCATE":
        return "TRUNCATE"
    if match.group(2) is None and match.group(1).upper() in ("CREATE", "DROP", "ALTER"):
        return None  # CREATE USER, DROP ROLE, ALTER USER ...
    return "DDL"


class Streamer:
    def __init__(self, config: CdcConfig, builder: EnvelopeBuilder, offset: Offset, emit: Emit) -> None:
        self.config = config
        self.builder = builder
        self.emit = emit
        self.flavor = offset.flavor
        self.position: Position = offset.parsed_position()
        self.file, self.pos = offset.file, offset.pos
        self._resume_gtid, self._resume_rows = offset.txn_gtid, offset.txn_rows
        self.tables = TableMapCache()
        self.counts: Counter[tuple[str, str]] = Counter()  # emitted since the last commit
        self.last_ts = 0  # source timestamp (s) of the last handled event
        self.txn: Gtid | None = None
        self._txn_text = ""
        self._txn_rows = 0  # row changes of the current transaction handled so far
        self._txn_skip = 0  # row changes to skip (already committed before a restart)
        self._txn_standalone = False
        self._txn_began = False
        self._order: Counter[str] = Counter()
        self._query: str | None = None
        self.ended = False  # set when the server ends the stream

    @property
    def at_boundary(self) -> bool:
        return self.txn is None

    def offset(self) -> Offset:
        base = Offset(self.flavor, str(self.position), self.file, self.pos)
        if self.txn is not None and self._txn_rows:
            return replace(base, txn_gtid=self._txn_text, txn_rows=self._txn_rows)
        return base

    # -- event dispatch ----------------------------------------------------------------------

    def handle(self, raw: RawEvent) -> None:
        kind = raw.type
        if kind in ROW_EVENT_OPS:
            self._rows(raw)
        elif kind == E.TABLE_MAP:
            try:
                self.tables.add(raw.body)
            except MissingMetadataError as exc:
                raise RefusedError(f"{exc}: set binlog_row_metadata=FULL") from exc
        elif kind == E.MARIADB_GTID:
            self._begin(parse_mariadb_gtid(raw.body, raw.server_id), raw)
        elif kind == E.MYSQL_GTID:
            self._begin(parse_mysql_gtid(raw.body), raw)
        elif kind == E.XID:
            self._end(raw)
        elif kind == E.QUERY:
            self._query_event(raw)
        elif kind == E.MARIADB_ANNOTATE_ROWS:
            if self.config.include_query:
                self._query = parse_annotate(raw.body)
        elif kind == E.ROTATE:
            self.file, self.pos = parse_rotate(raw.body)
        if raw.timestamp:
            self.last_ts = raw.timestamp

    def _point(self, raw: RawEvent, thread: int | None = None) -> SourcePoint:
        return SourcePoint(
            raw.timestamp * 1000, raw.server_id, self._txn_text or None, self.file, raw.log_pos, thread, self._query
        )

    def _begin(self, start: GtidStart, raw: RawEvent) -> None:
        self.txn = start.gtid
        self._txn_text = str(start.gtid)
        self._txn_rows = 0
        self._txn_standalone = start.standalone
        self._txn_began = False
        self._order.clear()
        self._query = None
        self._txn_skip = 0
        if self._resume_gtid is not None and self._txn_text == self._resume_gtid:
            self._txn_skip, self._resume_gtid = self._resume_rows, None
        self.pos = raw.log_pos

    def _end(self, raw: RawEvent) -> None:
        if self.txn is not None:
            self.position = self.position.advance(self.txn)
        self.txn = None
        self._txn_text = ""
        self._txn_rows = 0
        self.pos = raw.log_pos

    def _captured(self, db: str, table: str) -> bool:
        return db == self.config.database and self.config.captures(table)

    def _rows(self, raw: RawEvent) -> None:
        schema = self.tables.by_id.get(rows_table_id(raw.body))
        if schema is None:
            raise RefusedError("row event without a preceding table map: the binlog stream is inconsistent")
        captured = self._captured(schema.db, schema.table)
        if not captured:
            # skipped rows still count, so that txn_rows means the same after a restart
            self._txn_rows += sum(1 for _ in iter_rows(raw.type, raw.body, schema))
            return
        op = ROW_EVENT_OPS[raw.type]
        table, pk = schema.table, schema.primary_key
        topic = self.builder.topic(schema.db, table)
        values = RowValueEncoder(
            self.builder, db=schema.db, table=table, op=op, point=self._point(raw), transaction_id=self._txn_text
        )
        emit, order = self.emit, self._order
        for index, (before, after) in enumerate(iter_rows(raw.type, raw.body, schema)):
            self._txn_rows += 1
            if self._txn_rows <= self._txn_skip:
                continue
            order[table] += 1
            image = after if after is not None else before
            key = orjson.dumps({name: image[name] for name in pk}) if pk and image else None
            emit(topic, key, values.value(before, after, index, self._txn_rows, order[table]))
            self.counts[(table, op)] += 1
            if op == "d":
                emit(topic, key, None)  # the tombstone

    def _query_event(self, raw: RawEvent) -> None:
        query = parse_query(raw.body)
        statement = query.sql.strip().rstrip(";")
        upper = statement[:10].upper()
        if upper.startswith("BEGIN") or upper.startswith("XA START"):
            self._txn_began = True
            return
        if upper.startswith(("COMMIT", "ROLLBACK", "XA END", "XA PREPARE", "XA COMMIT")):
            self._end(raw)
            return
        kind = ddl_kind(statement)
        db = query.db
        if kind == "TRUNCATE":
            self._truncate(statement, db, raw, query.thread_id)
        elif kind == "DDL" and (db == self.config.database or self.config.database in statement):
            self._txn_rows += 1
            if self._txn_rows > self._txn_skip:
                topic, key, value = self.builder.schema_change(
                    db=db or self.config.database, ddl=statement, point=self._point(raw, query.thread_id)
                )
                emit_key, emit_value = _json(key), _json(value)
                self.emit(topic, emit_key, emit_value)
                self.counts[("<schema>", "ddl")] += 1
        if self._txn_standalone or (self.flavor == "mysql" and not self._txn_began):
            self._end(raw)

    def _truncate(self, statement: str, db: str, raw: RawEvent, thread: int) -> None:
        match = _TRUNCATE.match(statement)
        if not match:
            return
        table_db, table = match.group(1) or db, match.group(2)
        self._txn_rows += 1
        if self._txn_rows <= self._txn_skip or not self._captured(table_db, table):
            return
        event = self.builder.truncate(
            db=table_db,
            table=table,
            point=self._point(raw, thread),
            transaction=transaction_block(self._txn_text, self._txn_rows, 1),
        )
        key, value = encode(event)
        self.emit(event.topic, key, value)
        self.counts[(table, "t")] += 1


def _json(obj: object) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()
