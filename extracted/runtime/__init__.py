"""The consumer runtime every extracted service runs on.

Kafka consumer group (``read_committed``) → the service's pure :class:`Projection` (event → read-model
changes) → a SQLAlchemy :class:`Store` (SQLite by default, any URL). Each batch of events is applied
with the events' (topic, partition, offset) in one transaction, so redelivery is a no-op; a failing
event goes to ``<prefix>.dead-letter.<group>`` with its error and consumption continues.
:func:`rebuild` replays the topics into an emptied store. :func:`health_routes` serves ``/healthz``
and ``/metrics`` (lag in events and ms).
"""

from .applier import BatchResult, DeadLetter, Record, apply_batch
from .consumer import Consumer
from .http import health_routes
from .metrics import ConsumerState
from .rebuild import RebuildReport, rebuild
from .store import Store, open_engine
from .types import (
    BrokerError,
    Change,
    ConsumerRuntimeError,
    Delete,
    Position,
    Projection,
    ProjectionError,
    RuntimeSettings,
    StoreError,
    Truncate,
    Upsert,
)

__all__ = [
    "BatchResult",
    "BrokerError",
    "Change",
    "Consumer",
    "ConsumerRuntimeError",
    "ConsumerState",
    "DeadLetter",
    "Delete",
    "Position",
    "Projection",
    "ProjectionError",
    "RebuildReport",
    "Record",
    "RuntimeSettings",
    "Store",
    "StoreError",
    "Truncate",
    "Upsert",
    "apply_batch",
    "health_routes",
    "open_engine",
    "rebuild",
]
