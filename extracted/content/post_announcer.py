"""The content service's announcements: changed posts and pages → ``post.*`` events (``extracted.runtime.announcing``).

The projection's batches mark the posts they changed as pending (``post_records.mark_pending``); each
round asks :func:`post_events.decide` about the pending posts, and a settled one gets its events
(CloudEvents checked against their schemas) in the outbox and its new announced state, in the round's
transaction (the kit's :class:`~extracted.runtime.announcing.Announcer`).

A published post's fields are read as the REST API shows them: ``link`` is ``post_view.permalink`` of
the same row and batch (``get_permalink``: the permalink structure, the category path, the page's
ancestors), ``categories``/``tags`` the term ids of its ``category``/``post_tag`` terms, ascending.
The link depends on site data the post's own statements do not touch (a parent page's slug, a
category's slug, the permalink structure): such a change reaches consumers with the post's next event.

Rounds are bounded: the store's write lock is the consumer's too, so a round decides at most
:data:`ROUND_LIMIT` posts (the rest stay pending for the next rounds: a site's first start announces
all its published posts, a few hundred at a time), and it reads their rows a chunk at a time. Nothing
is announced before the site's ``home`` and ``permalink_structure`` options are known (links would be wrong).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, Row, delete, insert, select

from extracted.contracts import events_topic
from extracted.runtime.announcing import Announcer as KitAnnouncer
from extracted.runtime.announcing import Pending, RoundRules, now_ms
from extracted.runtime.event_outbox import OutboxEvent

from . import post_records, schema
from .post_events import FIELDS, PUBLISHED, TYPES, Announced, DerivedEvent, PostState, decide
from .post_view import PostBatch, load_batch, permalink
from .render_inputs import options
from .site import SiteState, load_site

__all__ = ["AGGREGATE", "SOURCE", "Announcer", "PostsAnnouncement", "outbox_event", "post_fields", "remember"]

SOURCE = "/strangler/content"
AGGREGATE = "posts"
#: the most posts one round decides (it holds the store's write lock meanwhile)
ROUND_LIMIT = 200
#: posts whose rows one query reads
CHUNK = 100
#: the options a link needs: until they are stored nothing is announced
SITE_OPTIONS = ("home", "permalink_structure")


def _gmt(value: str | None) -> str | None:
    """A stored GMT date (``YYYY-MM-DDTHH:MM:SS``; None: the zero date) as RFC 3339 UTC."""
    return None if value is None else datetime.fromisoformat(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def post_fields(site: SiteState, row: Row[Any], batch: PostBatch) -> dict[str, object]:
    """A published post's :data:`~post_events.FIELDS` (the raw title, content and excerpt, as stored)."""
    terms = batch.terms.get(row.id, {})
    fields: dict[str, object] = {
        "title": row.title_raw, "content": row.content_raw, "excerpt": row.excerpt_raw, "slug": row.slug,
        "link": permalink(site, row, batch), "author": int(row.author), "date_gmt": _gmt(row.date_gmt),
        "comment_status": row.comment_status, "password_protected": row.password != "",
        "categories": sorted(term_id for term_id, _ in terms.get("category", [])),
        "tags": sorted(term_id for term_id, _ in terms.get("post_tag", [])),
    }  # fmt: skip
    assert tuple(fields) == FIELDS
    return fields


def _announced(connection: Connection, post_id: int) -> Announced | None:
    table = post_records.announced
    row = connection.execute(select(table).where(table.c.post_id == post_id)).first()
    return Announced(row.type, row.status, json.loads(row.fields), row.version) if row else None


def remember(connection: Connection, post_id: int, announced: Announced | None) -> None:
    """Record what consumers were told about ``post_id`` (None: nothing, the post is gone)."""
    table = post_records.announced
    connection.execute(delete(table).where(table.c.post_id == post_id))
    if announced is not None:
        values = {"type": announced.type, "status": announced.status, "fields": json.dumps(dict(announced.fields))}
        connection.execute(insert(table).values(post_id=post_id, version=announced.version, **values))


def outbox_event(topic: str, derived: DerivedEvent, now: int) -> OutboxEvent:
    """The outbox's copy of ``derived`` (:func:`~extracted.runtime.announcing.domain_event`)."""
    return derived.outbox_event(topic, SOURCE, now)


class _RoundStates:
    """The states of one round's pending posts, read a chunk at a time in pending order."""

    def __init__(self, connection: Connection, site: SiteState) -> None:
        self.connection, self.site = connection, site
        self.states: dict[int, PostState | None] = {}

    def state(self, post_id: int) -> PostState | None:
        if post_id not in self.states:
            self._load_from(post_id)
        return self.states[post_id]

    def _load_from(self, first: int) -> None:
        table, posts = post_records.pending, schema.posts
        query = select(table.c.post_id).where(table.c.post_id >= first).order_by(table.c.post_id).limit(CHUNK)
        ids = sorted({first, *self.connection.execute(query).scalars()})
        found = {row.id: row for row in self.connection.execute(
            select(posts.c.id, posts.c.type, posts.c.status).where(posts.c.id.in_(ids)))}  # fmt: skip
        visible = [post_id for post_id, row in found.items() if row.type in TYPES and row.status == PUBLISHED]
        batch = load_batch(self.connection, self.site, visible) if visible else None
        for post_id in ids:
            row = found.get(post_id)
            if row is None:
                self.states[post_id] = None
            elif batch is not None and post_id in batch.rows:
                full = batch.rows[post_id]
                self.states[post_id] = PostState(post_id, row.type, row.status, post_fields(self.site, full, batch))
            else:
                self.states[post_id] = PostState(post_id, row.type, row.status)


class PostsAnnouncement:
    """The content service's :class:`~extracted.runtime.announcing.AnnouncementRules`."""

    pending = post_records.pending

    def __init__(self, prefix: str, *, settle_ms: int) -> None:
        self.topic, self.settle_ms = events_topic(prefix, AGGREGATE), settle_ms

    def round(self, connection: Connection) -> RoundRules:
        site_known = len(options(connection, SITE_OPTIONS)) == len(SITE_OPTIONS)
        states = _RoundStates(connection, load_site(connection)) if site_known else None
        decided = 0

        def decide_post(connection: Connection, post_id: int, pending: Pending, now: int) -> list[OutboxEvent] | None:
            nonlocal decided
            if states is None or decided >= ROUND_LIMIT or now - pending.last_change_ms < self.settle_ms:
                return None
            decided += 1
            announced = _announced(connection, post_id)
            decision = decide(post_id, states.state(post_id), announced, pending, now, settle_ms=self.settle_ms)
            if not decision.ready:
                return None
            if decision.events:
                remember(connection, post_id, decision.announced)
            return [outbox_event(self.topic, derived, now) for derived in decision.events]

        return decide_post


class Announcer(KitAnnouncer):
    """The content service's announcer (a worker named ``announcer``): pending posts → ``post.*`` events."""

    def __init__(
        self,
        engine: Engine,
        prefix: str,
        *,
        settle_ms: int = 250,
        interval_s: float = 0.05,
        clock: Callable[[], int] = now_ms,
        on_events: Callable[[], None] = lambda: None,
    ) -> None:
        rules = PostsAnnouncement(prefix, settle_ms=settle_ms)
        super().__init__(engine, rules, post_records.outbox, interval_s=interval_s, clock=clock, on_events=on_events)
