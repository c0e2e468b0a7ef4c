"""The REST layer over HTTP (Starlette): WordPress's two ways in (``/wp-json/ROUTE`` and
``?rest_route=ROUTE`` on ``/`` or ``/index.php``), the request's URL as PHP sees it, the forms of
request a service declines, and a :class:`~extracted.rest.server.Reply` sent as WordPress sends it
(``HEAD`` without a body, CORS headers for an ``Origin``, exact header names and ``Content-Length``).

Reads are :func:`rest_routes` (GET and HEAD); a service that also answers writes for its routes adds
:func:`rest_write_routes` (its own methods, the body read first), so no other service's routes change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .errors import UnsupportedRequestError
from .phpquery import parse_str
from .request_forms import cors_headers, unsupported_form
from .server import VARY_ORIGIN, Reply

#: sent (``1``) by the proxy on shadow copies of routes with a dry-run contract: answer, act on nothing
DRY_RUN_HEADER = "x-strangler-dry-run"


def is_dry_run(request: Request) -> bool:
    return request.headers.get(DRY_RUN_HEADER) == "1"


def send_page(request: Request, reply: Reply) -> Response:
    """A page's reply (not the REST API's: no CORS) with exactly its headers, and ``Content-Length``."""
    response = Response(b"" if request.method == "HEAD" else reply.body, status_code=reply.status)
    response.raw_headers = [(k.lower().encode(), v.encode("latin-1")) for k, v in reply.headers]
    response.raw_headers.append((b"content-length", str(len(reply.body)).encode()))
    return response


#: answers one request for a REST route (``/wp/v2/posts``), given the route and the request
RouteAnswer = Callable[[str, Request], Response]


def request_url(request: Request) -> str:
    """The URL as PHP sees it: ``HTTP_HOST`` and the raw ``REQUEST_URI`` (e.g. the login link's target)."""
    raw_path = request.scope.get("raw_path") or request.url.path.encode()
    query = request.scope.get("query_string", b"")
    uri = raw_path.decode("latin-1") + ("?" + query.decode("latin-1") if query else "")
    return f"{request.url.scheme}://{request.headers.get('host', '')}{uri}"


def declined_form(request: Request, *, service: str) -> UnsupportedRequestError | None:
    """:func:`~extracted.rest.request_forms.unsupported_form` of this request (its raw path and query)."""
    return unsupported_form(request.scope.get("raw_path") or b"", request.url.query, request.headers, service=service)


def send(request: Request, reply: Reply) -> Response:
    """The reply as WordPress sends it to this request."""
    body = reply.body
    response = Response(b"" if request.method == "HEAD" else body, status_code=reply.status)
    headers = reply.headers
    if cors := cors_headers(request.headers.get("origin")):  # before Vary, the last header, as WordPress
        headers = [*headers[:-1], *cors, headers[-1]] if headers[-1][0] == "Vary" else [*headers, *cors]
    elif request.method != "GET":  # rest_send_cors_headers varies on Origin only with one, or for a GET
        headers = [header for header in headers if header != VARY_ORIGIN]
    response.raw_headers = [(k.lower().encode(), v.encode("latin-1")) for k, v in headers]
    response.raw_headers.append((b"content-length", str(len(body)).encode()))
    return response


def rest_routes(answer: RouteAnswer) -> list[Route]:
    """GET and HEAD routes for ``/wp-json[/ROUTE]`` and ``/?rest_route=ROUTE`` (``/index.php`` too);
    without ``rest_route``, ``/`` is a bare 404 (it is WordPress's front page, not the API)."""

    async def wp_json(request: Request) -> Response:
        return answer("/" + request.path_params.get("route", ""), request)

    async def rest_route(request: Request) -> Response:
        route = parse_str(request.url.query).get("rest_route")
        if not isinstance(route, str):
            return Response(status_code=404)
        return answer(route, request)

    return [
        Route("/wp-json/{route:path}", wp_json, methods=["GET", "HEAD"]),
        Route("/wp-json", wp_json, methods=["GET", "HEAD"]),
        Route("/", rest_route, methods=["GET", "HEAD"]),
        Route("/index.php", rest_route, methods=["GET", "HEAD"]),
    ]


#: answers one write request for a REST route, given the route, the request and its body (``None`` when
#: the body is longer than the routes read)
WriteAnswer = Callable[[str, Request, bytes | None], Response]
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


async def _body(request: Request, limit: int) -> bytes | None:
    """The request's body, or ``None`` once it is longer than ``limit`` (the rest is not read)."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


def rest_write_routes(answer: WriteAnswer, methods: Sequence[str] = WRITE_METHODS, *,
                      max_body: int = 1024 * 1024) -> list[Route]:  # fmt: skip
    """``methods`` routes for the paths of :func:`rest_routes`, to list after them (Starlette takes the
    first route whose path and method match); ``/`` without ``rest_route`` is a bare 404 here too."""

    async def wp_json(request: Request) -> Response:
        return answer("/" + request.path_params.get("route", ""), request, await _body(request, max_body))

    async def rest_route(request: Request) -> Response:
        route = parse_str(request.url.query).get("rest_route")
        if not isinstance(route, str):
            return Response(status_code=404)
        return answer(route, request, await _body(request, max_body))

    written = list(methods)
    return [
        Route("/wp-json/{route:path}", wp_json, methods=written),
        Route("/wp-json", wp_json, methods=written),
        Route("/", rest_route, methods=written),
        Route("/index.php", rest_route, methods=written),
    ]
