"""REST routes of the content service and their dispatch (``WP_REST_Server::dispatch`` for ours).

``/wp/v2/users`` is the users service's route (``extracted/capabilities.yaml``): content answers it only
inside its own answers (authors' ``_embed``), and declines a visitor's request for it
(:func:`dispatch_request`: a 503 the proxy answers with WordPress's response, should a stale route send one here).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import Connection

from extracted.rest import Answer, Query, ServiceUnavailableError, no_route

from .errors import SERVICE
from .live import ResponseRendering
from .posts_api import get_post, get_posts
from .site import SiteState
from .terms_api import get_term, get_terms
from .users_api import get_user

# (connection, site, the route's match, query, the response's rendering)
Handler = Callable[[Connection, SiteState, re.Match[str], Query, ResponseRendering], Answer]


def _posts(c: Connection, s: SiteState, m: re.Match[str], q: Query, r: ResponseRendering) -> Answer:
    post_type = "post" if m["base"].lower() == "posts" else "page"
    return get_posts(c, s, post_type, q, route="/wp/v2/" + m["base"].lower(), rendering=r)


def _post(c: Connection, s: SiteState, m: re.Match[str], q: Query, r: ResponseRendering) -> Answer:
    return get_post(c, s, "post" if m["base"].lower() == "posts" else "page", int(m["id"]), q, rendering=r)


def _terms(c: Connection, s: SiteState, m: re.Match[str], q: Query, r: ResponseRendering) -> Answer:
    return get_terms(c, s, m["base"].lower(), q)


def _term(c: Connection, s: SiteState, m: re.Match[str], q: Query, r: ResponseRendering) -> Answer:
    return get_term(c, s, m["base"].lower(), int(m["id"]), q)


ROUTES: list[tuple[re.Pattern[str], Handler]] = [
    (re.compile(r"/wp/v2/(?P<base>posts|pages)", re.IGNORECASE), _posts),
    (re.compile(r"/wp/v2/(?P<base>posts|pages)/(?P<id>[\d]+)", re.IGNORECASE), _post),
    (re.compile(r"/wp/v2/(?P<base>categories|tags)", re.IGNORECASE), _terms),
    (re.compile(r"/wp/v2/(?P<base>categories|tags)/(?P<id>[\d]+)", re.IGNORECASE), _term),
    (re.compile(r"/wp/v2/users/(?P<id>[\d]+)", re.IGNORECASE), lambda c, s, m, q, r: get_user(c, s, int(m["id"]), q)),
]
SERVED = re.compile(r"/wp/v2/(posts|pages|categories|tags|users)(/[\d]+)?", re.IGNORECASE)
#: served for embeds only
EMBED_ONLY = re.compile(r"/wp/v2/users(/[\d]+)?", re.IGNORECASE)


def normalise_route(route: str) -> str:
    route = route.rstrip("/")
    return route or "/"


def dispatch(connection: Connection, site: SiteState, route: str, query: Query, rendering: ResponseRendering) -> Answer:
    route = normalise_route(route)
    for pattern, handler in ROUTES:
        match = pattern.fullmatch(route)
        if match:
            return handler(connection, site, match, query, rendering)
    raise no_route()


def dispatch_request(
    connection: Connection, site: SiteState, route: str, query: Query, rendering: ResponseRendering
) -> Answer:
    """A visitor's request: :func:`dispatch`, but for the routes content serves only in embeds."""
    if EMBED_ONLY.fullmatch(normalise_route(route)):
        raise ServiceUnavailableError(
            f"{route} is served by the users service", service=SERVICE, unavailable=f"route {normalise_route(route)}"
        )
    return dispatch(connection, site, route, query, rendering)


def is_served(route: str) -> bool:
    return SERVED.fullmatch(normalise_route(route)) is not None
