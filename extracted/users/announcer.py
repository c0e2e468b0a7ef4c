"""The announcer: pending users → domain events in the outbox, with what was announced, in one transaction.

A round reads every pending user, asks :func:`derivation.decide` with the current time, and for each
user that is ready writes the events (CloudEvents, checked against their schemas) to the outbox,
records the new :class:`Announced` state and drops the user from ``pending``, all committed together:
a crash before the commit announces nothing, after it everything, never twice. A user whose changes
went on arriving while the round ran stays pending (its drop is conditional on the change time it
read) and is looked at again.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, and_, delete, insert, select
from sqlalchemy.exc import SQLAlchemyError

from extracted.contracts import deterministic_id, events_topic, format_time, kafka_key, new_event, validate
from extracted.formatting.phpdata import UnserializeError, php_unserialize
from extracted.runtime import begin_write
from extracted.runtime.event_outbox import OutboxEvent

from . import schema
from .derivation import DEFAULT_ROLES, Announced, DerivedEvent, Pending, UserState, decide

__all__ = ["Announcer", "known_roles", "outbox_event", "remember"]

log = logging.getLogger(__name__)
SOURCE = "/strangler/users"


def _now_ms() -> int:
    return int(time.time() * 1000)


def known_roles(connection: Connection) -> frozenset[str]:
    options = schema.options
    raw = connection.execute(select(options.c.value).where(options.c.name == "wp_user_roles")).scalar()
    try:
        roles = php_unserialize(raw) if raw else None
    except UnserializeError:
        roles = None
    return frozenset(str(key) for key in roles) if isinstance(roles, dict) and roles else DEFAULT_ROLES


def _state(connection: Connection, user_id: int) -> UserState | None:
    row = connection.execute(select(schema.users).where(schema.users.c.id == user_id)).first()
    if row is None:
        return None
    meta: dict[str, str] = {}
    found = connection.execute(
        select(schema.user_meta.c.key, schema.user_meta.c.value)
        .where(schema.user_meta.c.user_id == user_id)
        .order_by(schema.user_meta.c.umeta_id.desc())  # the first row of a key wins, as get_user_meta(…, true)
    )
    for key, value in found:
        meta[key] = value
    return UserState(row.id, row.login, row.nicename, row.email, row.url, row.display_name, row.registered_ms, meta)


def _announced(connection: Connection, user_id: int) -> Announced | None:
    table = schema.announced
    row = connection.execute(select(table).where(table.c.user_id == user_id)).first()
    return Announced(json.loads(row.profile), tuple(json.loads(row.roles)), row.version) if row else None


def remember(connection: Connection, user_id: int, announced: Announced | None) -> None:
    """Record what consumers were told about ``user_id`` (None: nothing, the user is gone)."""
    table = schema.announced
    connection.execute(delete(table).where(table.c.user_id == user_id))
    if announced is not None:
        values = {"profile": json.dumps(dict(announced.profile)), "roles": json.dumps(list(announced.roles))}
        connection.execute(insert(table).values(user_id=user_id, version=announced.version, **values))


def outbox_event(topic: str, derived: DerivedEvent, now_ms: int) -> OutboxEvent:
    """The CloudEvent of ``derived``, checked against its contract, as the outbox keeps it. Its id is
    the user's id, event number and type: whoever derives the same event (the announcer from row
    changes, registration from its own transaction) names it alike."""
    event_id = deterministic_id(SOURCE, str(derived.user_id), str(derived.version), derived.type)
    moment = datetime.fromtimestamp(now_ms / 1000, UTC)
    event = new_event(
        derived.type, str(derived.user_id), derived.data, source=SOURCE, id=event_id, time=format_time(moment)
    )
    validate(event)  # a producer never publishes what its own contract refuses
    return OutboxEvent(topic, kafka_key(event), event.to_json(), event.id)


class Announcer:
    """Runs announcement rounds until stopped; ``on_events`` after a round that wrote events.

    A service worker (``extracted.runtime.types.Worker``) of the users service, named ``announcer``.
    """

    name = "announcer"

    def __init__(
        self,
        engine: Engine,
        prefix: str,
        *,
        settle_ms: int = 60,
        wait_ms: int = 2000,
        interval_s: float = 0.05,
        clock: Callable[[], int] = _now_ms,
        on_events: Callable[[], None] = lambda: None,
    ) -> None:
        self.engine, self.topic = engine, events_topic(prefix, "users")
        self.settle_ms, self.wait_ms, self.interval_s = settle_ms, wait_ms, interval_s
        self.clock, self.on_events = clock, on_events
        self.failing, self.last_error, self.announced_events = False, "", 0

    def announce_due(self) -> int:
        """One round; returns how many events it wrote to the outbox."""
        written = 0
        with begin_write(self.engine) as connection:
            now = self.clock()
            roles = known_roles(connection)
            table = schema.pending
            for row in connection.execute(select(table)).all():
                pending = Pending(row.first_change_ms, row.last_change_ms)
                user, announced = _state(connection, row.user_id), _announced(connection, row.user_id)
                decision = decide(
                    row.user_id, user, announced, pending, now,
                    settle_ms=self.settle_ms, wait_ms=self.wait_ms, known_roles=roles,
                )  # fmt: skip
                if not decision.ready:
                    continue
                events = [outbox_event(self.topic, derived, now) for derived in decision.events]
                schema.outbox.append(connection, events, now)
                remember(connection, row.user_id, decision.announced)
                same = and_(table.c.user_id == row.user_id, table.c.last_change_ms == row.last_change_ms)
                connection.execute(delete(table).where(same))
                written += len(events)
        if written:
            self.announced_events += written
            self.on_events()
        return written

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
        return {
            "healthy": not self.failing,
            "failing": self.failing,
            "last_error": self.last_error,
            "announced_events": self.announced_events,
        }
