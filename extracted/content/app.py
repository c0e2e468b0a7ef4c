"""The HTTP shell: Starlette routes for ``/wp-json/...`` and ``/?rest_route=...``, a response cache
invalidated by every committed batch, the exact headers and bytes, and ``/healthz``, ``/metrics``.

A response whose posts were rendered at request time from the request's time or URL (see ``live``) is
cached only for the same day and URL. A response with a post the service cannot render is a 503 with
``X-Strangler-Unavailable`` (the proxy then serves WordPress's answer; see ``errors.ContentUnavailableError``),
and so is a form of request the service does not reproduce (``request_forms``: ``_jsonp``, method overrides…).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from extracted.runtime import ConsumerState, health_routes

from .comments_embed import is_replies, replies
from .errors import RestError, ServiceUnavailableError, UnsupportedRequestError
from .live import LiveRendering, RequestFacts, ResponseRendering
from .media_embed import get_media, media_id
from .phpjson import php_json
from .phpquery import Query, parse_str
from .request_forms import cors_headers, unsupported_form
from .responses import BASE_HEADERS, Answer
from .routes import dispatch, is_served, split_href
from .shaping import Shape, answer_body
from .site import SiteState, load_site

CONTENT_TYPE = "application/json; charset=UTF-8"
CACHE_LIMIT = 4096


class Generation:
    """Counts committed batches; a cached answer is valid while the count is unchanged."""

    def __init__(self) -> None:
        self.value = 0
        self._lock = threading.Lock()

    def bump(self) -> None:
        with self._lock:
            self.value += 1


@dataclass(frozen=True)
class Rendered:
    """An answer's bytes, and what of the request its rendering read (see ``holds_for``)."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes
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


def _resolver(connection: Connection, site: SiteState, rendering: ResponseRendering) -> Callable[[str], Any]:
    cache: dict[str, Any] = {}

    def resolve(href: str) -> Any:
        if href not in cache:
            split = split_href(site, href)
            if split is not None and _embeds_elsewhere(split[0]):
                raise UnsupportedRequestError("embed", f"embedding {split[0]} (a featured image that is not an image)")
            if split is None or not (is_served(split[0]) or is_replies(*split) or media_id(split[0]) is not None):
                cache[href] = []  # not ours (single comments, other routes): nothing to embed
            else:
                route, query = split
                query.setdefault("context", "embed")
                attachment = media_id(route)
                try:
                    if is_replies(route, query):
                        answer = replies(connection, site, query)
                    elif attachment is not None:
                        answer = get_media(connection, site, attachment, rendering=rendering)
                    else:
                        answer = dispatch(connection, site, route, query, rendering)
                    cache[href] = answer_body(answer, Shape.of(query), resolve)
                except RestError as error:
                    cache[href] = error.body()
        return cache[href]

    return resolve


def _headers(site: SiteState, own: list[tuple[str, Any]]) -> list[tuple[str, str]]:
    headers = [("Content-Type", CONTENT_TYPE), BASE_HEADERS[0]]
    if not any(name == "Link" for name, _ in own):
        headers.append(("Link", f'<{site.urls.rest_url("/")}>; rel="https://api.w.org/"'))
    headers += [*BASE_HEADERS[1:], *((name, str(value)) for name, value in own), ("Vary", "Origin")]
    return headers


def _unavailable(
    error: ServiceUnavailableError, reads: frozenset[str] = frozenset(), facts: RequestFacts | None = None
) -> Rendered:
    headers = [("Content-Type", CONTENT_TYPE), ("X-Strangler-Unavailable", error.unavailable)]
    return Rendered(503, headers, php_json(error.body()), reads, facts or RequestFacts())


