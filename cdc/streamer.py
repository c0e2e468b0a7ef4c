"""Binlog events -> Kafka records, and the exact offset after each of them (pure core).

:class:`Streamer` is fed whole binlog events (header to checksum, as the server sends them) in
order and calls ``emit(topic, key, value)`` for every record to produce. At any moment
:meth:`Streamer.offset` is the offset that, committed together with everything emitted so far,
lets a restart continue without loss or duplicates: fully handled transactions are in
``position``; inside a transaction, ``txn_rows`` counts the row changes already handled, which a
restart skips.

This is the connector's hot path (four events per WordPress write), so the frequent events are
read straight from the event bytes, per-table work is prepared once per table definition
(``cdc/tableplan.py``), the GTID position is folded only when an offset is asked for, and rows of
tables that are not captured are only counted when that count is needed.
"""

from __future__ import annotations

import json
import re
import struct
from collections import Counter
from collections.abc import Callable

from cdc.binlog.protocol import (
    ROW_EVENT_OPS,
    RawEvent,
    decode_rows,
    parse_annotate,
    parse_mysql_gtid,
    parse_query,
    parse_rotate,
    split_event,
)
from cdc.binlog.tablemap import MissingMetadataError, parse_table_map
from cdc.binlog.wire import HEADER_SIZE, E
from cdc.config import CdcConfig
from cdc.envelope import EnvelopeBuilder, SourcePoint, json_bytes, now_ms, transaction_block
from cdc.errors import RefusedError
from cdc.events import encode
from cdc.gtid import Gtid, MariaGtid, Position
from cdc.offsets import Offset
from cdc.tableplan import TablePlan, plan_table

Emit = Callable[[str, bytes | None, bytes | None], None]

