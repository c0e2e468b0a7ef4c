"""The transactional outbox of a service's domain events, in the service's own store.

A service that derives events writes them here in the same transaction as the state they come from
(the read model, what it last announced), so an event exists exactly when its cause is stored: a crash
before the commit leaves neither, a crash after it leaves both. Each event gets a sequence number;
:mod:`event_relay` publishes them in that order and tells Kafka the sequence with each record, which is
how a restarted relay knows what already went out (exactly once on the topic, not merely at least once).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.exc import SQLAlchemyError

from .store import ledger_table
from .types import StoreError

__all__ = ["EventOutbox", "OutboxEvent"]

OUTBOX_TABLE = "domain_event_outbox"


@dataclass(frozen=True, slots=True)
class OutboxEvent:
    """One domain event waiting to be published (``sequence`` 0 until the outbox assigns one)."""

    topic: str
    key: bytes
    value: bytes
    event_id: str
    sequence: int = 0


class EventOutbox:
    """The outbox table on a service's read-model metadata."""

    def __init__(self, metadata: MetaData) -> None:
        existing = metadata.tables.get(OUTBOX_TABLE)
        self.table = existing if existing is not None else ledger_table(Table(
            OUTBOX_TABLE,
            metadata,
            Column("sequence", Integer, primary_key=True, autoincrement=True),
            Column("event_id", String(64), nullable=False, unique=True),
            Column("topic", String(255), nullable=False),
            Column("key", LargeBinary, nullable=False),
            Column("value", LargeBinary, nullable=False),
            Column("created_ms", BigInteger, nullable=False),
            # Sequences must never be reused: the relay forgets events up to the highest sequence Kafka
            # holds, and SQLite otherwise restarts at 1 once the outbox is empty.
            sqlite_autoincrement=True,
        ))  # fmt: skip

    def append(self, connection: Connection, events: Iterable[OutboxEvent], now_ms: int) -> None:
        """Add ``events`` inside the caller's transaction (the one that stores their cause)."""
        rows = [
            {"event_id": e.event_id, "topic": e.topic, "key": e.key, "value": e.value, "created_ms": now_ms}
            for e in events
        ]
        if rows:
            connection.execute(insert(self.table), rows)

    def pending(self, connection: Connection, limit: int) -> list[OutboxEvent]:
        """The oldest ``limit`` events not yet known to be published, in sequence order."""
        table = self.table
        try:
            found = connection.execute(select(table).order_by(table.c.sequence).limit(limit)).all()
        except SQLAlchemyError as error:
            raise StoreError(f"cannot read the event outbox: {error}") from error
        return [OutboxEvent(row.topic, row.key, row.value, row.event_id, row.sequence) for row in found]

    def count(self, connection: Connection) -> int:
        """How many events wait to be published."""
        try:
            return int(connection.execute(select(func.count()).select_from(self.table)).scalar_one())
        except SQLAlchemyError as error:
            raise StoreError(f"cannot read the event outbox: {error}") from error

    def forget_through(self, connection: Connection, sequence: int) -> int:
        """Drop every event up to ``sequence`` (Kafka holds them); returns how many there were."""
        try:
            return connection.execute(delete(self.table).where(self.table.c.sequence <= sequence)).rowcount
        except SQLAlchemyError as error:
            raise StoreError(f"cannot update the event outbox: {error}") from error
