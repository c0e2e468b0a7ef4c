"""The consumer runtime's contract: read-model changes, projections, the broker, settings and errors.

A service is a :class:`Projection`: pure functions from change events to :data:`Change` values, plus a
hook that derives data (e.g. rendered HTML) from what a batch changed, inside the same transaction.
An :class:`EventProjection` also consumes other services' domain events (``<prefix>.events.<aggregate>``,
CloudEvents checked against their contract), e.g. the users service's instead of WordPress's user tables.
The consumer reads through a :class:`Broker` (Kafka in ``kafka_io``, in memory in ``memory``): only
these protocols and :class:`Record` cross that boundary, and every broker failure is a :class:`BrokerError`.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol, runtime_checkable

from sqlalchemy import Connection, MetaData

from cdc.events import ChangeEvent, Tombstone
from extracted.contracts import CloudEvent, events_topic

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
class Update:
    """Set ``values`` on the row with ``key`` in ``table``, keeping its other columns (nothing when absent).

    For events that carry only what changed (``user.profile_updated``): an :class:`Upsert` would reset
    the columns the event does not name.
    """

    table: str
    key: Values
    values: Values


@dataclass(frozen=True, slots=True)
class Truncate:
    """Delete every row of ``table`` (the source table was truncated)."""

    table: str


Change = Upsert | Update | Delete | Truncate


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


@runtime_checkable
class EventProjection(Projection, Protocol):
    """A projection that also consumes domain events; a plain :class:`Projection` consumes none.

    The runtime reads ``events_topic(prefix, aggregate)`` for each of :meth:`source_events`, checks every
    record against the event contract (``extracted.contracts.parse_and_validate``: a record that breaks
    it is a dead letter) and applies each event id once (``Store.consumed``), however often it arrives.
    """

    def source_events(self) -> Sequence[str]:
        """The aggregates (e.g. ``users``) whose domain-event topics the service consumes."""

    def project_event(self, event: CloudEvent) -> Sequence[Change]:
        """The read-model changes one valid event makes. Pure; raising makes the event a dead letter."""


def source_events(projection: Projection) -> tuple[str, ...]:
    """The aggregates ``projection`` consumes the events of (none for a plain :class:`Projection`)."""
    return tuple(projection.source_events()) if isinstance(projection, EventProjection) else ()


@dataclass(frozen=True)
class RuntimeSettings:
    """Where a consumer reads from and writes to, and how it paces itself.

    ``group`` and ``store_url`` have no defaults: they are the service's own (the command line
    derives them from the service's name, see ``cli``).
    """

    bootstrap: str
    group: str
    store_url: str
    prefix: str = "wordpress"
    database: str = "wordpress"
    max_batch: int = 500
    # How long an idle poll waits; a fetch returns as soon as data arrives, so this costs no latency.
    poll_ms: int = 500
    #: how often the consumer looks for topics and partitions created since it started
    topic_refresh_s: float = 5.0
    #: the first wait after a failure; it doubles with each failure in a row, up to ``retry_max_s``
    retry_initial_s: float = 0.5
    retry_max_s: float = 30.0
    #: how many partitions the topics this service creates get (its domain-event topics); each
    #: record's key (the aggregate id) picks its partition, so one aggregate's events keep their order.
    #: The stack passes the same count to the CDC connector for the row topics (``cli.stack.settings``).
    topic_partitions: int = 1
    #: a JSON file of the service's own settings (``--settings``; e.g. the users service's legacy
    #: database and SMTP server), read and validated by the service; "" when none was given
    settings_file: str = ""

    @property
    def dead_letter_topic(self) -> str:
        return f"{self.prefix}.dead-letter.{self.group}"

    def topics(self, tables: Sequence[str]) -> list[str]:
        return [f"{self.prefix}.{self.database}.{table}" for table in tables]

    def event_topics(self, aggregates: Sequence[str]) -> list[str]:
        return [events_topic(self.prefix, aggregate) for aggregate in aggregates]

    def subscriptions(self, projection: Projection) -> list[str]:
        """Every topic ``projection`` consumes: its tables' change events, then its domain events."""
        return self.topics(projection.source_tables()) + self.event_topics(source_events(projection))


