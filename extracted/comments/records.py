"""The comments service's own records, beside its copy of WordPress's comments (``schema``).

``pending`` holds the comments whose changes are not announced yet (the projection's batches mark
them, with when the first and the last change arrived), ``announced`` what consumers were last told
about each comment (its fields and status as JSON, and how many events were about it).

``submissions`` are the comments the service took itself, as their system of record: the comment is
written into ``schema.comments`` with its submission row, its announced state and its
``comment.posted`` event, in one transaction (``submission_store``); the legacy sync copies it into
WordPress (``state`` ``pending`` → ``synced``, or ``conflict`` when WordPress gave its id to another
comment). ``dry_runs`` are the decisions of shadowed submissions, compared with WordPress's own
(``dry_runs`` module). ``id_high_water`` is the highest comment id ever seen, deleted ones included: a comment id
is never handed out twice. The event outbox lives on the same metadata: events are stored with their cause.

All but ``pending`` are the service's ledger (``extracted.runtime.ledger_table``): a rebuild of the read
model keeps them, since no replay of WordPress's tables could bring back what the service took, decided
or announced (a rebuilt model is then compared with what consumers were told, and only real changes
are announced).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, String, Table, Text

from extracted.runtime import ledger_table
from extracted.runtime.event_outbox import EventOutbox

from .schema import metadata

__all__ = ["STATE_CONFLICT", "STATE_PENDING", "STATE_SYNCED", "announced", "dry_runs", "id_high_water", "outbox",
           "pending", "submissions"]  # fmt: skip

STATE_PENDING, STATE_SYNCED, STATE_CONFLICT = "pending", "synced", "conflict"

pending = Table(
    "comments_pending",
    metadata,
    Column("comment_id", BigInteger, primary_key=True, autoincrement=False),
    Column("first_change_ms", BigInteger, nullable=False),
    Column("last_change_ms", BigInteger, nullable=False),
)

announced = ledger_table(
    Table(
        "comments_announced",
        metadata,
        Column("comment_id", BigInteger, primary_key=True, autoincrement=False),
        Column("fields", Text, nullable=False),  # JSON object of the event fields
        Column("status", String(20), nullable=False),
        Column("version", Integer, nullable=False),
    )
)

submissions = ledger_table(
    Table(
        "comments_submissions",
        metadata,
        Column("comment_id", BigInteger, primary_key=True, autoincrement=False),
        Column("post_id", BigInteger, nullable=False),
        # the comment as taken (JSON of its schema.comments values): what the sync writes, kept when the
        # read model is rebuilt (the read model's copy is the one visitors read)
        Column("comment", Text, nullable=False),
        Column("received_ms", BigInteger, nullable=False),
        Column("state", String(16), nullable=False),  # pending | synced | conflict
        Column("attempts", Integer, nullable=False, default=0),
        Column("last_error", Text, nullable=False, default=""),
        Column("synced_ms", BigInteger, nullable=False, default=0),
        Index("comments_submissions_state", "state"),
    )
)

#: the decisions of dry runs (shadow copies of visitors' submissions) waiting for WordPress's own decision,
#: which arrives as its comment's row (``dry_runs``)
dry_runs = ledger_table(
    Table(
        "comments_dry_runs",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("fingerprint", String(64), nullable=False),
        Column("decision", String(20), nullable=False),  # the status the service would have stored
        Column("received_ms", BigInteger, nullable=False),
        Column("wordpress", String(20), nullable=False, default=""),  # WordPress's status, once its row came
        Column("comment_id", BigInteger, nullable=False, default=0),  # WordPress's comment
        Index("comments_dry_runs_fingerprint", "fingerprint", "wordpress"),
    )
)

#: the highest comment id ever seen (one row, ``id`` 1)
id_high_water = ledger_table(
    Table(
        "comments_id_high_water",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("max_comment_id", BigInteger, nullable=False),
    )
)

outbox = EventOutbox(metadata)
