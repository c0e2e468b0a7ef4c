"""Dry runs proven against WordPress's real decisions: which status each shadowed submission got.

A dry run (a shadow copy of a visitor's submission, ``X-Strangler-Dry-Run: 1``) is answered and
stored nowhere but here: its decision (the status the comment would have had: ``approved``,
``hold``, ``spam``, ``trash``) under the comment's fingerprint (post, author, email and content as
stored, after WordPress's filters). The proxy compares the two answers (refusals by their error page,
acceptances by their redirect with the comment id masked), but an answer does not tell an approved
comment from a spammed one, or a held one when the visitor consented to cookies; WordPress's stored
status does. So when WordPress's comment arrives through CDC, the projection's batch finds the dry run
with its fingerprint (:func:`match_wordpress`) and records WordPress's status beside the service's;
a dry run whose comment CDC brought first is paired when it is recorded. A dry run WordPress never
stored (it refused the comment, or stored it otherwise filtered) stays
unmatched: after :data:`MATCH_WINDOW_MS` it counts as such (:func:`counts`, in the service's health).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, insert, select, update

from extracted.runtime import Change, Upsert

from . import records, schema
from .derivation import event_status

__all__ = ["MATCH_WINDOW_MS", "counts", "fingerprint", "match_wordpress", "record_dry_run"]

#: how long after a dry run WordPress's comment may arrive to be its counterpart
MATCH_WINDOW_MS = 5 * 60_000
#: dry runs kept for the counts (older ones are forgotten)
KEPT = 10_000


def fingerprint(values: Mapping[str, Any]) -> str:
    """Of a ``schema.comments`` row's values: what WordPress's row of the same submission has too."""
    parts = (str(values["post_id"]), str(values["author"]), str(values["author_email"]), str(values["content"]))
    return hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _stored_already(connection: Connection, values: Mapping[str, Any], received_ms: int) -> Any:
    """WordPress's comment of this submission, when CDC brought it before the copy came (the copy is sent
    after WordPress answered): the latest such comment of the window that no dry run has yet."""
    comments, table = schema.comments, records.dry_runs
    since = datetime.fromtimestamp((received_ms - MATCH_WINDOW_MS) / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S")
    paired = select(table.c.comment_id).where(table.c.comment_id != 0)
    return connection.execute(
        select(comments.c.id, comments.c.approved).where(
            comments.c.post_id == values["post_id"], comments.c.author == values["author"],
            comments.c.author_email == values["author_email"], comments.c.content == values["content"],
            comments.c.date_gmt >= since, comments.c.id.not_in(paired),
        ).order_by(comments.c.id.desc()).limit(1)
    ).first()  # fmt: skip


def record_dry_run(connection: Connection, values: Mapping[str, Any], received_ms: int) -> None:
    """Remember a dry run's decision (``values``: the comment row it would have stored), paired at once
    with WordPress's comment when that is in the store already."""
    table = records.dry_runs
    decision = event_status(str(values["approved"]))
    found = _stored_already(connection, values, received_ms)
    wordpress = {"wordpress": event_status(str(found.approved)), "comment_id": found.id} if found else {}
    connection.execute(insert(table).values(fingerprint=fingerprint(values), decision=decision,
                                            received_ms=received_ms, **wordpress))  # fmt: skip
    oldest = connection.execute(select(table.c.id).order_by(table.c.id.desc()).offset(KEPT).limit(1)).scalar()
    if oldest is not None:
        connection.execute(delete(table).where(table.c.id <= oldest))


def match_wordpress(connection: Connection, changes: Iterable[Change], now_ms: int) -> int:
    """Pair WordPress's new comments in a batch with the dry runs of the same submissions; how many."""
    table, matched = records.dry_runs, 0
    for change in changes:
        if not isinstance(change, Upsert) or change.table != schema.comments.name:
            continue
        found = connection.execute(
            select(table.c.id).where(
                and_(table.c.fingerprint == fingerprint(change.values), table.c.wordpress == "",
                     table.c.received_ms >= now_ms - MATCH_WINDOW_MS)
            ).order_by(table.c.id).limit(1)
        ).scalar()  # fmt: skip
        if found is None:
            continue
        status = event_status(str(change.values["approved"]))
        connection.execute(update(table).where(table.c.id == found).values(wordpress=status,
                                                                          comment_id=change.key["id"]))  # fmt: skip
        matched += 1
    return matched


def counts(connection: Connection, now_ms: int) -> dict[str, Any]:
    """The dry runs compared with WordPress: agreed, disagreed (with the pairs), unmatched, waiting."""
    table = records.dry_runs
    rows = connection.execute(
        select(table.c.decision, table.c.wordpress, table.c.received_ms, table.c.comment_id)
    ).all()
    agreed = sum(1 for row in rows if row.wordpress and row.wordpress == row.decision)
    disagreed = [
        {"comment": row.comment_id, "service": row.decision, "wordpress": row.wordpress}
        for row in rows
        if row.wordpress and row.wordpress != row.decision
    ]
    unmatched = sum(1 for row in rows if not row.wordpress and row.received_ms < now_ms - MATCH_WINDOW_MS)
    waiting = sum(1 for row in rows if not row.wordpress and row.received_ms >= now_ms - MATCH_WINDOW_MS)
    return {"total": len(rows), "agreed": agreed, "disagreed": len(disagreed), "unmatched": unmatched,
            "waiting": waiting, "disagreements": disagreed[-20:]}  # fmt: skip
