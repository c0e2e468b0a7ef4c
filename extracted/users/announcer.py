"""The users service's announcements: pending users → ``user.*`` events (``extracted.runtime.announcing``).

Each round asks :func:`derivation.decide` about every pending user with the current time; a user
that is ready gets its events (CloudEvents, checked against their schemas) in the outbox and its new
:class:`Announced` state recorded, in the round's transaction (the kit's :class:`Announcer`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from sqlalchemy import Connection, Engine, delete, insert, select

from extracted.contracts import events_topic
from extracted.formatting.phpdata import UnserializeError, php_unserialize
from extracted.runtime.announcing import Announcer as KitAnnouncer
from extracted.runtime.announcing import Pending, RoundRules, now_ms
from extracted.runtime.event_outbox import OutboxEvent

from . import schema
from .derivation import DEFAULT_ROLES, Announced, DerivedEvent, UserState, decide

__all__ = ["Announcer", "UsersAnnouncement", "known_roles", "outbox_event", "remember"]

log = logging.getLogger(__name__)
SOURCE = "/strangler/users"


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
    """The outbox's copy of ``derived`` (:func:`~extracted.runtime.announcing.domain_event`)."""
    return derived.outbox_event(topic, SOURCE, now_ms)


class UsersAnnouncement:
    """The users service's :class:`~extracted.runtime.announcing.AnnouncementRules`: :func:`derivation.decide`."""

    pending = schema.pending

    def __init__(self, prefix: str, *, settle_ms: int, wait_ms: int) -> None:
        self.topic, self.settle_ms, self.wait_ms = events_topic(prefix, "users"), settle_ms, wait_ms

    def round(self, connection: Connection) -> RoundRules:
        roles = known_roles(connection)

        def decide_user(connection: Connection, user_id: int, pending: Pending, now: int) -> list[OutboxEvent] | None:
            user, announced = _state(connection, user_id), _announced(connection, user_id)
            decision = decide(
                user_id,
                user,
                announced,
                pending,
                now,
                settle_ms=self.settle_ms,
                wait_ms=self.wait_ms,
                known_roles=roles,
            )
            if not decision.ready:
                return None
            remember(connection, user_id, decision.announced)
            return [outbox_event(self.topic, derived, now) for derived in decision.events]

        return decide_user


class Announcer(KitAnnouncer):
    """The users service's announcer (a worker named ``announcer``): pending users → ``user.*`` events."""

    def __init__(
        self,
        engine: Engine,
        prefix: str,
        *,
        # 250 ms, as for posts: WordPress writes a profile's fields as separate statements with PHP work
        # between them, and under load a shorter window announced one edit as two events
        settle_ms: int = 250,
        wait_ms: int = 10_000,  # only for users written without wp_capabilities (not by wp_insert_user)
        interval_s: float = 0.05,
        clock: Callable[[], int] = now_ms,
        on_events: Callable[[], None] = lambda: None,
    ) -> None:
        rules = UsersAnnouncement(prefix, settle_ms=settle_ms, wait_ms=wait_ms)
        super().__init__(engine, rules, schema.outbox, interval_s=interval_s, clock=clock, on_events=on_events)
