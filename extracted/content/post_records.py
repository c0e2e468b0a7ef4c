"""The content service's records of its post events, beside the read model (``schema``).

``content_posts_pending`` holds the posts whose changes are not announced yet: the projection's
batches mark every post whose ``wp_posts`` row or term relationships changed (:func:`mark_pending`,
a couple of bulk statements per batch: the consumer is on the service's hot path).
``content_posts_announced`` is what consumers were last told about each post ever announced as
published (its type, ``publish`` or the status it left for, its fields as JSON, how many events were
about it) and the event outbox lives on the same metadata: events are stored with their cause.

Both are the service's ledger (``extracted.runtime.ledger_table``): a rebuild of the read model keeps
them, so the rebuilt model is compared with what consumers were told and only real changes are
announced (a replay announces nothing twice).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import BigInteger, Column, Connection, Integer, String, Table, Text, insert, select, update

from extracted.runtime import Change, Truncate, ledger_table
from extracted.runtime.event_outbox import EventOutbox

from . import schema

__all__ = ["announced", "mark_pending", "outbox", "pending"]

#: ids per statement (SQLite's bound parameters are limited)
CHUNK = 500

pending = Table(
    "content_posts_pending",
    schema.metadata,
    Column("post_id", BigInteger, primary_key=True, autoincrement=False),
    Column("first_change_ms", BigInteger, nullable=False),
    Column("last_change_ms", BigInteger, nullable=False),
)

announced = ledger_table(
    Table(
        "content_posts_announced",
        schema.metadata,
        Column("post_id", BigInteger, primary_key=True, autoincrement=False),
        Column("type", String(20), nullable=False),
        Column("status", String(20), nullable=False),  # "publish", or the status it left "publish" for
        Column("fields", Text, nullable=False),  # JSON object of post_events.FIELDS as last announced
        Column("version", Integer, nullable=False),
    )
)

outbox = EventOutbox(schema.metadata)


def _touched(changes: Iterable[Change]) -> tuple[set[int], bool]:
    """The posts whose row or terms ``changes`` touch, and whether ``wp_posts`` was truncated."""
    posts, relationships = schema.posts.name, schema.relationships.name
    touched: set[int] = set()
    truncated = False
    for change in changes:
        if isinstance(change, Truncate):
            truncated = truncated or change.table == posts
        elif change.table == posts:
            touched.add(int(change.key["id"]))
        elif change.table == relationships:
            touched.add(int(change.key["object_id"]))
    return touched, truncated


def mark_pending(connection: Connection, changes: Iterable[Change], change_ms: int) -> None:
    """The posts a batch's changes touched become pending (the projection's ``after_batch``); a
    truncated ``wp_posts`` makes every announced post pending (they are gone)."""
    touched, truncated = _touched(changes)
    if truncated:
        touched.update(int(post_id) for post_id in connection.execute(select(announced.c.post_id)).scalars())
    ordered = sorted(touched)
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        known = set(connection.execute(select(pending.c.post_id).where(pending.c.post_id.in_(chunk))).scalars())
        if known:
            later = update(pending).where(pending.c.post_id.in_(sorted(known))).values(last_change_ms=change_ms)
            connection.execute(later)
        new = [{"post_id": post_id, "first_change_ms": change_ms, "last_change_ms": change_ms}
               for post_id in chunk if post_id not in known]  # fmt: skip
        if new:
            connection.execute(insert(pending), new)
