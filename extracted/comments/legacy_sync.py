"""The legacy sync: the comments the service took → WordPress's MariaDB, as ``wp_insert_comment`` writes them.

A service worker (``legacy_sync``, the kit's :class:`~extracted.runtime.legacy.SyncWorker`). For each
submission not yet synced, oldest first, one MariaDB transaction writes the ``wp_comments`` row with
the service's id and, for an approved comment, the post's ``comment_count`` as
``wp_update_comment_count_now`` recounts it; then the submission is ``synced``. WordPress's pages,
feeds and wp-admin show the comment from then on; its CDC echo finds the read model as it is and
announces nothing (``announcer``): loop-safe.

* **WordPress down** does not matter (the sync writes the database, not through PHP); **MariaDB
  unreachable** is retried with a doubling backoff; submissions wait, and the service's own reads
  show approved ones meanwhile.
* **Idempotent**: a re-run (a crash after the MariaDB commit) finds the row with the same id, post,
  date and content and only marks the submission synced: never a second comment.
* **Conflicts** (WordPress gave the id to another comment meanwhile): the submission is marked
  ``conflict`` with the reason, kept and counted, and the worker is unhealthy while any is unresolved;
  WordPress's comment of that id is the truth in the read model (its CDC row replaces the service's).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, and_, delete, select, update

from extracted.runtime import Delete, begin_write
from extracted.runtime.legacy import Connect, SyncWorker

from . import records, schema
from .announcer import mark_pending

__all__ = ["COLUMNS", "Conflict", "LegacySync", "TakenComment", "Written", "write_comment"]

log = logging.getLogger(__name__)

#: ``wp_comments`` column → the store's column
COLUMNS = {
    "comment_ID": "id", "comment_post_ID": "post_id", "comment_author": "author",
    "comment_author_email": "author_email", "comment_author_url": "author_url", "comment_author_IP": "author_ip",
    "comment_date": "date", "comment_date_gmt": "date_gmt", "comment_content": "content", "comment_karma": "karma",
    "comment_approved": "approved", "comment_agent": "agent", "comment_type": "type", "comment_parent": "parent",
    "user_id": "user_id",
}  # fmt: skip


@dataclass(frozen=True)
class TakenComment:
    """A comment the service took, as its submission keeps it (the ``schema.comments`` columns)."""

    id: int
    post_id: int
    author: str
    author_email: str
    author_url: str
    author_ip: str
    date: str
    date_gmt: str
    content: str
    karma: int
    approved: str
    agent: str
    type: str
    parent: int
    user_id: int

    @classmethod
    def of(cls, submission: Any) -> TakenComment:
        return cls(id=int(submission.comment_id), **json.loads(submission.comment))


@dataclass(frozen=True)
class Written:
    #: the row was there already (a re-run after a crash)
    again: bool


@dataclass(frozen=True)
class Conflict:
    reason: str


def write_comment(cursor: Any, comment: TakenComment, *, prefix: str) -> Written | Conflict:
    """Write one comment into WordPress, in the caller's MariaDB transaction."""
    cursor.execute(
        f"SELECT comment_post_ID, comment_date_gmt, comment_content FROM `{prefix}comments` "
        "WHERE comment_ID = %s FOR UPDATE",
        (comment.id,),
    )
    found = cursor.fetchone()
    if found is not None:
        post_id, date_gmt, content = found
        if (int(post_id), str(date_gmt), content) == (int(comment.post_id), comment.date_gmt, comment.content):
            return Written(again=True)
        return Conflict(f"WordPress has another comment {comment.id} (post {post_id}, {date_gmt})")
    names = ", ".join(f"`{column}`" for column in COLUMNS)
    cursor.execute(
        f"INSERT INTO `{prefix}comments` ({names}) VALUES ({', '.join(['%s'] * len(COLUMNS))})",
        tuple(getattr(comment, column) for column in COLUMNS.values()),
    )
    if comment.approved == "1":  # wp_insert_comment → wp_update_comment_count, for approved comments only
        cursor.execute(
            f"UPDATE `{prefix}posts` SET comment_count = (SELECT COUNT(*) FROM `{prefix}comments` "
            "WHERE comment_post_ID = %s AND comment_approved = '1') WHERE ID = %s",
            (comment.post_id, comment.post_id),
        )
    return Written(again=False)


def _mark(connection: Connection, comment_id: int, state: str, **values: object) -> None:
    table = records.submissions
    connection.execute(update(table).where(table.c.comment_id == comment_id).values(state=state, **values))


class LegacySync(SyncWorker):
    """Copies the service's comments into WordPress until stopped; :meth:`wake` after one was recorded."""

    def __init__(
        self,
        engine: Engine,
        connect: Connect,
        *,
        table_prefix: str = "wp_",
        clock: Callable[[], float] = time.time,
        **loop: float,
    ) -> None:
        super().__init__(**loop)
        self.engine, self.connect, self.prefix, self.clock = engine, connect, table_prefix, clock
        self.written = self.again = 0

    def sync_pending(self) -> int:
        """Sync every submission waiting; returns how many became ``synced``. MariaDB's errors propagate
        to the loop's backoff (the round stops there)."""
        submissions = records.submissions
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(submissions)
                .where(submissions.c.state == records.STATE_PENDING)
                .order_by(submissions.c.comment_id)
            ).all()
        return sum(self._sync(TakenComment.of(row), row.attempts) for row in rows)

    def _sync(self, comment: TakenComment, attempts: int) -> int:
        with self.connect() as mariadb, mariadb.cursor() as cursor:
            try:
                result = write_comment(cursor, comment, prefix=self.prefix)
            except BaseException:
                mariadb.rollback()
                raise
            if isinstance(result, Conflict):
                mariadb.rollback()
            else:
                mariadb.commit()
        with begin_write(self.engine) as connection:
            if isinstance(result, Conflict):
                log.error("legacy sync: comment %d conflicts: %s", comment.id, result.reason)
                _mark(connection, comment.id, records.STATE_CONFLICT, last_error=result.reason, attempts=attempts + 1)
                ours = and_(schema.comments.c.id == comment.id, schema.comments.c.date_gmt == comment.date_gmt,
                            schema.comments.c.content == comment.content)  # fmt: skip
                connection.execute(delete(schema.comments).where(ours))
                gone = Delete(schema.comments.name, {"id": comment.id})  # consumers were told it was posted
                mark_pending(connection, [gone], int(self.clock() * 1000))
                return 0
            _mark(connection, comment.id, records.STATE_SYNCED, synced_ms=int(self.clock() * 1000), last_error="")
        with self._lock:
            self.written += 1
            self.again += int(result.again)
        log.info("legacy sync: comment %d is in WordPress%s", comment.id, " (again)" * result.again)
        return 1

    def health(self) -> dict[str, Any]:
        counts = self.state_counts(self.engine, records.submissions)
        conflicts = counts.get(records.STATE_CONFLICT, 0) if counts is not None else 0
        with self._lock:
            return {
                "healthy": not self.failing and conflicts == 0,
                "failing": self.failing,
                "pending": None if counts is None else counts.get(records.STATE_PENDING, 0),
                "synced": None if counts is None else counts.get(records.STATE_SYNCED, 0),
                "conflicts": conflicts,
                "written": self.written,
                "rewritten": self.again,
                "last_error": self.last_error,
            }
