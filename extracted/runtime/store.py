"""The read-model store: SQLAlchemy tables plus the consumed positions, written in one transaction per batch.

Every applied event's (topic, partition, offset) is stored in the same transaction as the changes it
made, so an event delivered again (after a crash, a rebalance or a replay) is recognised and skipped.
Dead letters are kept in the same transaction too (an outbox, ``consumer_dead_letters``) and leave
it only once the broker has them: none is published for a batch that rolled back, none is lost when
the broker is down, and a process that stops with some unpublished publishes them at its next start.
The ids of applied domain events (``consumed_events``) are kept in the same transaction as well: an
event published twice (a producer's retry, a replayed topic) has two offsets but one id, and is
applied once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Engine,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    and_,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import ConnectionPoolEntry

from .types import Change, DeadLetter, Delete, Position, Record, StoreError, Truncate, Update, Upsert

POSITIONS = "consumer_positions"
DEAD_LETTERS = "consumer_dead_letters"
CONSUMED_EVENTS = "consumed_events"


LEDGER = "strangler_ledger"


def ledger_table(table: Table) -> Table:
    """Mark ``table`` as part of the service's ledger: kept when the read model is rebuilt."""
    table.info[LEDGER] = True
    return table


def is_ledger(table: Table) -> bool:
    return bool(table.info.get(LEDGER))


def positions_table(metadata: MetaData) -> Table:
    return Table(
        POSITIONS,
        metadata,
        Column("topic", String(255), primary_key=True),
        Column("partition", Integer, primary_key=True, autoincrement=False),
        Column("offset", BigInteger, nullable=False),
    )


def dead_letters_table(metadata: MetaData) -> Table:
    return Table(
        DEAD_LETTERS,
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("topic", String(255), nullable=False),
        Column("partition", Integer, nullable=False),
        Column("offset", BigInteger, nullable=False),
        Column("key", LargeBinary),
        Column("value", LargeBinary),
        Column("timestamp_ms", BigInteger, nullable=False),
        Column("error", Text, nullable=False),
    )


def consumed_events_table(metadata: MetaData) -> Table:
    return Table(
        CONSUMED_EVENTS,
        metadata,
        Column("event_id", String(255), primary_key=True),
        Column("type", String(255), nullable=False),
        # where it was first read, for whoever investigates a duplicate
        Column("topic", String(255), nullable=False),
        Column("partition", Integer, nullable=False),
        Column("offset", BigInteger, nullable=False),
    )


def _sqlite_pragmas(dbapi_connection: Any, _: ConnectionPoolEntry) -> None:
    # WAL lets the web server read while the consumer writes; NORMAL sync is durable across app crashes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    # Python's sqlite3 opens transactions itself, only before INSERT/UPDATE/DELETE: a batch whose
    # first statement is a SAVEPOINT (the applier's per-event one) then ran outside any BEGIN, and
    # releasing that savepoint committed the event on its own. Transactions are ours instead
    # (``_sqlite_begin``), SQLAlchemy's documented recipe, so a batch is one transaction.
    dbapi_connection.isolation_level = None


#: the execution option :func:`begin_write` sets: how the SQLite transaction begins
_SQLITE_BEGIN = "sqlite_begin"


def _sqlite_begin(connection: Connection) -> None:
    mode = connection.get_execution_options().get(_SQLITE_BEGIN, "")
    connection.exec_driver_sql(f"BEGIN {mode}".rstrip())


def begin_write(engine: Engine) -> Any:
    """A transaction that will write: on SQLite it takes the write lock at its start (``BEGIN IMMEDIATE``).

    A deferred transaction that reads and then writes cannot wait for a concurrent writer (SQLite
    answers "database is locked" at once, as waiting could deadlock); an immediate one waits for the
    lock (the driver's busy timeout) and then sees the latest data. Readers keep ``engine.connect()``
    and never block writers (WAL). Other databases ignore the option.
    """
    return engine.execution_options(**{_SQLITE_BEGIN: "IMMEDIATE"}).begin()


#: ``postgresql://`` and ``postgres://`` name psycopg 3 (the ``postgres`` extra), not SQLAlchemy's default psycopg2
_POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def open_engine(url: str) -> Engine:
    """An engine for any SQLAlchemy URL; SQLite gets WAL and cross-thread connections."""
    try:
        if url.startswith("sqlite"):
            # a writer waits up to 30 s for the lock (the driver's default is 5 s): a large batch of the
            # consumer, the announcer and a worker write the same file, and "database is locked" made the
            # service report itself failing under load
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=8)
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin)
            return engine
        if url.startswith(_POSTGRES_SCHEMES):
            url = "postgresql+psycopg://" + url.partition("://")[2]
        return create_engine(url, pool_pre_ping=True)
    except (SQLAlchemyError, ValueError, ImportError) as error:
        raise StoreError(f"cannot open the store {url!r}: {error}") from error


