"""What the extensions service knows of the site: the projection that builds it, and the view handlers read.

Pure projection (:class:`SiteProjection`): ``wp_options`` rows (only :data:`~.schema.OPTIONS`) and the
domain events of users, posts and comments → the ``site_*`` tables. No WordPress table but the
options is read: users, posts and comments arrive as their services announce them.
:class:`StoreSiteView` answers ``ExtensionContext.site`` from those tables.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, func, select

from cdc.events import ChangeEvent, Tombstone
from extracted.contracts import CloudEvent
from extracted.runtime import Change, Delete, Update, Upsert
from extracted.runtime.row_tables import options_table, project_rows

from . import schema

__all__ = ["CONSUMED_AGGREGATES", "SiteProjection", "StoreSiteView", "project_event"]

#: the aggregates whose events build the site (topics ``<prefix>.events.<aggregate>``)
CONSUMED_AGGREGATES = ("users", "posts", "comments")
_TABLES = {"wp_options": options_table(schema.options.name, schema.OPTIONS)}
_USER_FIELDS = ("login", "email", "display_name")
_POST_FIELDS = ("type", "status", "title", "author", "link")


def _user_event(event: CloudEvent) -> list[Change]:
    data = event.data
    key = {"id": int(data["id"])}
    table = schema.users.name
    if event.type == "user.registered":
        values = {name: str(data.get(name, "")) for name in _USER_FIELDS}
        return [Upsert(table, key, values | {"roles": json.dumps(list(data.get("roles", [])))})]
    if event.type == "user.profile_updated":
        changed = {name: str(value) for name, value in data.get("changed", {}).items() if name in _USER_FIELDS}
        return [Update(table, key, changed)] if changed else []
    if event.type == "user.role_changed":
        return [Update(table, key, {"roles": json.dumps(list(data.get("roles", [])))})]
    if event.type == "user.deleted":
        return [Delete(table, key)]
    return []


def _post_values(data: Mapping[str, Any]) -> dict[str, Any]:
    values = {name: data[name] for name in _POST_FIELDS if name in data}
    if "author" in values:
        values["author"] = int(values["author"] or 0)
    return values


def _post_event(event: CloudEvent) -> list[Change]:
    data = event.data
    key = {"id": int(data["id"])}
    table = schema.posts.name
    if event.type == "post.published":
        return [Upsert(table, key, _post_values(data) | {"status": str(data.get("status", "publish"))})]
    if event.type == "post.updated":
        changed = _post_values(data.get("changed", {}))
        return [Update(table, key, changed)] if changed else []
    if event.type == "post.unpublished":
        return [Update(table, key, {"status": str(data.get("status", "draft"))})]
    if event.type == "post.deleted":
        return [Delete(table, key)]
    return []


def _comment_event(event: CloudEvent) -> list[Change]:
    data = event.data
    key = {"id": int(data["id"])}
    table = schema.comments.name
    if event.type == "comment.posted":
        values = {"post": int(data["post"]), "status": str(data["status"]), "fields": json.dumps(data, sort_keys=True)}
        return [Upsert(table, key, values)]
    if event.type == "comment.approved":
        return [Update(table, key, {"status": "approved"})]
    if event.type == "comment.status_changed":
        return [Update(table, key, {"status": str(data["status"])})]
    if event.type == "comment.deleted":
        return [Delete(table, key)]
    return []


def project_event(event: CloudEvent) -> Sequence[Change]:
    """The site changes of one valid domain event (types added later change nothing)."""
    aggregate = event.type.partition(".")[0]
    if aggregate == "user":
        return _user_event(event)
    if aggregate == "post":
        return _post_event(event)
    if aggregate == "comment":
        if event.type == "comment.updated":
            edit = {"comment_id": int(event.data["id"]), "time": event.time,
                    "changed": json.dumps(event.data.get("changed", {}), sort_keys=True)}  # fmt: skip
            return [Upsert(schema.comment_edits.name, {"event_id": event.id}, edit)]
        return _comment_event(event)
    return []


class SiteProjection:
    """The extensions service as the runtime's consumer sees it (an ``EventProjection``)."""

    @property
    def metadata(self) -> MetaData:
        return schema.metadata

    def source_tables(self) -> Sequence[str]:
        return tuple(_TABLES)

    def source_events(self) -> Sequence[str]:
        return CONSUMED_AGGREGATES

    def project(self, event: ChangeEvent | Tombstone) -> Sequence[Change]:
        return project_rows(_TABLES, event)

    def project_event(self, event: CloudEvent) -> Sequence[Change]:
        return project_event(event)

    def after_batch(self, connection: Connection, changes: Sequence[Change]) -> None:
        """Edits of comments (``comment.updated``: only the changed fields) merged into the comment."""
        edits = schema.comment_edits
        ordered = select(edits.c.comment_id, edits.c.changed).order_by(edits.c.time, edits.c.event_id)
        for comment_id, changed in connection.execute(ordered).all():
            table = schema.comments
            found = connection.execute(select(table.c.fields).where(table.c.id == comment_id)).scalar()
            if found is not None:
                fields = json.loads(found) | json.loads(changed)
                connection.execute(
                    table.update().where(table.c.id == comment_id).values(fields=json.dumps(fields, sort_keys=True))
                )
        connection.execute(edits.delete())


class StoreSiteView:
    """``SiteView`` on the service's store (each call one short read)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def option(self, name: str) -> str | None:
        table = schema.options
        with self.engine.connect() as connection:
            value = connection.execute(select(table.c.value).where(table.c.name == name)).scalar()
        return None if value is None else str(value)

    def user(self, user_id: int) -> Mapping[str, Any] | None:
        table = schema.users
        with self.engine.connect() as connection:
            row = connection.execute(select(table).where(table.c.id == user_id)).mappings().first()
        if row is None:
            return None
        return {**row, "roles": json.loads(row["roles"])}

    def post(self, post_id: int) -> Mapping[str, Any] | None:
        table = schema.posts
        with self.engine.connect() as connection:
            row = connection.execute(select(table).where(table.c.id == post_id)).mappings().first()
        return None if row is None else dict(row)

    def comment(self, comment_id: int) -> Mapping[str, Any] | None:
        table = schema.comments
        with self.engine.connect() as connection:
            row = connection.execute(select(table).where(table.c.id == comment_id)).mappings().first()
        if row is None:
            return None
        return {**json.loads(row["fields"]), "status": row["status"]}

    def pending_comments(self) -> int:
        table = schema.comments
        with self.engine.connect() as connection:
            count = connection.execute(select(func.count()).where(table.c.status == "hold")).scalar()
        return int(count or 0)
