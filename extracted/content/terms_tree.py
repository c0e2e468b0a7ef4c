"""Term lookups shared by the post query and the terms endpoints: term_taxonomy ids, descendants."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, select

from . import schema

taxonomies = schema.taxonomies


def term_taxonomy_ids(connection: Connection, taxonomy: str, term_ids: Sequence[int]) -> list[int]:
    query = select(taxonomies.c.term_taxonomy_id).where(
        taxonomies.c.taxonomy == taxonomy, taxonomies.c.term_id.in_(list(term_ids))
    )
    return [row.term_taxonomy_id for row in connection.execute(query)]


def parents(connection: Connection, taxonomy: str) -> dict[int, int]:
    """term_id → parent term_id of every term of ``taxonomy``."""
    query = select(taxonomies.c.term_id, taxonomies.c.parent).where(taxonomies.c.taxonomy == taxonomy)
    return {row.term_id: row.parent for row in connection.execute(query)}


def descendants(connection: Connection, taxonomy: str, term_ids: Sequence[int]) -> list[int]:
    """Every term below the given ones (``get_term_children``), without repeats."""
    children: dict[int, list[int]] = {}
    for term, parent in parents(connection, taxonomy).items():
        children.setdefault(parent, []).append(term)
    found: list[int] = []
    pending = list(term_ids)
    while pending:
        for child in children.get(pending.pop(), []):
            if child not in found:
                found.append(child)
                pending.append(child)
    return found
