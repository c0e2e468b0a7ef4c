"""The live consumer: records fed in batches to the applier until told to stop, whatever fails.

Every replica of a service keeps a *complete* read model in its own store, so it reads every
partition of its topics: partitions are assigned explicitly (no group rebalance to wait for at
start-up, none stealing half the data from a second replica) and topics created later join within
``settings.topic_refresh_s``. Positions live in the store, next to the data; a session starts at the
stored offset + 1. Offsets are also committed under the group id, for tools that watch the group's
lag, but never trusted.

Nothing ends the loop but ``stop``. Any failure is logged with its traceback, marks the state
failing (so ``/healthz`` answers 503) and is retried after an exponential backoff, reset by the next
iteration that succeeds. A failure while reading from the broker reopens the session; a failure
while applying a batch (a store error, a projection's ``after_batch``, ``on_commit``) retries that
same batch: its transaction rolled back, positions included, so it is applied once in the end. Dead
letters are published after their batch committed, from the store's outbox (see ``dead_letters``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

from .applier import apply_batch
from .dead_letters import publish_dead_letters
from .metrics import ConsumerState
from .store import Store
from .types import Broker, BrokerSession, Projection, Record, RuntimeSettings, TopicPartition

log = logging.getLogger(__name__)
T = TypeVar("T")
LAG_REFRESH_S = 1.0
#: how long the loop waits between looks when none of its topics exists yet
IDLE_WAIT_S = 1.0


def unassigned_partitions(session: BrokerSession, topics: Sequence[str]) -> set[TopicPartition]:
    """The partitions of those of ``topics`` that exist now which ``session`` does not read yet."""
    existing = session.topics()
    wanted = {
        TopicPartition(topic, partition)
        for topic in topics
        if topic in existing
        for partition in session.partitions(topic)
    }
    return wanted - session.assignment()


class Backoff:
    """The waits after failures in a row: ``initial``, doubled each time up to ``maximum``."""

    def __init__(self, initial: float, maximum: float) -> None:
        self.initial = initial
        self.maximum = maximum
        self._next = initial

    def next_delay(self) -> float:
        delay = self._next
        self._next = min(self._next * 2, self.maximum)
        return delay

    def reset(self) -> None:
        self._next = self.initial


class Consumer:
    """Runs the group's consume → project → store loop in the calling thread.

    ``broker`` defaults to Kafka at ``settings.bootstrap`` (closed when :meth:`run` returns; an
    injected broker is the caller's to close). ``on_commit`` runs after every committed batch.
    """

    def __init__(
        self,
        settings: RuntimeSettings,
        projection: Projection,
        store: Store,
        state: ConsumerState,
        on_commit: Callable[[], None] = lambda: None,
        *,
        broker: Broker | None = None,
    ) -> None:
        self.settings = settings
        self.projection = projection
        self.store = store
        self.state = state
        self.on_commit = on_commit
        self._owns_broker = broker is None
        if broker is None:
            from .kafka_io import KafkaBroker  # the client library only where Kafka is used

            broker = KafkaBroker(settings)
        self.broker: Broker = broker
        self.backoff = Backoff(settings.retry_initial_s, settings.retry_max_s)
        self.topics = settings.subscriptions(projection)
        self._session: BrokerSession | None = None
        #: polled, not committed yet: retried as it is after a failure while applying it
        self._batch: list[Record] = []
        #: a batch committed, its on_commit not run yet
        self._commit_hook_due = False
        #: the outbox may hold dead letters (at start: what a previous process left)
        self._outbox_due = True
        self._topics_looked_at = self._lag_looked_at = float("-inf")

    def run(self, stop: threading.Event) -> None:
        """Consume until ``stop`` is set."""
        with self.state.lock:
            self.state.running = True
        try:
            while not stop.is_set():
                try:
                    self._iterate(stop)
                except Exception as error:  # whatever failed, the loop goes on: see the module's docstring
                    self._failed(error, stop)
                else:
                    self.backoff.reset()
        finally:
            with self.state.lock:
                self.state.running = False
            self._close_session()
            if self._owns_broker:
                self._quietly("closing the broker", self.broker.close)

    def _failed(self, error: Exception, stop: threading.Event) -> None:
        delay = self.backoff.next_delay()
        applying = bool(self._batch) or self._commit_hook_due
        if not applying:  # the failure came from the broker session: start a new one
            self._close_session()
        self.state.record_failure(error, delay, disconnected=not applying)
        log.error(
            "consumer %s failed (%d in a row) %s; retrying in %.1f s",
            self.settings.group,
            self.state.consecutive_failures,
            "while applying a batch" if applying else "while reading",
            delay,
            exc_info=error,
        )
        stop.wait(delay)

    def _iterate(self, stop: threading.Event) -> None:
        """One round: (re)connect, pick up new partitions, poll, apply, publish, report. Raises on failure."""
        if self._session is None:
            self._session = self.broker.session(self.settings.group)
            self._topics_looked_at = float("-inf")
        session = self._session
        if not self._batch and not self._commit_hook_due:
            if self._outbox_due:
                self._publish_dead_letters()
            if time.monotonic() - self._topics_looked_at > self.settings.topic_refresh_s or not session.assignment():
                self._assign_new_partitions(session)
                self._topics_looked_at = time.monotonic()
                if not session.assignment():  # no topic yet: nothing committed to catch up with
                    with self.state.lock:
                        self.state.caught_up_once = True
                    self.state.record_success()
                    stop.wait(min(IDLE_WAIT_S, self.settings.topic_refresh_s))
                    return
            self._batch = session.poll(self.settings.poll_ms, self.settings.max_batch)
        applied = bool(self._batch or self._commit_hook_due)
        self._apply_batch()
        if applied:
            self._commit_group_offsets(session)
        if applied or time.monotonic() - self._lag_looked_at > LAG_REFRESH_S:
            lag = session.lag()
            with self.state.lock:
                self.state.lag_events = lag
                if lag == 0:
                    self.state.caught_up_once = True
            self._lag_looked_at = time.monotonic()
        self.state.record_success()

    def _apply_batch(self) -> None:
        if self._batch:
            result = apply_batch(self.store, self.projection, self._batch)
            self._batch = []  # committed: from here on, a failure must not apply it again
            self._commit_hook_due = True
            self.state.record_batch(result)
            if result.dead:
                self._outbox_due = True
        if self._commit_hook_due:
            self.on_commit()
            self._commit_hook_due = False
            if self._outbox_due:
                self._publish_dead_letters()

    def _publish_dead_letters(self) -> None:
        """Publish the outbox; a failure is logged and counted, and retried at the next iteration."""
        try:
            published = publish_dead_letters(self.store, self.broker, self.settings.dead_letter_topic)
        except Exception as error:  # a broker or store failure: the letters stay in the outbox
            pending = self._quietly("counting pending dead letters", self.store.count_pending_dead_letters)
            self.state.record_publish_failure(error, pending or 0)
            log.error("cannot publish dead letters of %s; retrying later", self.settings.group, exc_info=error)
            return
        self._outbox_due = False
        self.state.record_published(0)
        if published:
            log.info("published %d dead letters to %s", published, self.settings.dead_letter_topic)

    def _assign_new_partitions(self, session: BrokerSession) -> None:
        """Assign every partition of the topics that exists; new ones start after their stored position."""
        added = unassigned_partitions(session, self.topics)
        if not added:
            return
        stored = self.store.stored_positions()
        session.assign({tp: stored[tp] + 1 if tp in stored else None for tp in sorted(added)})

    def _commit_group_offsets(self, session: BrokerSession) -> None:
        try:
            session.commit()
        except Exception as error:  # informational only: the store holds the real positions
            log.info("group offset commit failed: %s", error)

    def _close_session(self) -> None:
        session, self._session, self._batch = self._session, None, []  # a new session reads them again
        if session is not None:
            self._quietly("closing the broker session", session.close)

    @staticmethod
    def _quietly(what: str, operation: Callable[[], T]) -> T | None:
        try:
            return operation()
        except Exception as error:  # already failing or stopping: a failure here changes nothing
            log.warning("%s: %s", what, error)
            return None