@dataclass(frozen=True, slots=True)
class Position:
    """Where one event came from; stored with the changes it made."""

    topic: str
    partition: int
    offset: int


class TopicPartition(NamedTuple):
    """One partition of a topic (a plain tuple, so it is also a key of ``Store.stored_positions``)."""

    topic: str
    partition: int


@dataclass(frozen=True, slots=True)
class Record:
    """One record of a topic, independent of the client library."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    timestamp_ms: int = 0

    @property
    def position(self) -> Position:
        return Position(self.topic, self.partition, self.offset)


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A record no projection could apply, and why."""

    record: Record
    error: str


class BrokerSession(Protocol):
    """One connection's view of the topics: what the consume loop reads through.

    Partitions are assigned explicitly (no group rebalancing); the session's own group offsets are
    informational only, the store holds the positions that count.
    """

    def topics(self) -> set[str]:
        """The topics that exist now."""

    def partitions(self, topic: str) -> list[int]:
        """The partitions of ``topic`` (empty when it does not exist)."""

    def assignment(self) -> set[TopicPartition]:
        """The partitions this session reads."""

    def assign(self, starts: Mapping[TopicPartition, int | None]) -> None:
        """Also read these partitions, each from the given offset (``None``: from the beginning)."""

    def poll(self, timeout_ms: int, max_records: int) -> list[Record]:
        """Up to ``max_records`` committed records, in a deterministic order; waits up to ``timeout_ms``."""

    def positions(self) -> dict[TopicPartition, int]:
        """The next offset this session will read, per assigned partition."""

    def end_offsets(self) -> dict[TopicPartition, int]:
        """The offset after the last committed record, per assigned partition."""

    def lag(self) -> int:
        """Committed records not read yet, summed over the assigned partitions."""

    def commit(self) -> None:
        """Record the session's positions as the group's offsets (for tools that watch the group)."""

    def close(self) -> None:
        """Release the connection; the session is unusable afterwards."""


class Broker(Protocol):
    """Opens sessions and publishes dead letters; shared by every session of a process."""

    def session(self, group: str | None) -> BrokerSession:
        """A new session; ``group`` names the consumer group its informational offsets go to."""

    def publish(self, topic: str, letters: Sequence[DeadLetter]) -> None:
        """Send ``letters`` to ``topic`` and wait until the broker has them all (or raise)."""

    def close(self) -> None:
        """Release the broker's own connections (the publisher's)."""


class Worker(Protocol):
    """A service's background task (e.g. an outbox relay), run by ``serve`` in a thread of its own.

    ``run`` works until ``stop`` is set and then returns promptly; it retries its own failures (and
    reports them in ``health``) rather than raise: a worker whose thread ends otherwise makes the
    service unhealthy. ``health`` is called from the HTTP threads: JSON values, with ``healthy`` (a
    bool; False makes ``/healthz`` 503); its numeric fields are also exposed on ``/metrics``.
    """

    @property
    def name(self) -> str:
        """Unique within the service: the key of its health and the ``worker`` label of its metrics."""

    def run(self, stop: threading.Event) -> None: ...

    def health(self) -> Mapping[str, Any]: ...


class ConsumerRuntimeError(Exception):
    """Base of the runtime's errors."""


class StoreError(ConsumerRuntimeError):
    """The read-model database refused an operation (connection, schema, transaction)."""


class BrokerError(ConsumerRuntimeError):
    """The broker could not be reached or refused an operation."""


class ConfigurationError(ConsumerRuntimeError):
    """A service was started with unusable settings."""


class ProjectionError(ConsumerRuntimeError):
    """A projection failed on one event; the event goes to the dead-letter topic."""