_DDL = re.compile(
    r"^\s*(?:/\*.*?\*/\s*)*(CREATE|ALTER|DROP|RENAME|TRUNCATE)\s+(?:OR\s+REPLACE\s+)?(?:TEMPORARY\s+)?"
    r"(TABLE|INDEX|UNIQUE|FULLTEXT|SPATIAL|DATABASE|SCHEMA|VIEW|TABLES)?\b",
    re.IGNORECASE | re.DOTALL,
)
_TRUNCATE = re.compile(r"^\s*TRUNCATE\s+(?:TABLE\s+)?(?:`?(\w+)`?\.)?`?(\w+)`?", re.IGNORECASE)
_HEADER = struct.Struct("<IBIII").unpack_from  # timestamp, type, server_id, event size, log_pos
_MARIADB_GTID = struct.Struct("<QIB").unpack_from  # seq, domain, flags
_STANDALONE = 0x01
_ROWS = frozenset(ROW_EVENT_OPS)
_PLAN_CACHE_SIZE = 4096
_UNCOUNTED_MAX = 64  # row events of tables not captured, held until they must be counted


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
    def __init__(
        self, config: CdcConfig, builder: EnvelopeBuilder, offset: Offset, emit: Emit, *, checksum: bool = False
    ) -> None:
        self.config = config
        self.builder = builder
        self.emit = emit
        self.flavor = offset.flavor
        self._trailer = 4 if checksum else 0  # the CRC32 after each event's body
        self._position: Position = offset.parsed_position()
        self._unfolded: dict[int, tuple[int, int, int]] = {}  # MariaDB: domain -> last (domain, server, seq)
        self._unfolded_mysql: list[Gtid] = []
        self.file, self.pos = offset.file, offset.pos
        self._resume_gtid, self._resume_rows = offset.txn_gtid, offset.txn_rows
        self._plans: dict[int, TablePlan] = {}  # by the table id of the current table maps
        self._plans_by_map: dict[bytes, TablePlan] = {}  # by table map body: parsed once per definition
        self._last_map: tuple[bytes, TablePlan] | None = None  # compared in place, without a copy
        self.counts: Counter[tuple[str, str]] = Counter()  # emitted since the last commit
        self.last_ts = 0  # source timestamp (s) of the last handled event
        self.txn: str | None = None  # the GTID of the open transaction
        self._txn_gtid: tuple[int, int, int] | Gtid | None = None
        self._gtid_json, self._txn_id_json = b"null", b'""'  # source.gtid and transaction.id
        self._txn_rows = 0  # row changes of the current transaction handled so far
        self._txn_skip = 0  # row changes to skip (already committed before a restart)
        self._uncounted: list[tuple[bytes, int, TablePlan]] = []  # row events of tables not captured
        self._txn_standalone = False
        self._txn_began = False
        self._order: dict[str, int] = {}
        self._query: str | None = None
        self._query_json = b"null"

    @property
    def at_boundary(self) -> bool:
        return self.txn is None

    @property
    def position(self) -> Position:
        """Every fully handled transaction (folded lazily: see the module docstring)."""
        if self._unfolded:
            for domain, server_id, seq in self._unfolded.values():
                self._position = self._position.advance(MariaGtid(domain, server_id, seq))
            self._unfolded.clear()
        if self._unfolded_mysql:
            for gtid in self._unfolded_mysql:
                self._position = self._position.advance(gtid)
            self._unfolded_mysql.clear()
        return self._position

    def offset(self) -> Offset:
        base = Offset(self.flavor, str(self.position), self.file, self.pos)
        if self.txn is not None:
            self._count_uncaptured()
            if self._txn_rows:
                return Offset(self.flavor, base.position, self.file, self.pos, self.txn, self._txn_rows)
        return base

    # -- event dispatch ----------------------------------------------------------------------

    def handle(self, event: bytes) -> bool:
        """Handle one event; True when the caller may want to hand over what was emitted: a
        transaction ended, or rows were emitted (a transaction can outgrow a batch)."""
        kind = event[4]
        if kind in _ROWS:
            return self._rows(event, kind)
        if kind == E.TABLE_MAP:
            self._table_map(event)
            return False
        if kind == E.MARIADB_GTID:
            self._mariadb_gtid(event)
            return False
        if kind == E.XID:
            timestamp, _, _, _, log_pos = _HEADER(event)
            self._end(log_pos, timestamp)
            return True
        self._other(split_event(event, bool(self._trailer)))
        return True

    def _other(self, raw: RawEvent) -> None:
        kind = raw.type
        if kind == E.MYSQL_GTID:
            start = parse_mysql_gtid(raw.body)
            self._begin(str(start.gtid), start.gtid, start.standalone, raw.log_pos)
        elif kind == E.QUERY:
            self._query_event(raw)
        elif kind == E.MARIADB_ANNOTATE_ROWS:
            if self.config.include_query:
                self._query = parse_annotate(raw.body)
                self._query_json = json_bytes(self._query)
        elif kind == E.ROTATE:
            self.file, self.pos = parse_rotate(raw.body)
        if raw.timestamp:
            self.last_ts = raw.timestamp

    def _table_map(self, event: bytes) -> None:
        last = self._last_map  # the usual: the same table again (same body: no copy, no parse)
        if (
            last is not None
            and len(event) == HEADER_SIZE + len(last[0]) + self._trailer
            and event.startswith(last[0], HEADER_SIZE)
        ):
            self._plans[last[1].schema.table_id] = last[1]
            return
        body = event[HEADER_SIZE : len(event) - self._trailer]
        plan = self._plans_by_map.get(body)
        if plan is None:
            try:
                schema = parse_table_map(body)
            except MissingMetadataError as exc:
                raise RefusedError(f"{exc}: set binlog_row_metadata=FULL") from exc
            if len(self._plans_by_map) >= _PLAN_CACHE_SIZE:
                self._plans_by_map.clear()
            captured = self._captured(schema.db, schema.table)
            plan = self._plans_by_map[body] = plan_table(schema, self.builder, captured)
        self._plans[plan.schema.table_id] = plan
        self._last_map = (body, plan)

    def _captured(self, db: str, table: str) -> bool:
        return db == self.config.database and self.config.captures(table)

    # -- transactions ------------------------------------------------------------------------

    def _mariadb_gtid(self, event: bytes) -> None:
        timestamp, _, server_id, _, log_pos = _HEADER(event)
        seq, domain, flags = _MARIADB_GTID(event, HEADER_SIZE)
        self._begin(f"{domain}-{server_id}-{seq}", (domain, server_id, seq), bool(flags & _STANDALONE), log_pos)
        self.last_ts = timestamp

    def _begin(self, text: str, gtid: tuple[int, int, int] | Gtid, standalone: bool, log_pos: int) -> None:
        """A transaction starts; ``gtid`` is MariaDB's (domain, server, seq) or a MySQL GTID."""
        self.txn, self._txn_gtid = text, gtid
        self._gtid_json = self._txn_id_json = f'"{text}"'.encode()  # digits, '-', ':' and hex only
        self._txn_rows = self._txn_skip = 0
        self._txn_standalone, self._txn_began = standalone, False
        if self._uncounted:
            self._uncounted.clear()
        if self._order:
            self._order.clear()
        if self._query is not None:
            self._query, self._query_json = None, b"null"
        if self._resume_gtid is not None and text == self._resume_gtid:
            self._txn_skip, self._resume_gtid = self._resume_rows, None
        self.pos = log_pos

    def _end(self, log_pos: int, timestamp: int) -> None:
        gtid = self._txn_gtid
        if isinstance(gtid, tuple):
            self._unfolded[gtid[0]] = gtid
        elif gtid is not None:
            self._unfolded_mysql.append(gtid)
        self.txn = self._txn_gtid = None
        self._gtid_json, self._txn_id_json = b"null", b'""'
        self._txn_rows = 0
        if self._uncounted:
            self._uncounted.clear()
        self.pos = log_pos
        if timestamp:
            self.last_ts = timestamp

    def _count_uncaptured(self) -> None:
        """Add the rows of the transaction's not captured row events to its row count (so that
        ``txn_rows`` means the same whatever is captured): done only when the count is needed."""
        for event, kind, plan in self._uncounted:
            self._txn_rows += len(decode_rows(kind, event, HEADER_SIZE, len(event) - self._trailer, plan.schema))
        self._uncounted.clear()

    # -- row changes -------------------------------------------------------------------------

    def _rows(self, event: bytes, kind: int) -> bool:
        plan = self._plans.get(int.from_bytes(event[HEADER_SIZE : HEADER_SIZE + 6], "little"))
        if plan is None:
            raise RefusedError("row event without a preceding table map: the binlog stream is inconsistent")
        if not plan.captured:
            self._uncounted.append((event, kind, plan))
            if len(self._uncounted) >= _UNCOUNTED_MAX:  # a big transaction: keep memory bounded
                self._count_uncaptured()
            return False
        if self._uncounted:
            self._count_uncaptured()
        timestamp, _, server_id, _, log_pos = _HEADER(event)
        self.last_ts = timestamp
        assert plan.rows is not None  # captured
        rows = plan.rows.rows(kind, event, HEADER_SIZE, len(event) - self._trailer)
        op = ROW_EVENT_OPS[kind]
        topic, template, table = plan.topic, plan.templates[op], plan.schema.table
        emit, skip, txn_rows, order = self.emit, self._txn_skip, self._txn_rows, self._order.get(table, 0)
        ts_ms, gtid, txn_id = timestamp * 1000, self._gtid_json, self._txn_id_json
        file, query, now, emitted = self.builder.file_json(self.file), self._query_json, now_ms(), 0
        for index, (before, after, key) in enumerate(rows):
            txn_rows += 1
            if txn_rows <= skip:
                continue
            order += 1
            value = template % (
                before or b"null",
                after or b"null",
                ts_ms,
                server_id,
                gtid,
                file,
                log_pos,
                index,
                b"null",  # source.thread: MariaDB row events do not say
                query,
                now,
                txn_id,
                txn_rows,
                order,
            )
            emit(topic, key, value)
            if after is None:
                emit(topic, key, None)  # the tombstone after a delete
            emitted += 1
        self._txn_rows, self._order[table] = txn_rows, order
        if emitted:
            self.counts[(table, op)] += emitted
            return True
        return False

    # -- statements --------------------------------------------------------------------------

    def _point(self, raw: RawEvent, thread: int | None = None) -> SourcePoint:
        return SourcePoint(
            raw.timestamp * 1000, raw.server_id, self.txn or None, self.file, raw.log_pos, thread, self._query
        )

    def _query_event(self, raw: RawEvent) -> None:
        query = parse_query(raw.body)
        statement = query.sql.strip().rstrip(";")
        upper = statement[:10].upper()
        if upper.startswith("BEGIN") or upper.startswith("XA START"):
            self._txn_began = True
            return
        if upper.startswith(("COMMIT", "ROLLBACK", "XA END", "XA PREPARE", "XA COMMIT")):
            self._end_statement(raw)
            return
        self._count_uncaptured()
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
            self._end_statement(raw)

    def _end_statement(self, raw: RawEvent) -> None:
        self._end(raw.log_pos, raw.timestamp)

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
            transaction=transaction_block(self.txn or "", self._txn_rows, 1),
        )
        key, value = encode(event)
        self.emit(event.topic, key, value)
        self.counts[(table, "t")] += 1


def _json(obj: object) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()
