"""The sort keys of an answer that the answer itself may not show, stated for the proxy's comparison.

WordPress orders a post's term ids by term name, a search by relevance, and a listing by a key that
``_fields`` may drop; MariaDB leaves the order of equal keys undefined. The proxy asks on its shadow
copies (``X-Strangler-Sort-Keys: 1``) and judges two answers that differ only inside runs of equal stated
keys as *equivalent*, and only when WordPress's own order agrees with those keys (``proxy.parity.ties``,
which owns the format). The handlers add the statement to their answer's headers (:func:`statement`);
the app takes it off before the answer is encoded (an envelope must not carry it, :func:`detached`) and
sends it only to a request that asks (:func:`for_request`). Asked or not, the answer is the same
and is cached once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, select

from extracted.rest import Answer, Item

from . import schema

__all__ = ["SORT_KEYS_HEADER", "asked", "detached", "for_request", "post_term_names", "statement", "with_statement"]

SORT_KEYS_HEADER = "X-Strangler-Sort-Keys"
_LOWER = SORT_KEYS_HEADER.lower()
_TERM_ARRAYS = ("categories", "tags")


def statement(order: Sequence[Any] | None = None, terms: Mapping[int, str] | None = None) -> list[tuple[str, str]]:
    """The header stating one key per item of the answer's list (``order``, in the answer's order)
    and the names of the term ids its posts carry; none when there is nothing to state."""
    value: dict[str, Any] = {}
    if order is not None:
        value["order"] = list(order)
    if terms:
        value["terms"] = {str(term_id): name for term_id, name in terms.items()}
    return [(SORT_KEYS_HEADER, json.dumps(value, separators=(",", ":")))] if value else []


def post_term_names(connection: Connection, items: Iterable[Item]) -> dict[int, str]:
    """The name of every term id in the items' ``categories`` and ``tags``."""
    ids = {term_id for item in items for name in _TERM_ARRAYS for term_id in item.data.get(name, ())}
    if not ids:
        return {}
    query = select(schema.terms.c.term_id, schema.terms.c.name).where(schema.terms.c.term_id.in_(sorted(ids)))
    return dict(connection.execute(query).tuples().all())


def detached(answer: Answer) -> tuple[Answer, list[tuple[str, str]]]:
    """The answer without its statement, and the statement."""
    stated = [(name, str(value)) for name, value in answer.headers if name == SORT_KEYS_HEADER]
    if not stated:
        return answer, []
    kept = [(name, value) for name, value in answer.headers if name != SORT_KEYS_HEADER]
    return Answer(answer.body, kept, answer.status), stated


def with_statement(headers: list[tuple[str, str]], stated: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A reply's headers with the statement before the final ``Vary`` (where CORS headers go too)."""
    if headers and headers[-1][0] == "Vary":
        return [*headers[:-1], *stated, headers[-1]]
    return [*headers, *stated]


def for_request(headers: list[tuple[str, str]], *, asked: bool) -> list[tuple[str, str]]:
    """A reply's headers as sent: the statement only to a request that asked for it."""
    return headers if asked else [(name, value) for name, value in headers if name.lower() != _LOWER]


def asked(request_headers: Mapping[str, str]) -> bool:
    return request_headers.get(_LOWER) == "1"
