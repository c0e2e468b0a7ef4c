"""``_embed``: following a response's embeddable links to the service's own routes.

WordPress embeds by dispatching each embeddable link's URL as an internal request (in ``embed``
context unless the link sets one), once per URL per response; an error answer is embedded as its
error body. The service says which routes are its own and answers them (:data:`EmbedTarget`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from .errors import RestError
from .phpquery import parse_str
from .shaping import Shape, answer_body
from .types import EmbedTarget, Query, Resolver, RestSite


def split_href(site: RestSite, href: str) -> tuple[str, Query] | None:
    """The route and query of one of the site's own REST URLs (as found in ``_links``), or None."""
    parts = urlsplit(href)
    query = parse_str(parts.query)
    root = urlsplit(site.urls.rest_url("/"))
    if parts.netloc != root.netloc:
        return None
    if "rest_route" in query and isinstance(query["rest_route"], str):
        route = query.pop("rest_route")
        assert isinstance(route, str)
        return route, query
    prefix = root.path.rstrip("/")
    if not parts.path.startswith(prefix + "/"):
        return None
    return parts.path[len(prefix) :], query


def embed_resolver(site: RestSite, target: EmbedTarget) -> Resolver:
    """A resolver for one response: each href answered once, by ``target``, shaped as its query asks."""
    cache: dict[str, Any] = {}

    def resolve(href: str) -> Any:
        if href not in cache:
            split = split_href(site, href)
            if split is None:
                cache[href] = []  # another site's URL: nothing to embed
                return cache[href]
            route, query = split
            query.setdefault("context", "embed")
            try:
                answer = target(route, query)
                cache[href] = [] if answer is None else answer_body(answer, Shape.of(query), resolve)
            except RestError as error:
                cache[href] = error.body()
        return cache[href]

    return resolve
