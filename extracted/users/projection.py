"""Change events of ``wp_users``, ``wp_usermeta`` and ``wp_user_roles`` → the users store. Pure, but
for :meth:`UsersProjection.after_batch`, which turns the users a batch touched into pending users."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, MetaData, delete, insert, select, update

from cdc.events import ChangeEvent, Tombstone, parse_topic
from extracted.runtime import Change, Delete, Truncate, Upsert

from . import schema

__all__ = ["SOURCE_TABLES", "UsersProjection", "project"]

Row = dict[str, Any]
ROLES_OPTION = "wp_user_roles"


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
    }
    return [Upsert(schema.users.name, {"id": int(row["ID"])}, values)]


def _meta(row: Row) -> list[Change]:
    values = {"user_id": int(row["user_id"]), "key": _text(row.get("meta_key")), "value": _text(row.get("meta_value"))}
    return [Upsert(schema.user_meta.name, {"umeta_id": int(row["umeta_id"])}, values)]


def _option(row: Row) -> list[Change]:
    if row.get("option_name") != ROLES_OPTION:
        return []
    return [
        Upsert(
            schema.roles_option.name, {"option_id": int(row["option_id"])}, {"value": _text(row.get("option_value"))}
        )
    ]


#: source table -> (store table, the store key of a row, the changes of an inserted or updated row, its user)
TABLES: dict[str, tuple[str, Callable[[Row], dict[str, int]], Callable[[Row], list[Change]], str | None]] = {
    "wp_users": (schema.users.name, lambda r: {"id": int(r["ID"])}, _user, "ID"),
    "wp_usermeta": (schema.user_meta.name, lambda r: {"umeta_id": int(r["umeta_id"])}, _meta, "user_id"),
    "wp_options": (schema.roles_option.name, lambda r: {"option_id": int(r["option_id"])}, _option, None),
}
SOURCE_TABLES = tuple(TABLES)


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
    if row is None:
        return []
    if source == "wp_options" and row.get("option_name") != ROLES_OPTION:
        return []
    changes: list[Change] = [Delete(table, key_of(row))] if event.op == "d" else changes_of(row)
    if user_column is not None:
        changes.append(Upsert(schema.touched.name, {"user_id": int(row[user_column])}, {"change_ms": event.ts_ms}))
    return changes


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
        for user_id, change_ms in connection.execute(select(touched.c.user_id, touched.c.change_ms)):
            found = connection.execute(select(pending.c.last_change_ms).where(pending.c.user_id == user_id)).scalar()
            if found is None:
                values = {"user_id": user_id, "first_change_ms": change_ms, "last_change_ms": change_ms}
                connection.execute(insert(pending).values(values))
            else:
                latest = max(found, change_ms)
                connection.execute(update(pending).where(pending.c.user_id == user_id).values(last_change_ms=latest))
        connection.execute(delete(touched))
