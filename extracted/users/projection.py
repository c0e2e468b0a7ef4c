"""Change events of ``wp_users``, ``wp_usermeta``, the kept ``wp_options`` and a slice of ``wp_posts`` →
the users store. Pure, but for :meth:`UsersProjection.after_batch`, which turns the users a batch
touched into pending users (posts touch no user: authorship is not part of a user's events)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, MetaData, delete, func, insert, select, update

from cdc.events import ChangeEvent, Tombstone, parse_topic
from extracted.rest.collation import sort_key
from extracted.runtime import Change, Delete, Truncate, Upsert

from . import schema

__all__ = ["SOURCE_TABLES", "UsersProjection", "project"]

Row = dict[str, Any]


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _user(row: Row) -> list[Change]:
    values = {
        "login": _text(row.get("user_login")),
        "nicename": _text(row.get("user_nicename")),
        "email": _text(row.get("user_email")),
        "url": _text(row.get("user_url")),
        "registered_ms": int(row.get("user_registered") or 0),  # DATETIME as epoch ms; the zero date is 0
        "display_name": _text(row.get("display_name")),
        "name_key": sort_key(_text(row.get("display_name"))),
        "login_key": schema.identity_key(_text(row.get("user_login"))),
        "email_key": schema.identity_key(_text(row.get("user_email"))),
    }
    return [Upsert(schema.users.name, {"id": int(row["ID"])}, values)]


def _meta(row: Row) -> list[Change]:
    values = {"user_id": int(row["user_id"]), "key": _text(row.get("meta_key")), "value": _text(row.get("meta_value"))}
    return [Upsert(schema.user_meta.name, {"umeta_id": int(row["umeta_id"])}, values)]


def _option(row: Row) -> list[Change]:
    key = {"option_id": int(row["option_id"])}
    if row.get("option_name") not in schema.OPTIONS:  # e.g. renamed away from a kept name
        return [Delete(schema.options.name, key)]
    return [
        Upsert(schema.options.name, key, {"name": _text(row["option_name"]), "value": _text(row.get("option_value"))})
    ]


def _post(row: Row) -> list[Change]:
    values = {"author": int(row.get("post_author") or 0), "type": _text(row.get("post_type")),
              "status": _text(row.get("post_status"))}  # fmt: skip
    return [Upsert(schema.posts.name, {"id": int(row["ID"])}, values)]


#: source table -> (store table, the store key of a row, the changes of an inserted or updated row, its user)
TABLES: dict[str, tuple[str, Callable[[Row], dict[str, int]], Callable[[Row], list[Change]], str | None]] = {
    "wp_users": (schema.users.name, lambda r: {"id": int(r["ID"])}, _user, "ID"),
    "wp_usermeta": (schema.user_meta.name, lambda r: {"umeta_id": int(r["umeta_id"])}, _meta, "user_id"),
    "wp_options": (schema.options.name, lambda r: {"option_id": int(r["option_id"])}, _option, None),
    "wp_posts": (schema.posts.name, lambda r: {"id": int(r["ID"])}, _post, None),
}
SOURCE_TABLES = tuple(TABLES)


def _ignored(source: str, event: ChangeEvent, row: Row) -> bool:
    """Options the service does not keep: nothing to do (most ``wp_options`` traffic is transients)."""
    if source != "wp_options" or row.get("option_name") in schema.OPTIONS:
        return False
    before = event.before or {}
    return event.op != "u" or before.get("option_name") not in schema.OPTIONS


def project(event: ChangeEvent | Tombstone) -> Sequence[Change]:
    """The store changes of one event, and the user it touched (tombstones change nothing)."""
    if isinstance(event, Tombstone):
        return []
    source = event.table or parse_topic(event.topic)[2]
    if source not in TABLES:
        return []
    table, key_of, changes_of, user_column = TABLES[source]
    if event.op == "t":
        return [Truncate(table)]
    row = event.row
    if row is None or _ignored(source, event, row):
        return []
    changes: list[Change] = [Delete(table, key_of(row))] if event.op == "d" else changes_of(row)
    if user_column is not None:
        changes.append(Upsert(schema.touched.name, {"user_id": int(row[user_column])}, {"change_ms": event.ts_ms}))
    return changes


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
