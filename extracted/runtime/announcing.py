"""Announcing: aggregates whose changes settled → domain events in the outbox, with what was announced.

A service that derives domain events from the state row changes leave (WordPress writes one logical
change as several autocommit statements) keeps a *pending* table: one row per aggregate with
unannounced changes (its key, then ``first_change_ms`` and ``last_change_ms``). The service's
:class:`AnnouncementRules` decide, for one pending aggregate and the current time, whether it is
ready and which events it makes (recording, in the same connection, what consumers are now told).

A round (:meth:`Announcer.announce_due`) does that for every pending aggregate in one store
transaction with the events' outbox rows and the drop of the pending rows: a crash before the commit
announces nothing, after it everything, never twice. An aggregate whose changes went on arriving while
the round ran stays pending (its drop is conditional on the change time it read) and is looked at again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy import Connection, Engine, Table, and_, delete, select
from sqlalchemy.exc import SQLAlchemyError

from extracted.contracts import deterministic_id, format_time, kafka_key, new_event, validate

from .event_outbox import EventOutbox, OutboxEvent
from .store import begin_write

__all__ = ["AnnouncementRules", "Announcer", "Decision", "DerivedEvent", "Pending", "RoundRules", "domain_event",
           "now_ms"]  # fmt: skip

log = logging.getLogger(__name__)


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass(frozen=True)
class Pending:
    """An aggregate with changes not yet announced: when the first and the last of them arrived."""

    first_change_ms: int
    last_change_ms: int


def domain_event(
    topic: str, source: str, *, event_type: str, subject: int, version: int, data: Mapping[str, object], now_ms: int
) -> OutboxEvent:
    """The CloudEvent of one derived change, checked against its contract, as the outbox keeps it.

    Its id is the aggregate's id, its event number (``version``) and the type: whoever derives the
    same event (an announcer from row changes, a service's own write in its transaction) names it
    alike, so consumers dedupe it."""
    event_id = deterministic_id(source, str(subject), str(version), event_type)
    moment = datetime.fromtimestamp(now_ms / 1000, UTC)
    event = new_event(event_type, str(subject), dict(data), source=source, id=event_id, time=format_time(moment))
    validate(event)  # a producer never publishes what its own contract refuses
    return OutboxEvent(topic, kafka_key(event), event.to_json(), event.id)


@dataclass(frozen=True)
class DerivedEvent:
    """An event a derivation decided on: its type, its aggregate's id (the subject), its data, and the
    aggregate's event number (``version``: with the id and the type it names the event, for dedupe)."""

    type: str
    subject: int
    data: dict[str, object]
    version: int

    def outbox_event(self, topic: str, source: str, now_ms: int) -> OutboxEvent:
        """The outbox's copy (:func:`domain_event`)."""
        return domain_event(topic, source, event_type=self.type, subject=self.subject, version=self.version,
                            data=self.data, now_ms=now_ms)  # fmt: skip


AnnouncedState = TypeVar("AnnouncedState")


@dataclass(frozen=True)
class Decision(Generic[AnnouncedState]):
    """A derivation's verdict on one aggregate: ``ready`` False: wait (nothing changes). Else publish
    ``events`` and remember ``announced`` (what consumers know now; None: forget the aggregate)."""

    ready: bool
    events: tuple[DerivedEvent, ...] = ()
    announced: AnnouncedState | None = None


#: one round's decision for one aggregate: None while it is not ready, else its events (maybe none)
RoundRules = Callable[[Connection, int, Pending, int], Sequence[OutboxEvent] | None]


class AnnouncementRules(Protocol):
    """What a service announces, and from which pending table."""

    @property
    def pending(self) -> Table:
        """The pending aggregates: the key column first, then ``first_change_ms`` and ``last_change_ms``."""

    def round(self, connection: Connection) -> RoundRules:
        """The decision for this round (what is read once per round, such as the site's roles, is read here).

        Called with ``(connection, key, pending, now_ms)``; when it returns events it has also
        recorded, in that connection, what consumers are told from now on."""


class Announcer:
    """Runs announcement rounds until stopped; ``on_events`` after a round that wrote events.

    A service worker (``extracted.runtime.types.Worker``) named ``announcer``.
    """

    name = "announcer"

    def __init__(
        self,
        engine: Engine,
        rules: AnnouncementRules,
        outbox: EventOutbox,
        *,
        interval_s: float = 0.05,
        clock: Callable[[], int] = now_ms,
        on_events: Callable[[], None] = lambda: None,
    ) -> None:
        self.engine, self.rules, self.outbox = engine, rules, outbox
        self.interval_s, self.clock, self.on_events = interval_s, clock, on_events
        self.failing, self.last_error, self.announced_events = False, "", 0

    def announce_due(self) -> int:
        """One round; returns how many events it wrote to the outbox."""
        written = 0
        table = self.rules.pending
        key_column = table.columns[0]
        with begin_write(self.engine) as connection:
            now = self.clock()
            decide = self.rules.round(connection)
            for row in connection.execute(select(table)).all():
                key = row[0]
                events = decide(connection, key, Pending(row.first_change_ms, row.last_change_ms), now)
                if events is None:
                    continue
                self.outbox.append(connection, events, now)
                same = and_(key_column == key, table.c.last_change_ms == row.last_change_ms)
                connection.execute(delete(table).where(same))
                written += len(events)
        if written:
            self.announced_events += written
            self.on_events()
        return written

    def pending_count(self) -> int:
        with self.engine.connect() as connection:
            return len(connection.execute(select(self.rules.pending.columns[0])).all())

    def run(self, stop: threading.Event) -> None:
        delay = self.interval_s
        while not stop.is_set():
            try:
                self.announce_due()
                self.failing, delay = False, self.interval_s
            except (SQLAlchemyError, ValueError) as error:  # a busy store, a contract refusal: log, retry
                log.warning("announcer: %s; retrying", error)
                self.failing, self.last_error = True, f"{type(error).__name__}: {error}"
                delay = min(max(delay * 2, 0.2), 10.0)
            stop.wait(delay)

    def health(self) -> dict[str, Any]:
        try:
            pending: int | None = self.pending_count()
        except SQLAlchemyError:
            pending = None
        return {
            "healthy": not self.failing,
            "failing": self.failing,
            "last_error": self.last_error,
            "announced_events": self.announced_events,
            "pending": pending,
        }
