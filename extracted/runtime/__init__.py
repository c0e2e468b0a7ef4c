"""The service kit every extracted service runs on.

A broker (:class:`Broker`: Kafka ``read_committed`` in ``kafka_io``, :class:`InMemoryBroker` for
tests) → the service's pure :class:`Projection` (event → read-model changes) → a SQLAlchemy
:class:`Store` (SQLite by default, any URL). An :class:`EventProjection` also consumes other services'
domain events (``source_events``: aggregates, read from ``<prefix>.events.<aggregate>``), each checked
against its contract (a record that breaks it is a dead letter) and applied once per event id.
Each batch of events is applied with the events' (topic, partition, offset) in one transaction, so
redelivery is a no-op; a failing event becomes a dead letter, kept in the store's outbox in that
transaction and published to ``<prefix>.dead-letter.<group>`` after the commit, and consumption
continues. The :class:`Consumer` never stops on a failure: it logs it, reports itself failing (``/healthz`` 503)
and retries with an exponential backoff. :func:`rebuild` replays the topics into an emptied store.
:func:`health_routes` serves ``/healthz`` and ``/metrics``.

A service is a :class:`ServiceDefinition` (``service``); :func:`serve` runs it (consumer thread +
uvicorn, plus a thread per background :class:`Worker`, see ``workers``) and
``extracted.runtime.cli.main(definition)`` is its whole command line. ``serve --read-only`` runs a
replica on a store another process of the service writes (``follower``: a shared PostgreSQL read model).
"""

from .applier import BatchResult, apply_batch
from .consumer import Backoff, Consumer
from .dead_letters import publish_dead_letters
from .http import health_routes
from .memory import InMemoryBroker, InMemorySession
from .metrics import ConsumerState
from .rebuild import RebuildReport, rebuild
from .service import ServiceDefinition, ServiceSettings, rebuild_service, serve
from .store import Store, begin_write, ledger_table, open_engine
from .types import (
    Broker,
    BrokerError,
    BrokerSession,
    Change,
    ConfigurationError,
    ConsumerRuntimeError,
    DeadLetter,
    Delete,
    EventProjection,
    Position,
    Projection,
    ProjectionError,
    Record,
    RuntimeSettings,
    StoreError,
    TopicPartition,
    Truncate,
    Update,
    Upsert,
    Worker,
    source_events,
)
from .workers import WorkerPool

__all__ = [
    "Backoff",
    "BatchResult",
    "Broker",
    "BrokerError",
    "BrokerSession",
    "Change",
    "ConfigurationError",
    "Consumer",
    "ConsumerRuntimeError",
    "ConsumerState",
    "DeadLetter",
    "Delete",
    "EventProjection",
    "InMemoryBroker",
    "InMemorySession",
    "Position",
    "Projection",
    "ProjectionError",
    "RebuildReport",
    "Record",
    "RuntimeSettings",
    "ServiceDefinition",
    "ServiceSettings",
    "Store",
    "StoreError",
    "TopicPartition",
    "Truncate",
    "Update",
    "Upsert",
    "Worker",
    "WorkerPool",
    "apply_batch",
    "begin_write",
    "health_routes",
    "ledger_table",
    "open_engine",
    "publish_dead_letters",
    "rebuild",
    "rebuild_service",
    "serve",
    "source_events",
]
