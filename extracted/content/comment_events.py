"""The comments service's domain events → content's copy of the comments (``content_comments``). Pure.

Content renders a post's ``replies`` (``_embed``) from comments; it reads them from the comments
service's events (event-carried state transfer), not from ``wp_comments``: ``comment.posted``
carries the whole comment (the author's email too, for Gravatar's hash), ``comment.updated`` only the
fields that changed, ``comment.approved`` and ``comment.status_changed`` the new status,
``comment.deleted`` the id. An update about a comment content never heard of changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from extracted.contracts import CloudEvent
from extracted.runtime import Change, Delete, Update, Upsert

from . import schema

__all__ = ["COMMENTS_AGGREGATE", "project_comment_event"]

#: the aggregate whose domain events carry the comments (topic ``<prefix>.events.comments``)
COMMENTS_AGGREGATE = "comments"
#: the events' status → ``comment_approved`` as content keeps it
_APPROVED = {"approved": "1", "hold": "0"}
#: event field → content's column, for the fields content keeps (not the IP, agent or karma)
_COLUMNS = {
    "post": "post_id", "parent": "parent", "user_id": "user_id", "author_name": "author_name",
    "author_email": "author_email", "author_url": "author_url", "date": "date", "date_gmt": "date_gmt",
    "content": "content_raw", "type": "type",
}  # fmt: skip
ZERO_DATE = "0000-00-00T00:00:00"


def _value(field: str, value: Any) -> Any:
    if field in ("date", "date_gmt"):
        text = str(value)[:19]  # RFC 3339 UTC or a local time, as content stores dates (no zone)
        return None if text == ZERO_DATE else text
    if field in ("post", "parent", "user_id"):
        return int(value)
    return str(value) or ("comment" if field == "type" else "")


def _columns(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {column: _value(field, fields[field]) for field, column in _COLUMNS.items() if field in fields}


def _approved(status: object) -> str:
    return _APPROVED.get(str(status), str(status))


def project_comment_event(event: CloudEvent) -> Sequence[Change]:
    """The changes to ``content_comments`` of one valid event of the comments aggregate."""
    data, table = event.data, schema.comments.name
    key = {"id": int(data["id"])}
    if event.type == "comment.posted":
        return [Upsert(table, key, {**_columns(data), "approved": _approved(data["status"])})]
    if event.type == "comment.updated":
        changed = _columns(data["changed"])
        return [Update(table, key, changed)] if changed else []
    if event.type == "comment.approved":
        return [Update(table, key, {"approved": "1"})]
    if event.type == "comment.status_changed":
        return [Update(table, key, {"approved": _approved(data["status"])})]
    if event.type == "comment.deleted":
        return [Delete(table, key)]
    return []  # a type added to the aggregate later: nothing content shows
