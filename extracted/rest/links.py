"""HAL links as WordPress writes them: attributes before ``href``, ``https://api.w.org/`` relations
compacted to ``wp:`` and moved after the others, then ``curies``."""

from __future__ import annotations

from typing import Any

from .phpquery import add_query_arg
from .types import Links

CURIE_PREFIX = "https://api.w.org/"
CURIES = [{"name": "wp", "href": "https://api.w.org/{rel}", "templated": True}]


def with_query(url: str, **params: object) -> str:
    """``add_query_arg`` of plain values (``with_query(url, post=5)``)."""
    return add_query_arg(url, {name: str(value) for name, value in params.items()})


def link(href: str, **attributes: Any) -> dict[str, Any]:
    """One link object: its attributes (``embeddable``, ``taxonomy``...), then ``href``."""
    return {**attributes, "href": href}


def compact(links: Links) -> Links:
    """``get_compact_response_links``."""
    plain = {rel: items for rel, items in links.items() if not rel.startswith(CURIE_PREFIX)}
    curied = {"wp:" + rel[len(CURIE_PREFIX) :]: items for rel, items in links.items() if rel.startswith(CURIE_PREFIX)}
    if not curied:
        return plain
    return {**plain, **curied, "curies": CURIES}
