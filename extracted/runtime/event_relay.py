"""The outbox relay: a service's domain events from its store to Kafka, exactly once.

Events go out in outbox order, a batch per Kafka transaction (``transactional.id`` per service, so a
restarted relay fences the old one), each record carrying its outbox sequence in a header. They leave
the outbox after the commit. A relay killed between the commit and that deletion finds, when it
starts, the highest sequence its topics hold (read back with ``read_committed``) and forgets those
events instead of sending them again. A failure is retried with backoff, and the relay reconciles
again before sending (a commit that timed out may have landed). Consumers still dedupe by event id:
the contract allows redelivery, and a replayed topic redelivers.

The relay is a service :class:`~extracted.runtime.types.Worker` (``name`` ``relay``): healthy once it
has reconciled with Kafka and while it is not failing; ``pending`` is the outbox's depth.

Fault injection for the live crash tests only (never set otherwise): ``STRANGLER_TEST_RELAY_FAULT=hold``
keeps every event in the outbox (``held`` in the health), ``die-after-publish`` kills the process with
SIGKILL right after Kafka committed a batch, before the outbox forgets it.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from .event_outbox import EventOutbox, OutboxEvent
from .store import begin_write
from .types import ConfigurationError, ConsumerRuntimeError

__all__ = ["SEQUENCE_HEADER", "EventSink", "OutboxRelay", "RelayState"]

log = logging.getLogger(__name__)
SEQUENCE_HEADER = "strangler-outbox-sequence"
BATCH = 200
FAULT_VARIABLE = "STRANGLER_TEST_RELAY_FAULT"
FAULTS = ("", "hold", "die-after-publish")


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
    #: it has read back what Kafka holds since it (re)started: publishing may begin
    ready: bool = False
    failing: bool = False
    #: events kept back by the ``hold`` fault
    held: int = 0
    last_error: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)


class OutboxRelay:
    """Publishes the outbox until stopped; :meth:`wake` after a commit that added events."""

    name = "relay"

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
        fault: str | None = None,
    ) -> None:
        self.engine, self.outbox, self.sink, self.topics = engine, outbox, sink, list(topics)
        self.idle_s, self.retry_initial_s, self.retry_max_s = idle_s, retry_initial_s, retry_max_s
        self.fault = os.environ.get(FAULT_VARIABLE, "") if fault is None else fault
        if self.fault not in FAULTS:
            raise ConfigurationError(f"{FAULT_VARIABLE}={self.fault!r}: expected one of {FAULTS[1:]}")
        self.state = RelayState()
        self._wake = threading.Event()

    def wake(self) -> None:
        self._wake.set()

    def health(self) -> dict[str, Any]:
        try:
            with self.engine.connect() as connection:
                pending: int | None = self.outbox.count(connection)
        except (SQLAlchemyError, ConsumerRuntimeError):
            pending = None  # the store is busy or gone: the consumer's health says which
        with self.state.lock:
            state = self.state
            document: dict[str, Any] = {
                "healthy": state.ready and not state.failing,
                "ready": state.ready,
                "failing": state.failing,
                "published": state.published,
                "reconciled": state.reconciled,
                "pending": pending,
                "last_error": state.last_error,
            }
            if self.fault:
                document |= {"fault": self.fault, "held": state.held}
        return document

    def run(self, stop: threading.Event) -> None:
        delay = self.retry_initial_s
        reconciled = False
        try:
            while not stop.is_set():
                try:
                    if not reconciled:
                        self._reconcile()
                        reconciled = True
                        with self.state.lock:
                            self.state.ready = True
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
        with begin_write(self.engine) as connection:
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
        if self.fault == "hold":
            with self.state.lock:
                self.state.held = len(events)
            return 0
        self.sink.publish(events)
        if self.fault == "die-after-publish":  # on Kafka, still in the outbox: what a restart must reconcile
            log.warning("event relay: %s: killing the process after publishing %d events", FAULT_VARIABLE,
                        len(events))  # fmt: skip
            os.kill(os.getpid(), signal.SIGKILL)
        with begin_write(self.engine) as connection:
            self.outbox.forget_through(connection, events[-1].sequence)
        with self.state.lock:
            self.state.published += len(events)
        return len(events)
