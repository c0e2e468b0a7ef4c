"""Consistent snapshot reads of the captured tables (I/O shell around ``cdc/columns.py``).

MariaDB: ``START TRANSACTION WITH CONSISTENT SNAPSHOT`` plus the ``binlog_snapshot_file/position``
status variables give, without any lock, the exact binlog position the snapshot sees, and
``BINLOG_GTID_POS()`` turns it into a GTID position: streaming starts exactly there (no gap, no
overlap) even while WordPress writes. MySQL: a brief ``FLUSH TABLES WITH READ LOCK`` (RELOAD).
Rows are streamed with a server-side cursor; the connector reads them with
:meth:`SnapshotReader.json_rows` (straight to event JSON).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pymysql
import pymysql.converters
import pymysql.cursors
import pymysql.protocol

from cdc.columns import Column, TextConverter, column_from_information_schema, text_converter
from cdc.errors import SourceError
from cdc.gtid import Flavor
from cdc.textrows import TextRow, TextRowReader

Row = dict[str, Any]
EOF_MARKER, ERROR_MARKER = 0xFE, 0xFF
MAX_PACKET = 0xFFFFFF
READ_BYTES = 1 << 20


@dataclass(frozen=True)
class SnapshotTable:
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]


@dataclass(frozen=True)
class SnapshotPoint:
    position: str
    file: str
    pos: int


def _quote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


class SnapshotReader:
    def __init__(self, *, host: str, port: int, user: str, password: str, database: str, flavor: Flavor) -> None:
        self.database = database
        self.flavor = flavor
        # encoders only, no decoders: every value arrives as the server's text (or bytes)
        encoders: Any = {k: v for k, v in pymysql.converters.conversions.items() if not isinstance(k, int)}
        try:
            self._conn = pymysql.connect(
                host=host,
                port=port,
                user=user,
                password=password,
                database=database,
                charset="utf8mb4",
                conv=encoders,
                connect_timeout=5,
                autocommit=True,
                ssl_disabled=True,  # as in cdc/binlog/client.py: plain socket, no SSL context
            )
        except pymysql.MySQLError as exc:
            raise SourceError(f"snapshot connection failed: {exc}") from exc

    def close(self) -> None:
        with contextlib.suppress(Exception):  # already broken
            self._conn.close()

    def _query(self, sql: str, args: Any = None) -> list[tuple[Any, ...]]:
        try:
            with self._conn.cursor() as cur:
                cur.execute(sql, args)
                return list(cur.fetchall())
        except pymysql.MySQLError as exc:
            raise SourceError(f"snapshot query failed: {exc}") from exc

    def begin(self) -> SnapshotPoint:
        """Open the consistent read view; returns the binlog position it corresponds to."""
        self._query("SET SESSION time_zone = '+00:00'")
        self._query("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        if self.flavor == "mariadb":
            self._query("START TRANSACTION WITH CONSISTENT SNAPSHOT")
            status = dict(self._query("SHOW STATUS LIKE 'binlog_snapshot_%'"))
            file, pos = str(status["Binlog_snapshot_file"]), int(status["Binlog_snapshot_position"])
            gtid = self._query("SELECT BINLOG_GTID_POS(%s, %s)", (file, pos))[0][0]
            return SnapshotPoint(str(gtid or ""), file, pos)
        self._query("FLUSH TABLES WITH READ LOCK")
        try:
            self._query("START TRANSACTION WITH CONSISTENT SNAPSHOT")
            gtid = self._query("SELECT @@global.gtid_executed")[0][0]
            master = self._query("SHOW MASTER STATUS")
            file, pos = (str(master[0][0]), int(master[0][1])) if master else ("", 0)
        finally:
            self._query("UNLOCK TABLES")
        return SnapshotPoint(str(gtid or ""), file, pos)

    def end(self) -> None:
        self._query("COMMIT")

    def table_names(self) -> list[str]:
        rows = self._query(
            "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s "
            "AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME",
            (self.database,),
        )
        return [str(r[0]) for r in rows]

    def describe(self, table: str) -> SnapshotTable:
        try:
            with self._conn.cursor(pymysql.cursors.DictCursor) as cur:
                cur.execute(
                    "SELECT * FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s "
                    "ORDER BY ORDINAL_POSITION",
                    (self.database, table),
                )
                columns = tuple(column_from_information_schema(r) for r in cur.fetchall())
                cur.execute(
                    "SELECT COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = %s "
                    "AND TABLE_NAME = %s AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX",
                    (self.database, table),
                )
                primary_key = tuple(str(r["COLUMN_NAME"]) for r in cur.fetchall())
        except pymysql.MySQLError as exc:
            raise SourceError(f"cannot describe {table}: {exc}") from exc
        if not columns:
            raise SourceError(f"table {self.database}.{table} does not exist")
        return SnapshotTable(table, columns, primary_key)

    def count(self, table: str) -> int:
        """Estimated rows (for progress only)."""
        rows = self._query(
            "SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA=%s AND TABLE_NAME=%s",
            (self.database, table),
        )
        return int(rows[0][0] or 0) if rows else 0

    def rows(self, table: SnapshotTable, fetch_rows: int) -> Iterator[Row]:
        converters: list[tuple[str, TextConverter]] = [(c.name, text_converter(c)) for c in table.columns]
        try:
            with self._conn.cursor(pymysql.cursors.SSCursor) as cur:
                cur.execute(self._select(table))
                while batch := cur.fetchmany(fetch_rows):
                    for values in batch:
                        yield {
                            name: None if value is None else convert(value)
                            for (name, convert), value in zip(converters, values, strict=True)
                        }
        except pymysql.MySQLError as exc:
            raise SourceError(f"snapshot of {table.name} failed: {exc}") from exc

    def json_rows(self, table: SnapshotTable) -> Iterator[list[TextRow]]:
        """The table's rows as (row JSON, key JSON), in lists (one per socket read).

        The fast path of :meth:`rows` (same values, see ``cdc/textrows.py``): pymysql sends the
        query and reads the column definitions; we read the row packets off its socket in large
        chunks and parse them with generated code (pymysql's per-packet and per-value Python was
        most of the snapshot's CPU)."""
        read = TextRowReader(table.columns, table.primary_key).read
        conn: Any = self._conn  # pymysql's socket reader and result state are not in its typed API
        try:
            with self._conn.cursor(pymysql.cursors.SSCursor) as cur:
                cur.execute(self._select(table))
                result, complete = conn._result, False
                try:
                    for packets in _row_packets(conn):
                        yield [read(packet) for packet in packets]
                    complete = True
                finally:
                    # pymysql must not drain the result itself: we read past its buffer
                    result.unbuffered_active, result.connection, result.rows = False, None, None
                    if not complete:  # stopped early: the rest of the rows are still coming
                        conn._force_close()
        except pymysql.MySQLError as exc:
            raise SourceError(f"snapshot of {table.name} failed: {exc}") from exc

    def _select(self, table: SnapshotTable) -> str:
        select = ", ".join(_quote(c.name) for c in table.columns)
        order = f" ORDER BY {', '.join(_quote(k) for k in table.primary_key)}" if table.primary_key else ""
        return f"SELECT {select} FROM {_quote(self.database)}.{_quote(table.name)}{order}"


def _row_packets(conn: Any) -> Iterator[list[bytes]]:
    """The payloads of the row packets of the result set pymysql has begun to read, up to its
    EOF packet, in lists (one per read of up to READ_BYTES). Keeps pymysql's packet sequence
    number in step; an error packet raises pymysql's error."""
    rfile, seq = conn._rfile, conn._next_seq_id
    data, pos = b"", 0
    parts: list[bytes] = []
    while True:
        chunk = rfile.read1(READ_BYTES)
        if not chunk:
            raise SourceError("the snapshot connection was closed by the server")
        data, pos = data[pos:] + chunk, 0
        end = len(data)
        rows: list[bytes] = []
        while end - pos >= 4:
            length = data[pos] | data[pos + 1] << 8 | data[pos + 2] << 16
            stop = pos + 4 + length
            if stop > end:
                break
            if data[pos + 3] != seq:
                raise SourceError(f"snapshot packet out of sequence: {data[pos + 3]} instead of {seq}")
            seq = (seq + 1) & 0xFF
            payload, pos = data[pos + 4 : stop], stop
            if length == MAX_PACKET or parts:  # a row of 16 MiB or more spans several packets
                parts.append(payload)
                if length == MAX_PACKET:
                    continue
                payload, parts = b"".join(parts), []
            elif payload[0] == EOF_MARKER and length < 9:
                conn._next_seq_id = seq
                if rows:
                    yield rows
                return
            elif payload[0] == ERROR_MARKER:
                conn._next_seq_id = seq
                pymysql.protocol.MysqlPacket(payload, conn.encoding).raise_for_error()
            rows.append(payload)
        if rows:
            yield rows
