"""The outbox relay: a service's domain events from its store to Kafka, exactly once.

Events go out in outbox order, a batch per Kafka transaction (``transactional.id`` per service, so a
restarted relay fences the old one), each record carrying its outbox sequence in a header. They leave
the outbox after the commit. A relay killed between the commit and that deletion finds, when it
starts, the highest sequence its topics hold (read back with ``read_committed``) and forgets those
events instead of sending them again. A failure is retried with backoff, and the relay reconciles
again before sending (a commit that timed out may have landed). Consumers still dedupe by event id:
the contract allows redelivery, and a replayed topic redelivers.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import Engine

from .event_outbox import EventOutbox, OutboxEvent
from .types import ConsumerRuntimeError

__all__ = ["SEQUENCE_HEADER", "EventSink", "OutboxRelay", "RelayState"]

log = logging.getLogger(__name__)
SEQUENCE_HEADER = "strangler-outbox-sequence"
BATCH = 200


class EventSink(Protocol):
    """Where the relay publishes (Kafka in ``event_kafka``; a list in tests)."""

    def published_through(self, topics: Sequence[str]) -> int:
        """The highest outbox sequence committed to ``topics`` by this service (0: none)."""

    def publish(self, events: Sequence[OutboxEvent]) -> None:
        """Publish ``events`` atomically (all or none), each with its sequence in :data:`SEQUENCE_HEADER`."""

    def close(self) -> None: ...


@dataclass
class RelayState:
    """What health and metrics show of the relay."""

    published: int = 0
    reconciled: int = 0  #: events found already published at a (re)start: not sent again
    failing: bool = False
    last_error: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)


class OutboxRelay:
    """Publishes the outbox until stopped; :meth:`wake` after a commit that added events."""

    def __init__(
        self,
        engine: Engine,
        outbox: EventOutbox,
        sink: EventSink,
        topics: Sequence[str],
        *,
        idle_s: float = 0.5,
        retry_initial_s: float = 0.2,
        retry_max_s: float = 10.0,
    ) -> None:
        self.engine, self.outbox, self.sink, self.topics = engine, outbox, sink, list(topics)
        self.idle_s, self.retry_initial_s, self.retry_max_s = idle_s, retry_initial_s, retry_max_s
        self.state = RelayState()
        self._wake = threading.Event()

    def wake(self) -> None:
        self._wake.set()

    def run(self, stop: threading.Event) -> None:
        delay = self.retry_initial_s
        reconciled = False
        try:
            while not stop.is_set():
                try:
                    if not reconciled:
                        self._reconcile()
                        reconciled = True
                    if not self.publish_pending():
                        self._wake.wait(self.idle_s)
                        self._wake.clear()
                    delay = self.retry_initial_s
                    with self.state.lock:
                        self.state.failing = False
                except (ConsumerRuntimeError, OSError) as error:
                    log.warning("event relay: %s; retrying in %.1f s", error, delay)
                    with self.state.lock:
                        self.state.failing, self.state.last_error = True, str(error)
                    reconciled = False  # a commit that failed late may have landed: look again
                    stop.wait(delay)
                    delay = min(delay * 2, self.retry_max_s)
        finally:
            self.sink.close()

    def _reconcile(self) -> None:
        through = self.sink.published_through(self.topics)
        if through <= 0:
            return
        with self.engine.begin() as connection:
            already = self.outbox.forget_through(connection, through)
        if already:
            log.info("event relay: %d events were published before the restart; not sending them again", already)
        with self.state.lock:
            self.state.reconciled += already

    def publish_pending(self) -> int:
        """One batch: publish what the outbox holds, then forget it. Returns how many were published."""
        with self.engine.connect() as connection:
            events = self.outbox.pending(connection, BATCH)
        if not events:
            return 0
        self.sink.publish(events)
        with self.engine.begin() as connection:
            self.outbox.forget_through(connection, events[-1].sequence)
        with self.state.lock:
            self.state.published += len(events)
        return len(events)
