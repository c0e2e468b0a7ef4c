"""A service's REST answers read from its store: the request's site, its endpoint, ``_embed`` of its own routes.

Every service whose endpoints are ``dispatch(connection, site, route, query) -> Answer`` answers the
same way (users, comments): the site state is loaded per request (the consumer may have changed it),
embeddable links are followed to the routes the service serves itself (others are left out, as
WordPress leaves out what it cannot embed), and a declined request is a bare 503, never enveloped, so
the proxy sees it and serves WordPress's answer. Content has its own (a response cache, live renderings).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, Engine
from starlette.requests import Request
from starlette.responses import Response

from .embedding import embed_resolver
from .errors import ServiceUnavailableError, no_route
from .http import declined_form, send
from .phpquery import parse_str
from .responses import Answer
from .server import Reply, encode_answer, encode_unavailable
from .types import Query

__all__ = [
    "Handler",
    "Memo",
    "RouteTable",
    "StoreEndpoints",
    "dispatch_route",
    "render_from_store",
    "serves_route",
    "store_answer",
]


class StoreEndpoints:
    """What a service's REST endpoints are: its site state, its dispatcher and the routes it serves."""

    def __init__(
        self,
        service: str,
        load_site: Callable[[Connection], Any],
        dispatch: Callable[[Connection, Any, str, Query], Answer],
        is_served: Callable[[str], bool],
    ) -> None:
        self.service = service
        self.load_site = load_site
        self.dispatch = dispatch
        self.is_served = is_served


def render_from_store(connection: Connection, endpoints: StoreEndpoints, route: str, query: Query) -> Reply:
    """The answer to one request for ``route``."""
    site = endpoints.load_site(connection)

    def target(embedded: str, embedded_query: Query) -> Answer | None:
        return endpoints.dispatch(connection, site, embedded, embedded_query) if endpoints.is_served(embedded) else None

    try:
        return encode_answer(
            site, query, lambda: endpoints.dispatch(connection, site, route, query), embed_resolver(site, target)
        )
    except ServiceUnavailableError as error:  # never enveloped: the proxy must see the 503 to fall back
        return encode_unavailable(error)


#: answers a key once: ``memo(key, make)`` is a kept reply, or ``make()``'s (e.g. a per-generation cache's)
Memo = Callable[[tuple[str, str], Callable[[], Reply]], Reply]


def _unkept(key: tuple[str, str], make: Callable[[], Reply]) -> Reply:
    return make()


def store_answer(engine: Engine, endpoints: StoreEndpoints, memo: Memo = _unkept) -> Callable[[str, Request], Response]:
    """The ``answer(route, request)`` of :func:`~extracted.rest.rest_routes` for these endpoints; replies
    go through ``memo`` by route and query string (what of the request they depend on: CORS headers
    and HEAD are applied to each request by ``send``)."""

    def answer(route: str, request: Request) -> Response:
        declined = declined_form(request, service=endpoints.service)
        if declined is not None:
            return send(request, encode_unavailable(declined))
        query = request.url.query

        def make() -> Reply:
            with engine.connect() as connection:
                return render_from_store(connection, endpoints, route, parse_str(query))

        return send(request, memo((route, query), make))

    return answer


#: one route's endpoint: (connection, site state, the route's match, query) → answer
Handler = Callable[[Connection, Any, re.Match[str], Query], Answer]
RouteTable = Sequence[tuple[re.Pattern[str], Handler]]


def _normalised(route: str) -> str:
    return route.rstrip("/") or "/"


def dispatch_route(routes: RouteTable, connection: Connection, site: Any, route: str, query: Query) -> Answer:
    """``WP_REST_Server::dispatch`` over a service's routes (patterns matched whole, a trailing slash
    ignored): the first that matches answers; ``rest_no_route`` when none does."""
    route = _normalised(route)
    for pattern, handler in routes:
        match = pattern.fullmatch(route)
        if match:
            return handler(connection, site, match, query)
    raise no_route()


def serves_route(routes: RouteTable, route: str) -> bool:
    """Whether :func:`dispatch_route` answers ``route`` with one of ``routes``."""
    return any(pattern.fullmatch(_normalised(route)) for pattern, _ in routes)
