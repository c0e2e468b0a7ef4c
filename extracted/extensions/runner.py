"""Running one extension: its own consumer of the event topics, its handlers, its retries and dead letters.

Each extension reads the topics of the aggregates it subscribes to with a consumer group of its own
(``<service group>.<extension>``), from its own positions in the store, so a slow or failing extension
holds back no other. Per record: the event is checked against its contract (a record that breaks it is
a dead letter), skipped when this extension handled its id before, else given to the handlers. A
handler that raises is tried again after the policy's waits; after the last attempt the event goes to
``<prefix>.dead-letter.<group>`` and the extension goes on. The position and the handled id are then
written in one transaction: a crash before it repeats that one event's handlers at most once.

Disabled (:class:`Switchboard`), the runner stops reading and keeps its place; enabled again it goes on
from there. It never stops on a failure of its own (broker, store): it reports it and retries.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, insert, select

from extracted.contracts import CloudEvent, ContractError, parse_and_validate
from extracted.runtime import Backoff, Broker, BrokerSession, DeadLetter, Record, TopicPartition
from extracted.runtime.announcing import now_ms
from extracted.runtime.consumer import unassigned_partitions
from extracted.runtime.store import begin_write

from . import schema
from .sdk import Extension, ExtensionContext

__all__ = ["ExtensionRunner", "RunnerCounters", "Switchboard"]

log = logging.getLogger(__name__)
OUTCOME_HANDLED, OUTCOME_DEAD = "handled", "dead-lettered"
#: how long a disabled runner, or one with no topic yet, waits before it looks again
IDLE_WAIT_S = 1.0
TOPIC_REFRESH_S = 5.0


class Switchboard:
    """Which extensions are enabled: the ledger's ``extension_state``, and a wake-up per change."""

    def __init__(self, engine: Engine, defaults: Mapping[str, bool]) -> None:
        self.engine = engine
        self.defaults = dict(defaults)
        self._changed: dict[str, threading.Event] = {name: threading.Event() for name in defaults}

    def enabled(self, name: str) -> bool:
        table = schema.extension_state
        with self.engine.connect() as connection:
            found = connection.execute(select(table.c.enabled).where(table.c.name == name)).scalar()
        return self.defaults.get(name, False) if found is None else bool(found)

    def set(self, name: str, enabled: bool) -> None:
        if name not in self.defaults:
            raise KeyError(name)
        table = schema.extension_state
        with begin_write(self.engine) as connection:
            connection.execute(table.delete().where(table.c.name == name))
            connection.execute(insert(table).values(name=name, enabled=enabled, changed_ms=now_ms()))
        self._changed[name].set()

    def wait_for_change(self, name: str, timeout: float) -> None:
        event = self._changed[name]
        event.wait(timeout)
        event.clear()


