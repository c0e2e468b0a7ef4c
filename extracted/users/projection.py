"""Change events of ``wp_users``, ``wp_usermeta``, the kept ``wp_options`` and a slice of ``wp_posts`` →
the users store. Pure, but for :meth:`UsersProjection.after_batch`, which turns the users a batch
touched into pending users (posts touch no user: authorship is not part of a user's events)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import Connection, MetaData, delete, func, insert, select, update

from cdc.events import ChangeEvent, Tombstone
from extracted.rest.collation import sort_key
from extracted.runtime import Change, Upsert
from extracted.runtime.row_tables import Row, SourceTable, options_table, project_rows, text

from . import schema

__all__ = ["SOURCE_TABLES", "UsersProjection", "project"]


def _user(row: Row) -> list[Change]:
    values = {
        "login": text(row.get("user_login")),
        "nicename": text(row.get("user_nicename")),
        "email": text(row.get("user_email")),
        "url": text(row.get("user_url")),
        "registered_ms": int(row.get("user_registered") or 0),  # DATETIME as epoch ms; the zero date is 0
        "display_name": text(row.get("display_name")),
        "name_key": sort_key(text(row.get("display_name"))),
        "login_key": schema.identity_key(text(row.get("user_login"))),
        "email_key": schema.identity_key(text(row.get("user_email"))),
    }
    return [Upsert(schema.users.name, {"id": int(row["ID"])}, values)]


def _meta(row: Row) -> list[Change]:
    values = {"user_id": int(row["user_id"]), "key": text(row.get("meta_key")), "value": text(row.get("meta_value"))}
    return [Upsert(schema.user_meta.name, {"umeta_id": int(row["umeta_id"])}, values)]


def _post(row: Row) -> list[Change]:
    values = {"author": int(row.get("post_author") or 0), "type": text(row.get("post_type")),
              "status": text(row.get("post_status"))}  # fmt: skip
    return [Upsert(schema.posts.name, {"id": int(row["ID"])}, values)]


def _touched(column: str) -> Callable[[ChangeEvent, Row], list[Change]]:
    """The user a row of this table belongs to was touched (for ``after_batch``)."""

    def touched(event: ChangeEvent, row: Row) -> list[Change]:
        return [Upsert(schema.touched.name, {"user_id": int(row[column])}, {"change_ms": event.ts_ms})]

    return touched


#: source table -> how its rows become store changes (and which user they touch)
TABLES: dict[str, SourceTable] = {
    "wp_users": SourceTable(schema.users.name, lambda r: {"id": int(r["ID"])}, _user, also=_touched("ID")),
    "wp_usermeta": SourceTable(
        schema.user_meta.name, lambda r: {"umeta_id": int(r["umeta_id"])}, _meta, also=_touched("user_id")
    ),
    "wp_options": options_table(schema.options.name, schema.OPTIONS),
    "wp_posts": SourceTable(schema.posts.name, lambda r: {"id": int(r["ID"])}, _post),
}
SOURCE_TABLES = tuple(TABLES)


def project(event: ChangeEvent | Tombstone) -> Sequence[Change]:
    """The store changes of one event, and the user it touched (tombstones change nothing)."""
    return project_rows(TABLES, event)


def _raise_high_water(connection: Connection, user_id: int | None) -> None:
    """Remember the highest user id seen, deleted or not (registration never hands it out again)."""
    if not user_id:
        return
    table = schema.id_high_water
    known = connection.execute(select(table.c.max_user_id).where(table.c.id == 1)).scalar()
    if known is None:
        connection.execute(insert(table).values(id=1, max_user_id=user_id))
    elif user_id > known:
        connection.execute(update(table).where(table.c.id == 1).values(max_user_id=user_id))


class UsersProjection:
    """The runtime's view of the users service."""

    @property
    def metadata(self) -> MetaData:
        return schema.metadata

    def source_tables(self) -> Sequence[str]:
        return SOURCE_TABLES

    def project(self, event: ChangeEvent | Tombstone) -> Sequence[Change]:
        return project(event)

    def after_batch(self, connection: Connection, changes: Sequence[Change]) -> None:
        """Touched users become pending, keeping when their first unannounced change arrived."""
        touched, pending = schema.touched, schema.pending
        _raise_high_water(connection, connection.execute(select(func.max(touched.c.user_id))).scalar())
        for user_id, change_ms in connection.execute(select(touched.c.user_id, touched.c.change_ms)):
            found = connection.execute(select(pending.c.last_change_ms).where(pending.c.user_id == user_id)).scalar()
            if found is None:
                values = {"user_id": user_id, "first_change_ms": change_ms, "last_change_ms": change_ms}
                connection.execute(insert(pending).values(values))
            else:
                latest = max(found, change_ms)
                connection.execute(update(pending).where(pending.c.user_id == user_id).values(last_change_ms=latest))
        connection.execute(delete(touched))