def render(
    connection: Connection, route: str, query: Query, live: LiveRendering | None = None, url: str = ""
) -> Rendered:
    """The answer to one request (``live``: the generation's request-time renderings, else a new one)."""
    site = load_site(connection)
    facts = RequestFacts(now=datetime.now(site.tz).strftime("%Y-%m-%d %H:%M:%S"), url=url)
    rendering = ResponseRendering(connection, live or LiveRendering(), facts)
    shape = Shape.of(query)
    own: list[tuple[str, Any]]
    try:
        try:
            answer: Answer = dispatch(connection, site, route, query, rendering)
            status, body = answer.status, answer_body(answer, shape, _resolver(connection, site, rendering))
            own = [*answer.headers, ("Allow", "GET")]
        except RestError as error:
            status, body = error.status, error.body()
            own = [] if error.permission or error.code == "rest_no_route" else [("Allow", "GET")]
    except ServiceUnavailableError as error:  # never enveloped: the proxy must see the 503 to fall back
        return _unavailable(error, frozenset(rendering.reads), facts)
    if shape.envelope:
        body = {"body": body, "status": status, "headers": dict(own)}
        own, status = [], 200
    return Rendered(status, _headers(site, own), php_json(body), frozenset(rendering.reads), facts)


def request_url(request: Request) -> str:
    """The URL as PHP sees it: ``HTTP_HOST`` and the raw ``REQUEST_URI`` (e.g. the login link's target)."""
    raw_path = request.scope.get("raw_path") or request.url.path.encode()
    query = request.scope.get("query_string", b"")
    uri = raw_path.decode("latin-1") + ("?" + query.decode("latin-1") if query else "")
    return f"{request.url.scheme}://{request.headers.get('host', '')}{uri}"


def create_app(engine: Engine, state: ConsumerState, generation: Generation) -> Starlette:
    cache: dict[tuple[str, str], Rendered] = {}
    live = [LiveRendering(-1)]

    def answer(route: str, request: Request) -> Response:
        if live[0].generation != generation.value:
            cache.clear()
            live[0] = LiveRendering(generation.value)
        key = (route, request.url.query)
        declined = unsupported_form(request.scope.get("raw_path") or b"", request.url.query, request.headers)
        rendered = _unavailable(declined) if declined else cache.get(key)
        if rendered is not None and rendered.reads:  # rendered from the request's time or URL
            with engine.connect() as connection:  # the site's time zone, for today's date
                today = datetime.now(load_site(connection).tz).strftime("%Y-%m-%d %H:%M:%S")
            if not rendered.holds_for(RequestFacts(today, request_url(request))):
                rendered = None
        if rendered is None:
            with engine.connect() as connection:
                rendered = render(connection, route, parse_str(request.url.query), live[0], request_url(request))
            if len(cache) >= CACHE_LIMIT:
                cache.clear()
            cache[key] = rendered
        body = rendered.body
        response = Response(b"" if request.method == "HEAD" else body, status_code=rendered.status)
        headers = rendered.headers
        if cors := cors_headers(request.headers.get("origin")):  # before Vary, the last header, as WordPress
            headers = [*headers[:-1], *cors, headers[-1]] if headers[-1][0] == "Vary" else [*headers, *cors]
        response.raw_headers = [(k.lower().encode(), v.encode("latin-1")) for k, v in headers]
        response.raw_headers.append((b"content-length", str(len(body)).encode()))
        return response

    async def wp_json(request: Request) -> Response:
        return answer("/" + request.path_params.get("route", ""), request)

    async def rest_route(request: Request) -> Response:
        route = parse_str(request.url.query).get("rest_route")
        if not isinstance(route, str):
            return Response(status_code=404)
        return answer(route, request)

    def store_health() -> dict[str, Any]:
        try:
            with engine.connect() as connection:
                load_site(connection)
        except SQLAlchemyError as error:
            return {"healthy": False, "store_error": str(error)}
        return {"healthy": True, "generation": generation.value}

    routes = [
        *health_routes(state, store_health),
        Route("/wp-json/{route:path}", wp_json, methods=["GET", "HEAD"]),
        Route("/wp-json", wp_json, methods=["GET", "HEAD"]),
        Route("/", rest_route, methods=["GET", "HEAD"]),
        Route("/index.php", rest_route, methods=["GET", "HEAD"]),
    ]
    return Starlette(routes=routes)