@dataclass
class RunnerCounters:
    """What ``health()`` reports; written by the runner's thread, read by HTTP threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    handled: int = 0
    dead_lettered: int = 0
    retries: int = 0
    lag: int = 0
    failing: str | None = None
    retrying: str | None = None
    last_handled_ms: int = 0


class ExtensionRunner:
    """One extension as a service worker (``extracted.runtime.types.Worker``)."""

    def __init__(
        self,
        extension: Extension,
        context: ExtensionContext,
        *,
        engine: Engine,
        broker: Broker,
        topics: Sequence[str],
        group: str,
        prefix: str,
        switchboard: Switchboard,
        poll_ms: int = 500,
        backoff: Backoff | None = None,
        wait: Callable[[threading.Event, float], bool] = lambda stop, seconds: stop.wait(seconds),
    ) -> None:
        self.extension = extension
        self.context = context
        self.engine = engine
        self.broker = broker
        self.topics = list(topics)
        self.group = f"{group}.{extension.name}"
        self.dead_letter_topic = f"{prefix}.dead-letter.{self.group}"
        self.switchboard = switchboard
        self.poll_ms = poll_ms
        self.backoff = backoff or Backoff(0.5, 30.0)
        self._wait = wait
        self._session: BrokerSession | None = None
        self._topics_looked_at = float("-inf")
        self._skip_below: dict[TopicPartition, int] = {}
        self.counters = RunnerCounters()

    @property
    def name(self) -> str:
        return f"extension-{self.extension.name}"

    def health(self) -> dict[str, Any]:
        with self.counters.lock:
            counters = self.counters
            return {
                "healthy": counters.failing is None,
                "enabled": self.switchboard.enabled(self.extension.name),
                "handled": counters.handled,
                "dead_lettered": counters.dead_lettered,
                "retries": counters.retries,
                "lag": counters.lag,
                "error": counters.failing,
                "retrying": counters.retrying,
                "last_handled_ms": counters.last_handled_ms,
            }

    def run(self, stop: threading.Event) -> None:
        try:
            while not stop.is_set():
                try:
                    self._iterate(stop)
                except Exception as error:  # the runner never stops on its own failure: report, wait, retry
                    self._close_session()
                    delay = self.backoff.next_delay()
                    with self.counters.lock:
                        self.counters.failing = f"{type(error).__name__}: {error}"
                    log.error("extension %s failed; retrying in %.1f s", self.extension.name, delay, exc_info=error)
                    self._wait(stop, delay)
                else:
                    self.backoff.reset()
                    with self.counters.lock:
                        self.counters.failing = None
        finally:
            self._close_session()

    def _iterate(self, stop: threading.Event) -> None:
        if not self.switchboard.enabled(self.extension.name):
            self._close_session()  # a disabled extension holds no connection, only its place
            self.switchboard.wait_for_change(self.extension.name, IDLE_WAIT_S)
            return
        if self._session is None:
            self._session = self.broker.session(self.group)
            self._topics_looked_at = float("-inf")
        session = self._session
        if time.monotonic() - self._topics_looked_at > TOPIC_REFRESH_S or not session.assignment():
            self._assign(session)
            self._topics_looked_at = time.monotonic()
            if not session.assignment():
                self._wait(stop, IDLE_WAIT_S)
                return
        for record in session.poll(self.poll_ms, 100):
            if record.offset < self._skip_below.get(TopicPartition(record.topic, record.partition), 0):
                continue  # before the extension was installed (see _assign)
            if stop.is_set() or not self._handle(record, stop):
                self._close_session()  # the rest of the batch is read again from the stored positions
                return
        with self.counters.lock:
            self.counters.lag = session.lag()

    def _assign(self, session: BrokerSession) -> None:
        added = unassigned_partitions(session, self.topics)
        if not added:
            return
        stored = self._stored_positions()
        session.assign({tp: stored.get(tp) for tp in sorted(added)})
        if not stored and not self.extension.replay_history:
            # its first round ever: it starts with the events to come; its place is stored at once, so a
            # restart does not move it (a partition that appears later is new: read from its beginning)
            ends = {tp: offset for tp, offset in session.end_offsets().items() if tp in added}
            self._skip_below.update(ends)
            self._store_positions(ends)

    def _store_positions(self, positions: Mapping[TopicPartition, int]) -> None:
        table = schema.extension_positions
        name = self.extension.name
        with begin_write(self.engine) as connection:
            for (topic, partition), offset in positions.items():
                connection.execute(insert(table).values(extension=name, topic=topic, partition=partition,
                                                        next_offset=offset))  # fmt: skip

    def _stored_positions(self) -> dict[TopicPartition, int]:
        table = schema.extension_positions
        query = select(table.c.topic, table.c.partition, table.c.next_offset).where(
            table.c.extension == self.extension.name
        )
        with self.engine.connect() as connection:
            return {TopicPartition(topic, partition): offset for topic, partition, offset in connection.execute(query)}

    def _handle(self, record: Record, stop: threading.Event) -> bool:
        """Handle one record; False when interrupted (stopped or disabled) before it was done."""
        try:
            event = parse_and_validate(record.value or b"")
        except ContractError as error:
            self._dead_letter(record, f"not a valid event: {error}")
            self._commit(record, None, OUTCOME_DEAD, 0, str(error))
            return True
        if self._handled_before(event.id):
            self._commit(record, None, "", 0, "")
            return True
        handlers = self.extension.handlers_for(event.type)
        if not handlers:
            self._commit(record, None, "", 0, "")
            return True
        outcome = self._call(handlers, event, stop)
        if outcome is None:
            return False
        attempts, failure = outcome
        if failure:
            self._dead_letter(record, failure)
        self._commit(record, event, OUTCOME_DEAD if failure else OUTCOME_HANDLED, attempts, failure)
        return True

    def _call(self, handlers: Sequence[Any], event: CloudEvent, stop: threading.Event) -> tuple[int, str] | None:
        """Every handler once, retrying from the one that failed: (attempts, last error or "") or None if
        interrupted."""
        remaining = list(handlers)
        delays = iter(self.extension.retry.delays())
        attempts = 0
        while True:
            attempts += 1
            try:
                while remaining:
                    remaining[0](event, self.context)
                    remaining.pop(0)
            except Exception as error:  # an extension's failure is the event's, never the runner's
                message = f"{type(error).__name__}: {error}"
                delay = next(delays, None)
                log.warning("extension %s failed on %s %s (attempt %d): %s", self.extension.name, event.type,
                            event.id, attempts, message, exc_info=error)  # fmt: skip
                if delay is None:
                    return attempts, message + "\n" + "".join(traceback.format_exception(error))[-2000:]
                with self.counters.lock:
                    self.counters.retries += 1
                    self.counters.retrying = f"{event.type} {event.id}: {message}"
                self._wait(stop, delay)
                if stop.is_set() or not self.switchboard.enabled(self.extension.name):
                    return None
            else:
                with self.counters.lock:
                    self.counters.retrying = None
                return attempts, ""

    def _handled_before(self, event_id: str) -> bool:
        table = schema.extension_handled
        query = select(table.c.outcome).where(table.c.extension == self.extension.name, table.c.event_id == event_id)
        with self.engine.connect() as connection:
            return connection.execute(query).first() is not None

    def _dead_letter(self, record: Record, error: str) -> None:
        self.broker.publish(self.dead_letter_topic, [DeadLetter(record, error)])  # raises: retried, not lost

    def _commit(self, record: Record, event: CloudEvent | None, outcome: str, attempts: int, error: str) -> None:
        positions, handled = schema.extension_positions, schema.extension_handled
        name = self.extension.name
        with begin_write(self.engine) as connection:
            where = (
                positions.c.extension == name,
                positions.c.topic == record.topic,
                positions.c.partition == record.partition,
            )
            connection.execute(positions.delete().where(*where))
            place = {"extension": name, "topic": record.topic, "partition": record.partition}
            connection.execute(insert(positions).values(place | {"next_offset": record.offset + 1}))
            if event is not None and outcome:
                done = {"outcome": outcome, "attempts": attempts, "handled_ms": now_ms(), "error": error}
                connection.execute(insert(handled).values(done | {"extension": name, "event_id": event.id}))
        with self.counters.lock:
            if outcome == OUTCOME_HANDLED:
                self.counters.handled += 1
                self.counters.last_handled_ms = now_ms()
            elif outcome == OUTCOME_DEAD:
                self.counters.dead_lettered += 1

    def _close_session(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            try:
                session.close()
            except Exception as error:  # closing a broken session: nothing more to do
                log.info("closing %s's session: %s", self.name, error)
