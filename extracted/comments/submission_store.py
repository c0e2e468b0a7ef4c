"""The comments store as the submission rules see it (``StoreView``), and a taken comment recorded.

:class:`StoreView` answers ``submission.view.SubmissionView`` from the read model, in the caller's
transaction: posts, comments, the emails of registered users (from the users service's events).
Where WordPress's SQL compares text by the column's collation (``utf8mb4_unicode_520_ci``: case,
accents and trailing spaces ignored), the view narrows the rows in SQL and compares them with
``extracted.rest.collation.fold``.

A **dry run** answers as of the visitor's request, not as of the copy's arrival: the copy comes after
WordPress answered, so WordPress's own comment of that very submission may be in the store already
(through CDC) and would make the copy a "duplicate" or a "flood". So a dry run is decided twice: first
with every comment dated from ``ignore_since`` (the copy's arrival less :data:`DRY_RUN_LOOKBACK_S`)
left out of the duplicate and flood checks, which tells the comment it would store; then with only
the recent comments of those very values left out (``own``: WordPress's comment of this submission),
so that another visitor's comment a moment before still counts for the flood check.

:func:`record_comment` writes an accepted comment as its system of record: the comment in
``schema.comments`` (so the service's reads show it at once when approved), its submission row
(``pending`` for the legacy sync), its ``comment.posted`` event in the outbox and what consumers were
told, in one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, func, insert, not_, or_, select

from . import records, schema
from .announcer import comment_state, next_comment_id, outbox_event, raise_high_water, remember
from .derivation import ORIGIN_SERVICE, announced_state, posted
from .submission.settings import SubmissionSettings
from .submission.view import Accepted, DuplicateQuestion, PostView, StoredComment

__all__ = ["DRY_RUN_LOOKBACK_S", "StoreView", "comment_values", "record_comment"]

#: how long before a dry run's copy arrived WordPress may have stored its own comment of it
DRY_RUN_LOOKBACK_S = 10
MYSQL_FORMAT = "%Y-%m-%d %H:%M:%S"


def _same(left: str, right: str) -> bool:
    """``=`` in ``utf8mb4_unicode_520_ci`` (PAD SPACE: trailing spaces ignored)."""
    return schema.collation_key(left) == schema.collation_key(right)


class StoreView:
    """A ``SubmissionView`` of the store, for one submission (``now``: when it arrived)."""

    def __init__(
        self,
        connection: Connection,
        settings: SubmissionSettings,
        permalink: Callable[[Connection, Any], str],
        *,
        now: datetime | None = None,
        dry_run: bool = False,
        own: Mapping[str, Any] | None = None,
    ) -> None:
        self.connection, self._settings, self._permalink = connection, settings, permalink
        self._now = now or datetime.now(UTC)
        since = self._now - timedelta(seconds=DRY_RUN_LOOKBACK_S)
        #: comments dated from here on are not seen by the duplicate and flood checks (dry runs only): all
        #: of them, or only those with the values of ``own`` (the comment the submission would store)
        self.ignore_since = since.strftime(MYSQL_FORMAT) if dry_run else None
        self.own = own

    @property
    def settings(self) -> SubmissionSettings:
        return self._settings

    @property
    def now(self) -> datetime:
        return self._now

    def post(self, post_id: int) -> PostView | None:
        posts = schema.posts
        row = self.connection.execute(select(posts).where(posts.c.id == post_id)).first()
        if row is None:
            return None
        return PostView(
            id=row.id, post_type=row.type, status=row.status, comment_status=row.comment_status,
            password=row.password, date_gmt=row.date_gmt, parent=row.parent,
            permalink=self._permalink(self.connection, row),
        )  # fmt: skip

    def comment(self, comment_id: int) -> StoredComment | None:
        comments = schema.comments
        row = self.connection.execute(select(comments).where(comments.c.id == comment_id)).first()
        if row is None:
            return None
        return StoredComment(row.id, row.post_id, row.approved, row.parent, row.date_gmt, row.author_email)

    def _seen(self) -> Any:
        """The comments the checks may see (all, but for a dry run's recent ones: see the module)."""
        comments = schema.comments
        if self.ignore_since is None:
            return comments.c.id.isnot(None)
        if self.own is None:
            return comments.c.date_gmt < self.ignore_since
        own = self.own
        same = and_(comments.c.post_id == own["post_id"], comments.c.author == own["author"],
                    comments.c.author_email == own["author_email"], comments.c.content == own["content"])  # fmt: skip
        return or_(comments.c.date_gmt < self.ignore_since, not_(same))

    def is_duplicate(self, question: DuplicateQuestion) -> bool:
        comments = schema.comments
        parent = int(question.parent) if question.parent.lstrip("-").isdigit() else 0
        content_key = schema.lookup_keys("", question.content)["content_key"]
        rows = self.connection.execute(
            select(comments.c.author, comments.c.author_email, comments.c.content).where(
                comments.c.post_id == question.post_id, comments.c.content_key == content_key,
                comments.c.parent == parent, comments.c.approved != "trash", self._seen(),
            )
        )  # fmt: skip
        return any(
            _same(row.author, question.author)
            and _same(row.content, question.content)
            and (question.email is None or _same(row.author_email, question.email))
            for row in rows
        )

    def last_comment_date_gmt(self, *, ip: str, email: str, since: str) -> str | None:
        comments = schema.comments
        by = or_(comments.c.author_ip == ip, comments.c.email_key == schema.collation_key(email))
        latest = select(func.max(comments.c.date_gmt)).where(comments.c.date_gmt >= since, by, self._seen())
        found = self.connection.execute(latest).scalar()
        return None if found is None else str(found)

    def user_id_by_email(self, email: str) -> int | None:
        emails = schema.user_emails
        rows = self.connection.execute(
            select(emails.c.user_id, emails.c.email).where(func.lower(emails.c.email) == email.lower())
        ).all()
        return next((int(row.user_id) for row in rows if _same(row.email, email)), None)

    def has_approved_comment_by_user(self, user_id: int) -> bool:
        comments = schema.comments
        found = select(comments.c.id).where(comments.c.user_id == user_id, comments.c.approved == "1").limit(1)
        return self.connection.execute(found).first() is not None

    def has_approved_comment_by_author(self, author: str, email: str) -> bool:
        comments = schema.comments
        rows = self.connection.execute(
            select(comments.c.author).where(
                comments.c.approved == "1", comments.c.email_key == schema.collation_key(email)
            )
        )
        return any(_same(row.author, author) for row in rows)

    def count_older_comments(self, *, post_id: int, before_gmt: str, unapproved_email: str | None) -> int:
        comments = schema.comments
        shown = comments.c.approved == "1"
        if unapproved_email is not None:
            shown = or_(shown, and_(comments.c.approved == "0", comments.c.author_email == unapproved_email))
        query = select(func.count()).where(
            comments.c.post_id == post_id, comments.c.parent == 0, comments.c.date_gmt < before_gmt, shown
        )
        return int(self.connection.execute(query).scalar_one())


def comment_values(accepted: Accepted) -> dict[str, Any]:
    """The ``schema.comments`` values of an accepted comment's row (no id)."""
    row = accepted.row
    return {
        "post_id": row.comment_post_ID, "author": row.comment_author, "author_email": row.comment_author_email,
        "author_url": row.comment_author_url, "author_ip": row.comment_author_IP, "date": row.comment_date,
        "date_gmt": row.comment_date_gmt, "content": row.comment_content, "karma": row.comment_karma,
        "approved": row.comment_approved, "agent": row.comment_agent, "type": row.comment_type,
        "parent": row.comment_parent, "user_id": row.user_id,
    }  # fmt: skip


def record_comment(connection: Connection, accepted: Accepted, *, topic: str, now_ms: int) -> int:
    """Store an accepted comment as its system of record (see the module); returns its id."""
    comment_id = next_comment_id(connection)
    values = comment_values(accepted)
    keys = schema.lookup_keys(str(values["author_email"]), str(values["content"]))
    connection.execute(insert(schema.comments).values(id=comment_id, **values, **keys))
    raise_high_water(connection, comment_id)
    connection.execute(
        insert(records.submissions).values(
            comment_id=comment_id, post_id=accepted.row.comment_post_ID, comment=json.dumps(values),
            received_ms=now_ms, state=records.STATE_PENDING, attempts=0, last_error="", synced_ms=0,
        )
    )  # fmt: skip
    state = comment_state(connection, comment_id)
    assert state is not None
    event = posted(state, origin=ORIGIN_SERVICE)
    records.outbox.append(connection, [outbox_event(topic, event, now_ms)], now_ms)
    remember(connection, comment_id, announced_state(state, event.version))
    return comment_id
