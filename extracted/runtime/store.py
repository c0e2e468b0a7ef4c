"""The read-model store: SQLAlchemy tables plus the consumed positions, written in one transaction per batch.

Every applied event's (topic, partition, offset) is stored in the same transaction as the changes it
made, so an event delivered again (after a crash, a rebalance or a replay) is recognised and skipped.
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
    MetaData,
    String,
    Table,
    and_,
    create_engine,
    delete,
    event,
    insert,
    select,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import ConnectionPoolEntry

from .types import Change, Delete, Position, StoreError, Truncate, Upsert

POSITIONS = "consumer_positions"


def positions_table(metadata: MetaData) -> Table:
    return Table(
        POSITIONS,
        metadata,
        Column("topic", String(255), primary_key=True),
        Column("partition", Integer, primary_key=True, autoincrement=False),
        Column("offset", BigInteger, nullable=False),
    )


def _sqlite_pragmas(dbapi_connection: Any, _: ConnectionPoolEntry) -> None:
    # WAL lets the web server read while the consumer writes; NORMAL sync is durable across app crashes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def open_engine(url: str) -> Engine:
    """An engine for any SQLAlchemy URL; SQLite gets WAL and cross-thread connections."""
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"check_same_thread": False}, pool_size=8)
            event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        return create_engine(url, pool_pre_ping=True)
    except (SQLAlchemyError, ValueError, ImportError) as error:
        raise StoreError(f"cannot open the store {url!r}: {error}") from error


@dataclass
class Store:
    """The read model's tables and the positions table, on one engine."""

    engine: Engine
    metadata: MetaData
    positions: Table = field(init=False)

    def __post_init__(self) -> None:
        existing = self.metadata.tables.get(POSITIONS)
        self.positions = existing if existing is not None else positions_table(self.metadata)

    def create(self) -> None:
        try:
            self.metadata.create_all(self.engine)
        except SQLAlchemyError as error:
            raise StoreError(f"cannot create the read model's tables: {error}") from error

    def drop(self) -> None:
        try:
            self.metadata.drop_all(self.engine)
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

    def apply(self, connection: Connection, changes: Iterable[Change]) -> None:
        for change in changes:
            table = self.metadata.tables[change.table]
            if isinstance(change, Truncate):
                connection.execute(delete(table))
                continue
            condition = and_(*(table.c[name] == value for name, value in change.key.items()))
            connection.execute(delete(table).where(condition))
            if isinstance(change, Upsert):
                connection.execute(insert(table).values({**change.values, **change.key}))
            else:
                assert isinstance(change, Delete)