@dataclass
class Store:
    """The read model's tables, the positions, the consumed event ids and the dead-letter outbox, on one engine."""

    engine: Engine
    metadata: MetaData
    positions: Table = field(init=False)
    outbox: Table = field(init=False)
    consumed_events: Table = field(init=False)

    def __post_init__(self) -> None:
        positions = self.metadata.tables.get(POSITIONS)
        self.positions = positions if positions is not None else positions_table(self.metadata)
        outbox = self.metadata.tables.get(DEAD_LETTERS)
        self.outbox = outbox if outbox is not None else dead_letters_table(self.metadata)
        consumed = self.metadata.tables.get(CONSUMED_EVENTS)
        self.consumed_events = consumed if consumed is not None else consumed_events_table(self.metadata)

    def create(self) -> None:
        try:
            self.metadata.create_all(self.engine)
        except SQLAlchemyError as error:
            raise StoreError(f"cannot create the read model's tables: {error}") from error

    def drop(self) -> None:
        """Drop the read model and its positions. The dead-letter outbox stays (it holds unpublished
        letters), and so do the service's ledger tables (:func:`ledger_table`: what it is the system of
        record of, what it announced, its event outbox), which no replay could bring back."""
        tables = [table for table in self.metadata.sorted_tables if table is not self.outbox and not is_ledger(table)]
        try:
            self.metadata.drop_all(self.engine, tables=tables)
        except SQLAlchemyError as error:
            raise StoreError(f"cannot drop the read model's tables: {error}") from error

    def stored_positions(self) -> dict[tuple[str, int], int]:
        """The last applied offset of every (topic, partition)."""
        try:
            with self.engine.connect() as connection:
                rows = connection.execute(select(self.positions)).all()
        except SQLAlchemyError as error:
            raise StoreError(f"cannot read the stored positions: {error}") from error
        return {(row.topic, row.partition): row.offset for row in rows}

    def is_applied(self, applied: dict[tuple[str, int], int], position: Position) -> bool:
        return applied.get((position.topic, position.partition), -1) >= position.offset

    def record_position(self, connection: Connection, position: Position) -> None:
        table = self.positions
        condition = and_(table.c.topic == position.topic, table.c.partition == position.partition)
        connection.execute(delete(table).where(condition))
        connection.execute(
            insert(table).values(topic=position.topic, partition=position.partition, offset=position.offset)
        )

    def is_consumed(self, connection: Connection, event_id: str) -> bool:
        """Whether the event ``event_id`` was applied (in this transaction too)."""
        table = self.consumed_events
        return connection.execute(select(table.c.event_id).where(table.c.event_id == event_id)).first() is not None

    def record_consumed(self, connection: Connection, event_id: str, event_type: str, position: Position) -> None:
        values = {"topic": position.topic, "partition": position.partition, "offset": position.offset}
        connection.execute(insert(self.consumed_events).values(event_id=event_id, type=event_type, **values))

    def apply(self, connection: Connection, changes: Iterable[Change]) -> None:
        for change in changes:
            table = self.metadata.tables[change.table]
            if isinstance(change, Truncate):
                connection.execute(delete(table))
                continue
            condition = and_(*(table.c[name] == value for name, value in change.key.items()))
            if isinstance(change, Update):
                if change.values:
                    connection.execute(update(table).where(condition).values(dict(change.values)))
                continue
            connection.execute(delete(table).where(condition))
            if isinstance(change, Upsert):
                connection.execute(insert(table).values({**change.values, **change.key}))
            else:
                assert isinstance(change, Delete)

    def keep_dead_letters(self, connection: Connection, letters: Iterable[DeadLetter]) -> None:
        """Put ``letters`` in the outbox, in the caller's transaction."""
        rows = [
            {
                "topic": letter.record.topic,
                "partition": letter.record.partition,
                "offset": letter.record.offset,
                "key": letter.record.key,
                "value": letter.record.value,
                "timestamp_ms": letter.record.timestamp_ms,
                "error": letter.error,
            }
            for letter in letters
        ]
        if rows:
            connection.execute(insert(self.outbox), rows)

    def pending_dead_letters(self, limit: int = 500) -> list[tuple[int, DeadLetter]]:
        """The oldest ``limit`` dead letters not published yet, with their outbox ids."""
        table = self.outbox
        try:
            with self.engine.connect() as connection:
                rows = connection.execute(select(table).order_by(table.c.id).limit(limit)).all()
        except SQLAlchemyError as error:
            raise StoreError(f"cannot read the dead-letter outbox: {error}") from error
        letters = []
        for row in rows:
            record = Record(row.topic, row.partition, row.offset, row.key, row.value, row.timestamp_ms)
            letters.append((int(row.id), DeadLetter(record, row.error)))
        return letters

    def count_pending_dead_letters(self) -> int:
        try:
            with self.engine.connect() as connection:
                return int(connection.execute(select(func.count()).select_from(self.outbox)).scalar_one())
        except SQLAlchemyError as error:
            raise StoreError(f"cannot read the dead-letter outbox: {error}") from error

    def forget_dead_letters(self, ids: Iterable[int]) -> None:
        """Remove published dead letters from the outbox."""
        try:
            with begin_write(self.engine) as connection:
                connection.execute(delete(self.outbox).where(self.outbox.c.id.in_(list(ids))))
        except SQLAlchemyError as error:
            raise StoreError(f"cannot update the dead-letter outbox: {error}") from error
