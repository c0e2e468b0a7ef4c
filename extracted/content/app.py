"""The HTTP shell: Starlette routes for ``/wp-json/...`` and ``/?rest_route=...``, a response cache
invalidated by every committed batch, the exact headers and bytes, and ``/healthz``, ``/metrics``."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from extracted.runtime import ConsumerState, health_routes

from .comments_embed import is_replies, replies
from .errors import RestError
from .phpjson import php_json
from .phpquery import Query, parse_str
from .responses import BASE_HEADERS, Answer
from .routes import dispatch, is_served, split_href
from .shaping import Shape, answer_body
from .site import SiteState, load_site

CONTENT_TYPE = "application/json; charset=UTF-8"
CACHE_LIMIT = 4096
Rendered = tuple[int, list[tuple[str, str]], bytes]


class Generation:
    """Counts committed batches; a cached answer is valid while the count is unchanged."""

    def __init__(self) -> None:
        self.value = 0
        self._lock = threading.Lock()

    def bump(self) -> None:
        with self._lock:
            self.value += 1


def _resolver(connection: Connection, site: SiteState) -> Callable[[str], Any]:
    cache: dict[str, Any] = {}

    def resolve(href: str) -> Any:
        if href not in cache:
            split = split_href(site, href)
            if split is None or not (is_served(split[0]) or is_replies(*split)):
                cache[href] = []  # not ours (media, single comments): nothing to embed
            else:
                route, query = split
                query.setdefault("context", "embed")
                try:
                    if is_replies(route, query):
                        answer = replies(connection, site, query)
                    else:
                        answer = dispatch(connection, site, route, query)
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


def render(connection: Connection, route: str, query: Query) -> Rendered:
    site = load_site(connection)
    shape = Shape.of(query)
    own: list[tuple[str, Any]]
    try:
        answer: Answer = dispatch(connection, site, route, query)
        status, body = answer.status, answer_body(answer, shape, _resolver(connection, site))
        own = [*answer.headers, ("Allow", "GET")]
    except RestError as error:
        status, body = error.status, error.body()
        own = [] if error.permission or error.code == "rest_no_route" else [("Allow", "GET")]
    if shape.envelope:
        body = {"body": body, "status": status, "headers": dict(own)}
        return 200, _headers(site, []), php_json(body)
    return status, _headers(site, own), php_json(body)


def create_app(engine: Engine, state: ConsumerState, generation: Generation) -> Starlette:
    cache: dict[tuple[str, str], Rendered] = {}
    cached_generation = [-1]

    def answer(route: str, query_string: str, head: bool) -> Response:
        if cached_generation[0] != generation.value:
            cache.clear()
            cached_generation[0] = generation.value
        key = (route, query_string)
        rendered = cache.get(key)
        if rendered is None:
            with engine.connect() as connection:
                rendered = render(connection, route, parse_str(query_string))
            if len(cache) >= CACHE_LIMIT:
                cache.clear()
            cache[key] = rendered
        status, headers, body = rendered
        response = Response(b"" if head else body, status_code=status)
        response.raw_headers = [(k.lower().encode(), v.encode("latin-1")) for k, v in headers]
        response.raw_headers.append((b"content-length", str(len(body)).encode()))
        return response

    async def wp_json(request: Request) -> Response:
        route = "/" + request.path_params.get("route", "")
        return answer(route, request.url.query, request.method == "HEAD")

    async def rest_route(request: Request) -> Response:
        query = parse_str(request.url.query)
        route = query.get("rest_route")
        if not isinstance(route, str):
            return Response(status_code=404)
        return answer(route, request.url.query, request.method == "HEAD")

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
