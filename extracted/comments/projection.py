"""Change events of ``wp_comments``, ``wp_posts``, the kept ``wp_postmeta`` and ``wp_options``, and the users service's
domain events → the comments read model. Pure (:func:`project`, :func:`project_user_event`).

Comments keep every column; posts what visibility and permalinks need, and the raw texts of posts and
pages (``schema.post_texts``: the embedded post); post meta only ``schema.kept_meta``; options only
:data:`~extracted.comments.schema.OPTIONS` (most ``wp_options`` traffic is transients). Users are not
read from WordPress's tables: their emails (for avatars) come from ``user.registered``,
``user.profile_updated`` (when the email changed) and ``user.deleted``. A primary key updated in
place moves the row. :meth:`CommentsProjection.after_batch` marks the comments a batch changed as
pending (``announcer``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Connection, MetaData

from cdc.events import ChangeEvent, Tombstone
from extracted.contracts import CloudEvent
from extracted.runtime import Change, Delete, Update, Upsert
from extracted.runtime.announcing import now_ms
from extracted.runtime.row_tables import Row, SourceTable, options_table, project_rows, text

from . import schema
from .announcer import mark_pending
from .dry_runs import match_wordpress

__all__ = ["SOURCE_TABLES", "USERS_AGGREGATE", "CommentsProjection", "mysql_datetime", "project",
           "project_user_event"]  # fmt: skip

#: the aggregate whose domain events the service consumes (topic ``<prefix>.events.users``)
USERS_AGGREGATE = "users"
#: the post types whose texts are kept (the embeddable ``up`` of a comment: ``post_embed``)
TEXT_TYPES = ("post", "page")
_EPOCH = datetime(1970, 1, 1)


def mysql_datetime(value: object) -> str:
    """A ``DATETIME`` as CDC sends it (epoch ms of the wall-clock time read as UTC; the zero date 0 or
    null) as MariaDB shows it, ``YYYY-MM-DD HH:MM:SS``."""
    if value is None or value == 0:
        return schema.ZERO_DATE
    if isinstance(value, str):  # already text (a replayed or hand-made row)
        return value.replace("T", " ")[:19]
    return (_EPOCH + timedelta(milliseconds=int(str(value)))).strftime("%Y-%m-%d %H:%M:%S")


def _int(value: object) -> int:
    return int(str(value)) if value not in (None, "") else 0


def _comment(row: Row) -> list[Change]:
    values = {
        "post_id": _int(row.get("comment_post_ID")),
        "author": text(row.get("comment_author")),
        "author_email": text(row.get("comment_author_email")),
        "author_url": text(row.get("comment_author_url")),
        "author_ip": text(row.get("comment_author_IP")),
        "date": mysql_datetime(row.get("comment_date")),
        "date_gmt": mysql_datetime(row.get("comment_date_gmt")),
        "content": text(row.get("comment_content")),
        "karma": _int(row.get("comment_karma")),
        "approved": text(row.get("comment_approved")),
        "agent": text(row.get("comment_agent")),
        "type": text(row.get("comment_type")),
        "parent": _int(row.get("comment_parent")),
        "user_id": _int(row.get("user_id")),
    }
    values.update(schema.lookup_keys(str(values["author_email"]), str(values["content"])))
    return [Upsert(schema.comments.name, {"id": int(row["comment_ID"])}, values)]


def _post(row: Row) -> list[Change]:
    values = {
        "type": text(row.get("post_type")),
        "status": text(row.get("post_status")),
        "password": text(row.get("post_password")),
        "comment_status": text(row.get("comment_status")),
        "ping_status": text(row.get("ping_status")),
        "name": text(row.get("post_name")),
        "parent": _int(row.get("post_parent")),
        "author": _int(row.get("post_author")),
        "date": mysql_datetime(row.get("post_date")),
        "date_gmt": mysql_datetime(row.get("post_date_gmt")),
    }
    key = {"id": int(row["ID"])}
    changes: list[Change] = [Upsert(schema.posts.name, key, values)]
    if values["type"] in TEXT_TYPES:
        texts = {"title": text(row.get("post_title")), "excerpt": text(row.get("post_excerpt")),
                 "content": text(row.get("post_content"))}  # fmt: skip
        changes.append(Upsert(schema.post_texts.name, key, texts))
    else:  # revisions, attachments...: their texts are never embedded
        changes.append(Delete(schema.post_texts.name, key))
    return changes


def _post_texts_gone(event: ChangeEvent, row: Row) -> list[Change]:
    """A deleted post's texts (and those of the old id of a post whose id changed) go with it."""
    before = event.before or {}
    if event.op == "d":
        return [Delete(schema.post_texts.name, {"id": int(row["ID"])})]
    if event.op == "u" and "ID" in before and int(before["ID"]) != int(row["ID"]):
        return [Delete(schema.post_texts.name, {"id": int(before["ID"])})]
    return []


