"""The REST server's common steps after an endpoint: context, ``_fields``, ``_links``, ``_embed``,
``_envelope`` and headers, in WordPress's order (see ``WP_REST_Server::serve_request``).

Collections carry their items' links inside each item *before* ``_fields`` applies (so ``_fields``
can drop or trim them, and items without links are not embedded); single items get them after.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .links import compact
from .responses import Answer, Item
from .types import Query, QueryValue, Resolver


def _field_list(value: QueryValue | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, dict):
        return [str(v).strip() for v in value.values() if isinstance(v, str)]
    return [part.strip() for part in re.split(r"[\s,]+", value) if part.strip()]


def field_included(field: str, fields: Sequence[str]) -> bool:
    """``rest_is_field_included``."""
    if field in fields:
        return True
    return any(f.startswith(field + ".") or field.startswith(f + ".") for f in fields)


def _keyed(fields: Sequence[str]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for field in fields:
        parts = field.split(".")
        ref = tree
        skip = False
        for part in parts[:-1]:
            if ref.get(part) is True:
                skip = True
                break
            ref = ref.setdefault(part, {})
        if not skip:
            ref[parts[-1]] = True
    return tree


def _intersect(data: dict[str, Any], keyed: dict[str, Any]) -> dict[str, Any]:
    result = {}
    for key, value in data.items():
        if key not in keyed:
            continue
        wanted = keyed[key]
        result[key] = _intersect(value, wanted) if isinstance(value, dict) and isinstance(wanted, dict) else value
    return result


@dataclass(frozen=True)
class Shape:
    """What the query asks of the response's form."""

    context: str
    fields: list[str]
    embed: bool | list[str]
    envelope: bool

    @classmethod
    def of(cls, query: Query) -> Shape:
        context = query.get("context")
        embed: bool | list[str] = False
        if "_embed" in query:
            raw = query["_embed"]
            embed = True if raw in ("", "1", "true") else _field_list(raw)
        return cls(
            context=context if isinstance(context, str) else "view",
            fields=_field_list(query.get("_fields")) if "_fields" in query else [],
            embed=embed,
            envelope="_envelope" in query,
        )

    @property
    def with_links(self) -> bool:
        return not self.fields or field_included("_links", self.fields) or field_included("_embedded", self.fields)

    def filter_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        return _intersect(data, _keyed(self.fields)) if self.fields else data


def item_data(item: Item, shape: Shape, *, in_collection: bool, resolve: Resolver) -> dict[str, Any]:
    """One item as the response shows it: context, links, ``_fields``, then ``_embedded``."""
    data = item.data
    if shape.context == "embed":
        data = {key: value for key, value in data.items() if key in item.embed_fields}
    links = compact(item.links) if shape.with_links else {}
    if in_collection:
        data = shape.filter_fields({**data, "_links": links} if links else data)
    else:
        data = shape.filter_fields(data)
        if links:
            data["_links"] = links
    if shape.embed and data.get("_links"):
        embedded = embed_links(data["_links"], shape.embed, resolve)
        if embedded:
            data["_embedded"] = embedded
    return data


def embed_links(links: dict[str, Any], embed: bool | list[str], resolve: Resolver) -> dict[str, Any]:
    """``WP_REST_Server::embed_links``: each embeddable link's data, by relation (``embed``: all, or these)."""
    embedded: dict[str, Any] = {}
    for rel, entries in links.items():
        if isinstance(embed, list) and rel not in embed:
            continue
        found = [resolve(entry["href"]) if entry.get("embeddable") else [] for entry in entries]
        if any(found):
            embedded[rel] = found
    return embedded


def answer_body(answer: Answer, shape: Shape, resolve: Resolver) -> Any:
    """The response's data: the item, or the list of items, shaped."""
    if isinstance(answer.body, list):
        return [item_data(item, shape, in_collection=True, resolve=resolve) for item in answer.body]
    return item_data(answer.body, shape, in_collection=False, resolve=resolve)
