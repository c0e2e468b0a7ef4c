"""The consumer runtime's contract: read-model changes, projections, settings and errors.

A service is a :class:`Projection`: pure functions from change events to :data:`Change` values, plus a
hook that derives data (e.g. rendered HTML) from what a batch changed, inside the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import Connection, MetaData

from cdc.events import ChangeEvent, Tombstone

Values = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Upsert:
    """Insert the row ``key + values`` into ``table``, replacing the row with the same key."""

    table: str
    key: Values
    values: Values = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Delete:
    """Delete the row with ``key`` from ``table`` (nothing when it is absent)."""

    table: str
    key: Values


@dataclass(frozen=True, slots=True)
class Truncate:
    """Delete every row of ``table`` (the source table was truncated)."""

    table: str


Change = Upsert | Delete | Truncate


class Projection(Protocol):
    """What a service gives the runtime: its tables, its topics and its pure projection."""

    @property
    def metadata(self) -> MetaData:
        """The read model's tables (created by the runtime, dropped on rebuild)."""

    def source_tables(self) -> Sequence[str]:
        """The source tables (e.g. ``wp_posts``) whose topics the service consumes."""

    def project(self, event: ChangeEvent | Tombstone) -> Sequence[Change]:
        """The read-model changes one event makes. Pure; raising makes the event a dead letter."""

    def after_batch(self, connection: Connection, changes: Sequence[Change]) -> None:
        """Derive data from a batch's changes inside the batch's transaction (may be a no-op)."""


@dataclass(frozen=True)
class RuntimeSettings:
    """Where a consumer reads from and writes to."""

    bootstrap: str
    prefix: str = "wordpress"
    database: str = "wordpress"
    store_url: str = "sqlite:///content.db"
    group: str = "content"
    max_batch: int = 500
    # How long an idle poll waits; a fetch returns as soon as data arrives, so this costs no latency.
    poll_ms: int = 500

    @property
    def dead_letter_topic(self) -> str:
        return f"{self.prefix}.dead-letter.{self.group}"

    def topics(self, tables: Sequence[str]) -> list[str]:
        return [f"{self.prefix}.{self.database}.{table}" for table in tables]


@dataclass(frozen=True, slots=True)
class Position:
    """Where one event came from; stored with the changes it made."""

    topic: str
    partition: int
    offset: int


class ConsumerRuntimeError(Exception):
    """Base of the runtime's errors."""


class StoreError(ConsumerRuntimeError):
    """The read-model database refused an operation (connection, schema, transaction)."""


class BrokerError(ConsumerRuntimeError):
    """Kafka could not be reached or refused an operation."""


class ProjectionError(ConsumerRuntimeError):
    """A projection failed on one event; the event goes to the dead-letter topic."""
