"""The table-driven part of a projection: WordPress's row changes → read-model changes, per source table.

A service names, for each source table it reads, its store table, the store key of a row and the
changes an inserted or updated row makes (:class:`SourceTable`); :func:`project_rows` does the rest
the same way for every service: a truncate empties the store table, a delete deletes by key, a
primary key updated in place moves the row, and a row the service does not keep (``keep``: most
``wp_options`` traffic is transients) changes nothing unless an update moved a kept row away.
:func:`options_table` is the ``wp_options`` entry every service with site settings has.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cdc.events import ChangeEvent, Tombstone, parse_topic

from .types import Change, Delete, Truncate, Upsert

__all__ = ["Row", "SourceTable", "options_table", "project_rows", "text"]

Row = dict[str, Any]


def text(value: object) -> str:
    """A column as text (SQL NULL as the empty string)."""
    return "" if value is None else str(value)


@dataclass(frozen=True)
class SourceTable:
    """How one source table's rows become read-model changes."""

    #: the store table its rows go to
    store_table: str
    #: the store key of a source row
    key_of: Callable[[Row], dict[str, Any]]
    #: the changes an inserted or updated row makes (usually one Upsert)
    changes_of: Callable[[Row], list[Change]]
    #: which rows the service keeps (None: all)
    keep: Callable[[Row], bool] | None = None
    #: more changes for every row event applied, deletes included (e.g. "this user was touched")
    also: Callable[[ChangeEvent, Row], list[Change]] | None = None

    def ignores(self, event: ChangeEvent, row: Row) -> bool:
        """A row not kept, before and after the change: nothing to do."""
        if self.keep is None or self.keep(row):
            return False
        return event.op != "u" or not self.keep(event.before or {})


def project_rows(tables: Mapping[str, SourceTable], event: ChangeEvent | Tombstone) -> Sequence[Change]:
    """The store changes of one change event (tombstones change nothing: the delete did)."""
    if isinstance(event, Tombstone):
        return []
    source = event.table or parse_topic(event.topic)[2]
    spec = tables.get(source)
    if spec is None:
        return []
    if event.op == "t":
        return [Truncate(spec.store_table)]
    row = event.row
    if row is None:
        raise ValueError(f"{event.op!r} event on {source} without a row")
    if spec.ignores(event, row):
        return []
    changes: list[Change]
    if event.op == "d":
        changes = [Delete(spec.store_table, spec.key_of(row))]
    elif event.op == "u" and event.before is not None and spec.key_of(event.before) != spec.key_of(row):
        changes = [Delete(spec.store_table, spec.key_of(event.before)), *spec.changes_of(row)]
    else:
        changes = spec.changes_of(row)
    if spec.also is not None:
        changes.extend(spec.also(event, row))
    return changes


def options_table(store_table: str, kept: Collection[str]) -> SourceTable:
    """``wp_options`` → ``store_table`` (``option_id`` → ``name``, ``value``), only the options ``kept``."""

    def key_of(row: Row) -> dict[str, Any]:
        return {"option_id": int(row["option_id"])}

    def changes_of(row: Row) -> list[Change]:
        if row.get("option_name") not in kept:  # renamed away from a kept name
            return [Delete(store_table, key_of(row))]
        return [
            Upsert(store_table, key_of(row), {"name": text(row["option_name"]), "value": text(row.get("option_value"))})
        ]

    return SourceTable(store_table, key_of, changes_of, keep=lambda row: row.get("option_name") in kept)