def _post_meta(row: Row) -> list[Change]:
    key = {"meta_id": int(row["meta_id"])}
    if not schema.kept_meta(row.get("meta_key")):  # renamed away from a kept key
        return [Delete(schema.post_meta.name, key)]
    values = {
        "post_id": _int(row.get("post_id")),
        "key": text(row.get("meta_key")),
        "value": text(row.get("meta_value")),
    }
    return [Upsert(schema.post_meta.name, key, values)]


#: source table -> how its rows become store changes
TABLES: dict[str, SourceTable] = {
    "wp_comments": SourceTable(schema.comments.name, lambda r: {"id": int(r["comment_ID"])}, _comment),
    "wp_posts": SourceTable(schema.posts.name, lambda r: {"id": int(r["ID"])}, _post, also=_post_texts_gone),
    "wp_options": options_table(schema.options.name, schema.OPTIONS),
    "wp_postmeta": SourceTable(schema.post_meta.name, lambda r: {"meta_id": int(r["meta_id"])}, _post_meta,
                               keep=lambda r: schema.kept_meta(r.get("meta_key"))),
}  # fmt: skip
SOURCE_TABLES = tuple(TABLES)


def project(event: ChangeEvent | Tombstone) -> Sequence[Change]:
    """The store changes of one change event (tombstones change nothing: the delete did)."""
    return project_rows(TABLES, event)


def project_user_event(event: CloudEvent) -> Sequence[Change]:
    """The changes of one valid event of the users aggregate: the user's email, kept or forgotten."""
    data, table = event.data, schema.user_emails.name
    key = {"user_id": int(data["id"])}
    if event.type == "user.registered":
        return [Upsert(table, key, {"email": str(data.get("email", ""))})]
    if event.type == "user.profile_updated":
        changed = data.get("changed", {})
        return [Update(table, key, {"email": str(changed["email"])})] if "email" in changed else []
    if event.type == "user.deleted":
        return [Delete(table, key)]
    return []  # roles, and types added to the aggregate later: nothing comments show


class CommentsProjection:
    """The comments service as the runtime sees it (an ``EventProjection``: it also reads user events)."""

    @property
    def metadata(self) -> MetaData:
        return schema.metadata

    def source_tables(self) -> Sequence[str]:
        return SOURCE_TABLES

    def source_events(self) -> Sequence[str]:
        return [USERS_AGGREGATE]

    def project(self, event: ChangeEvent | Tombstone) -> Sequence[Change]:
        return project(event)

    def project_event(self, event: CloudEvent) -> Sequence[Change]:
        return project_user_event(event)

    def after_batch(self, connection: Connection, changes: Sequence[Change]) -> None:
        """The comments the batch changed become pending for the announcer (``announcer.mark_pending``), and
        WordPress's new comments are paired with the dry runs of the same submissions (``dry_runs``)."""
        now = now_ms()
        mark_pending(connection, changes, now)
        match_wordpress(connection, changes, now)
