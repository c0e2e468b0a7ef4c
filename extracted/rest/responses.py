"""What an endpoint returns before the server's common steps (context, ``_fields``, links, ``_embed``,
``_envelope``, headers) turn it into bytes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .types import Headers, Links

# The REST server's own headers, in WordPress's order, before an endpoint's.
BASE_HEADERS = (
    ("X-Robots-Tag", "noindex"),
    ("X-Content-Type-Options", "nosniff"),
    ("Access-Control-Expose-Headers", "X-WP-Total, X-WP-TotalPages, Link"),
    ("Access-Control-Allow-Headers", "Authorization, X-WP-Nonce, Content-Disposition, Content-MD5, Content-Type"),
)


@dataclass
class Item:
    """One resource: its data in view context, its links, and the fields the embed context keeps."""

    data: dict[str, Any]
    links: Links
    embed_fields: frozenset[str]


@dataclass
class Answer:
    """An endpoint's successful answer: one item or a list, plus headers (``X-WP-Total``, ``Link`` ...)."""

    body: Item | list[Item]
    headers: Headers = field(default_factory=list)
    status: int = 200
