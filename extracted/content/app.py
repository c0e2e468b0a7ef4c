"""The content service's HTTP app: its routes through ``extracted.rest`` (``/wp-json/...`` and
``/?rest_route=...``), a response cache invalidated by every committed batch, and ``/healthz``, ``/metrics``;
``/robots.txt`` and the sitemaps (``site_files``), ``/feed/`` (``feeds``).

A response whose posts were rendered at request time from the request's time or URL (see ``live``) is
cached only for the same day and URL. A response with a post the service cannot render is a 503 with
``X-Strangler-Unavailable`` (the proxy then serves WordPress's answer; see ``errors.ContentUnavailableError``),
and so is a form of request the service does not reproduce (``extracted.rest.request_forms``: ``_jsonp``,
method overrides…) and an embed of a route WordPress serves and this service does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response

from extracted.rest import (
    Answer,
    Query,
    Reply,
    Resolver,
    ServiceUnavailableError,
    UnsupportedRequestError,
    declined_form,
    embed_resolver,
    encode_answer,
    encode_unavailable,
    parse_str,
    request_url,
    rest_routes,
    send,
)
from extracted.runtime import ConsumerState, health_routes
from extracted.runtime.answer_cache import Generation, GenerationCache

from .comments_embed import is_replies, replies
from .errors import SERVICE
from .feeds import feed_routes
from .live import LiveRendering, RequestFacts, ResponseRendering
from .media_embed import get_media, media_id
from .pages import page_routes
from .routes import dispatch, dispatch_request, is_served
from .site import SiteState, load_site
from .site_files import site_file_routes
from .sort_keys import asked, detached, for_request, with_statement

CACHE_LIMIT = 4096


@dataclass(frozen=True)
class Rendered(Reply):
    """An answer's bytes, and what of the request its rendering read (see ``holds_for``)."""

    reads: frozenset[str] = frozenset()
    facts: RequestFacts = field(default_factory=RequestFacts)

    def holds_for(self, facts: RequestFacts) -> bool:
        if "now" in self.reads and facts.day != self.facts.day:
            return False
        return "request_url" not in self.reads or facts.url == self.facts.url


#: embeddable links WordPress follows to routes the service does not serve: the REST index (a featured
#: image id of nothing) and other post types' routes (a featured image id of a menu item, a block…)
_ELSEWHERE = re.compile(r"/|/wp/v2/(?:menu-items|blocks|templates|template-parts|navigation)/.*")


def _embeds_elsewhere(route: str) -> bool:
    return _ELSEWHERE.fullmatch(route) is not None


def _resolver(connection: Connection, site: SiteState, rendering: ResponseRendering) -> Resolver:
    """``_embed`` of our routes, a post's replies and its featured media; nothing of routes that are
    not ours (single comments...); a 503 for routes WordPress serves and the service does not."""

    def target(route: str, query: Query) -> Answer | None:
        if _embeds_elsewhere(route):
            raise UnsupportedRequestError(
                "embed", f"embedding {route} (a featured image that is not an image)", service=SERVICE
            )
        attachment = media_id(route)
        if is_replies(route, query):
            return replies(connection, site, query)
        if attachment is not None:
            return get_media(connection, site, attachment, rendering=rendering)
        if is_served(route):
            return dispatch(connection, site, route, query, rendering)
        return None

    return embed_resolver(site, target)


def _declined(
    error: ServiceUnavailableError, reads: frozenset[str] = frozenset(), facts: RequestFacts | None = None
) -> Rendered:
    reply = encode_unavailable(error)
    return Rendered(reply.status, reply.headers, reply.body, reads, facts or RequestFacts())


def render(
    connection: Connection, route: str, query: Query, live: LiveRendering | None = None, url: str = ""
) -> Rendered:
    """The answer to one request (``live``: the generation's request-time renderings, else a new one)."""
    site = load_site(connection)
    facts = RequestFacts(now=datetime.now(site.tz).strftime("%Y-%m-%d %H:%M:%S"), url=url)
    rendering = ResponseRendering(connection, live or LiveRendering(), facts)
    resolve = _resolver(connection, site, rendering)
    stated: list[tuple[str, str]] = []  # the sort keys the answer may not show (sort_keys), never enveloped

    def endpoint() -> Answer:
        answer, keys = detached(dispatch_request(connection, site, route, query, rendering))
        stated.extend(keys)
        return answer

    try:
        reply = encode_answer(site, query, endpoint, resolve)
    except ServiceUnavailableError as error:  # never enveloped: the proxy must see the 503 to fall back
        return _declined(error, frozenset(rendering.reads), facts)
    headers = with_statement(reply.headers, stated)
    return Rendered(reply.status, headers, reply.body, frozenset(rendering.reads), facts)


def create_app(engine: Engine, state: ConsumerState, generation: Generation) -> Starlette:
    cache: GenerationCache[tuple[str, str], Rendered] = GenerationCache(lambda: generation.value, CACHE_LIMIT)
    live = [LiveRendering(-1)]

    def answer(route: str, request: Request) -> Response:
        if live[0].generation != generation.value:
            live[0] = LiveRendering(generation.value)
        key = (route, request.url.query)
        declined = declined_form(request, service=SERVICE)
        rendered = _declined(declined) if declined else cache.get(key)
        if rendered is not None and rendered.reads:  # rendered from the request's time or URL
            with engine.connect() as connection:  # the site's time zone, for today's date
                today = datetime.now(load_site(connection).tz).strftime("%Y-%m-%d %H:%M:%S")
            if not rendered.holds_for(RequestFacts(today, request_url(request))):
                rendered = None
        if rendered is None:
            before = cache.generation()
            with engine.connect() as connection:
                rendered = render(connection, route, parse_str(request.url.query), live[0], request_url(request))
            cache.put(key, rendered, before)
        return send(request, replace(rendered, headers=for_request(rendered.headers, asked=asked(request.headers))))

    def store_health() -> dict[str, Any]:
        try:
            with engine.connect() as connection:
                load_site(connection)
        except SQLAlchemyError as error:
            return {"healthy": False, "store_error": str(error)}
        return {"healthy": True, "generation": generation.value}

    files = site_file_routes(engine, lambda: generation.value)  # robots.txt, sitemaps
    feeds = feed_routes(engine, lambda: generation.value)  # /feed/
    pages = page_routes(engine, lambda: generation.value)  # HTML pages: /<slug>/ last, after the files
    return Starlette(routes=[*health_routes(state, store_health), *rest_routes(answer), *files, *feeds, *pages])
