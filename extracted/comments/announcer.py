"""The comments service's announcements: changed comments → ``comment.*`` events (``extracted.runtime.announcing``).

The projection's batches mark every comment they changed as pending (:func:`mark_pending`); each
round asks :func:`derivation.decide` about the pending comments, and a settled one gets its events
(CloudEvents checked against their schemas) in the outbox and its new :class:`Announced` state, in
the round's transaction (the kit's :class:`~extracted.runtime.announcing.Announcer`). A comment the
service took itself was announced when it was recorded: the CDC echo of its legacy sync finds the
same state and announces nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from extracted.contracts import events_topic
from extracted.runtime import Change, Truncate
from extracted.runtime.announcing import Announcer as KitAnnouncer
from extracted.runtime.announcing import Pending, RoundRules, now_ms
from extracted.runtime.event_outbox import OutboxEvent

from . import records, schema
from .derivation import FIELDS, Announced, CommentState, DerivedEvent, decide

__all__ = ["SOURCE", "Announcer", "CommentsAnnouncement", "comment_state", "mark_pending", "outbox_event",
           "remember"]  # fmt: skip

SOURCE = "/strangler/comments"
AGGREGATE = "comments"


def _local(value: str) -> str:
    """A stored DATETIME (``schema``: as MariaDB shows it) as the events write it (``YYYY-MM-DDTHH:MM:SS``)."""
    return value[:10] + "T" + value[11:19]


def event_fields(row: Any) -> dict[str, object]:
    """A ``schema.comments`` row in the events' terms (:data:`derivation.FIELDS`)."""
    fields: dict[str, object] = {
        "post": int(row.post_id), "parent": int(row.parent), "user_id": int(row.user_id),
        "author_name": row.author, "author_email": row.author_email, "author_url": row.author_url,
        "author_ip": row.author_ip, "date": _local(row.date), "date_gmt": _local(row.date_gmt) + "Z",
        "content": row.content, "type": row.type or "comment", "karma": int(row.karma), "agent": row.agent,
    }  # fmt: skip
    assert tuple(fields) == FIELDS
    return fields


def comment_state(connection: Connection, comment_id: int) -> CommentState | None:
    row = connection.execute(select(schema.comments).where(schema.comments.c.id == comment_id)).first()
    return None if row is None else CommentState(int(row.id), event_fields(row), str(row.approved))


def _announced(connection: Connection, comment_id: int) -> Announced | None:
    table = records.announced
    row = connection.execute(select(table).where(table.c.comment_id == comment_id)).first()
    return Announced(json.loads(row.fields), row.status, row.version) if row else None


def remember(connection: Connection, comment_id: int, announced: Announced | None) -> None:
    """Record what consumers were told about ``comment_id`` (None: nothing, the comment is gone)."""
    table = records.announced
    connection.execute(delete(table).where(table.c.comment_id == comment_id))
    if announced is not None:
        values = {"fields": json.dumps(dict(announced.fields)), "status": announced.status}
        connection.execute(insert(table).values(comment_id=comment_id, version=announced.version, **values))


def outbox_event(topic: str, derived: DerivedEvent, now: int) -> OutboxEvent:
    """The outbox's copy of ``derived`` (:func:`~extracted.runtime.announcing.domain_event`)."""
    return derived.outbox_event(topic, SOURCE, now)


def raise_high_water(connection: Connection, comment_id: int) -> None:
    """Remember the highest comment id seen, deleted or not (the service never hands it out again)."""
    table = records.id_high_water
    known = connection.execute(select(table.c.max_comment_id).where(table.c.id == 1)).scalar()
    if known is None:
        connection.execute(insert(table).values(id=1, max_comment_id=comment_id))
    elif comment_id > known:
        connection.execute(update(table).where(table.c.id == 1).values(max_comment_id=comment_id))


def mark_pending(connection: Connection, changes: Iterable[Change], change_ms: int) -> None:
    """The comments a batch's changes touched become pending (the projection's ``after_batch``)."""
    touched = sorted({int(change.key["id"]) for change in changes
                      if not isinstance(change, Truncate) and change.table == schema.comments.name})  # fmt: skip
    if not touched:
        return
    raise_high_water(connection, touched[-1])
    table = records.pending
    for comment_id in touched:
        found = connection.execute(select(table.c.comment_id).where(table.c.comment_id == comment_id)).first()
        if found is None:
            values = {"first_change_ms": change_ms, "last_change_ms": change_ms}
            connection.execute(insert(table).values(comment_id=comment_id, **values))
        else:
            connection.execute(update(table).where(table.c.comment_id == comment_id).values(last_change_ms=change_ms))


def next_comment_id(connection: Connection, *, gap: int = 10) -> int:
    """An id WordPress has not given and will not give soon: ``gap`` past the highest ever seen (its own
    ``AUTO_INCREMENT`` hands out the next ones meanwhile; after the sync it continues past ours)."""
    seen = connection.execute(select(records.id_high_water.c.max_comment_id)).scalar() or 0
    stored = connection.execute(select(func.max(schema.comments.c.id))).scalar() or 0
    return max(int(seen), int(stored)) + gap


class CommentsAnnouncement:
    """The comments service's :class:`~extracted.runtime.announcing.AnnouncementRules`."""

    pending = records.pending

    def __init__(self, prefix: str, *, settle_ms: int) -> None:
        self.topic, self.settle_ms = events_topic(prefix, AGGREGATE), settle_ms

    def round(self, connection: Connection) -> RoundRules:
        def decide_comment(
            connection: Connection, comment_id: int, pending: Pending, now: int
        ) -> list[OutboxEvent] | None:
            comment, announced = comment_state(connection, comment_id), _announced(connection, comment_id)
            decision = decide(comment_id, comment, announced, pending, now, settle_ms=self.settle_ms)
            if not decision.ready:
                return None
            remember(connection, comment_id, decision.announced)
            return [outbox_event(self.topic, derived, now) for derived in decision.events]

        return decide_comment


class Announcer(KitAnnouncer):
    """The comments service's announcer (a worker named ``announcer``): pending comments → ``comment.*`` events."""

    def __init__(
        self,
        engine: Engine,
        prefix: str,
        *,
        settle_ms: int = 60,
        interval_s: float = 0.05,
        clock: Callable[[], int] = now_ms,
        on_events: Callable[[], None] = lambda: None,
    ) -> None:
        rules = CommentsAnnouncement(prefix, settle_ms=settle_ms)
        super().__init__(engine, rules, records.outbox, interval_s=interval_s, clock=clock, on_events=on_events)
