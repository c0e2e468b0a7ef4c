"""Text comparison as WordPress's MariaDB tables do it (``utf8mb4_unicode_520_ci``), for searches and sorts.

MariaDB's LIKE compares character by character by collation weight: ``é``, ``E`` and ``Ｅ`` are all
``e``, while ``ß`` is not ``ss``. ``unicode_520_ci.json`` lists the classes of characters with equal
weights, read from MariaDB itself (``python -m wordpress.collation``); :func:`fold` maps each
character to its class's representative, so a LIKE over folded text and a folded pattern matches
what MariaDB's matches. SQLite stores get ``wp_fold()`` as an SQL function (:func:`collated_like`); other
databases fall back to ``lower()``, which is exact for ASCII only. :func:`like_pattern` is WordPress's
``'%' . esc_like($term) . '%'``; :func:`sort_key` a stored key that sorts as the collation does
(case and accents ignored) for ``ORDER BY`` a name.

Shared by every service that searches or sorts as WordPress's queries do (content, users).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

from sqlalchemy import Connection, func, literal
from sqlalchemy.sql.elements import ColumnElement

#: LIKE's own characters: never a class's representative, so a folded pattern keeps its meaning
_LIKE_SPECIAL = frozenset("%_\\")


@cache
def _table() -> dict[int, str]:
    document = json.loads(resources.files(__package__).joinpath("unicode_520_ci.json").read_text())
    table: dict[int, str] = {}
    for members in [*document["classes"], document["ignorable"]]:
        representative = chr(next(m for m in members if chr(m) not in _LIKE_SPECIAL and m != 0))
        table.update({member: representative for member in members if chr(member) != representative})
    return table


def fold(text: str) -> str:
    """Each character as its collation class's representative (stored text, not a LIKE pattern)."""
    return text.translate(_table())


def fold_pattern(pattern: str, escape: str = "\\") -> str:
    """A LIKE pattern folded: wildcards stay wildcards, escaped and plain characters are folded."""
    table = _table()
    out: list[str] = []
    escaped = False
    for char in pattern:
        if escaped:
            out += [escape, table.get(ord(char), char)]
            escaped = False
        elif char == escape:
            escaped = True
        elif char in "%_":
            out.append(char)
        else:
            out.append(table.get(ord(char), char))
    return "".join(out)


Like = Callable[[ColumnElement[Any], str], ColumnElement[bool]]


def _register(connection: Connection) -> bool:
    if connection.dialect.name != "sqlite":
        return False
    raw: Any = connection.connection.dbapi_connection
    raw.create_function("wp_fold", 1, lambda value: None if value is None else fold(str(value)), deterministic=True)
    return True


def collated_like(connection: Connection) -> Like:
    """``column LIKE pattern`` (escape ``\\``) as MariaDB's collation matches, on this connection."""
    if _register(connection):
        return lambda column, pattern: func.wp_fold(column).like(literal(fold_pattern(pattern)), escape="\\")
    return lambda column, pattern: func.lower(column).like(func.lower(literal(pattern)), escape="\\")


def like_pattern(term: str) -> str:
    """``'%' . $wpdb->esc_like($term) . '%'`` with ``\\`` as the escape character."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def sort_key(text: str) -> str:
    """A sort key comparing like MariaDB's ``utf8mb4_unicode_520_ci``: case and accents ignored."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().rstrip(" ")


__all__ = ["Like", "collated_like", "fold", "fold_pattern", "like_pattern", "sort_key"]
