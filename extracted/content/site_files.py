"""The site's files outside the REST API that content serves: ``/robots.txt``, ``/wp-sitemap.xml``, its
sub-sitemaps (``/wp-sitemap-posts-post-1.xml``...) and stylesheets (``sitemaps``, ``robots``).

Answers are cached per read-model generation (every committed batch starts a new one). Only the exact
spellings WordPress answers itself are served: an escaped or trailing-slash path (WordPress redirects
it), a query string other than a few arguments measured to change nothing (:func:`harmless_query`: query
variables override the rewrite's, ``redirect_canonical`` re-encodes what ``urlencode`` would change) and
any other form are a 503 with ``X-Strangler-Unavailable``, so the proxy serves WordPress's answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import Connection, Engine
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from extracted.rest import Reply, ServiceUnavailableError, encode_unavailable, send_page
from extracted.runtime.answer_cache import GenerationCache

from .robots import robots
from .sitemap_xml import parse_sitemap_file
from .sitemaps import sitemap_index, sitemap_stylesheet, sub_sitemap, unavailable

FIXED: dict[str, Callable[[Connection], Reply]] = {
    "/robots.txt": robots,
    "/wp-sitemap.xml": sitemap_index,
    "/wp-sitemap.xsl": lambda connection: sitemap_stylesheet(connection, "sitemap"),
    "/wp-sitemap-index.xsl": lambda connection: sitemap_stylesheet(connection, "index"),
}
CACHE_LIMIT = 1024
#: arguments with which WordPress 6.1 answers these files exactly as without them (measured; REST
#: clients and ``strangler verify`` send them): ``paged`` and ``sitemap*`` would change the answer
HARMLESS_ARGUMENTS = frozenset({"per_page", "page", "order", "orderby", "_embed", "_fields"})
#: a value ``urlencode`` leaves alone (``redirect_canonical`` redirects to the re-encoded query otherwise)
_PLAIN = re.compile(r"[A-Za-z0-9_.~-]+")


def harmless_query(query: str) -> bool:
    """Whether WordPress answers the file with this query string exactly as without it: distinct
    :data:`HARMLESS_ARGUMENTS`, each with a non-empty plain value."""
    if not query:
        return True
    pairs = [part.partition("=") for part in query.split("&")]
    keys = [key for key, _, _ in pairs]
    return len(set(keys)) == len(keys) and all(
        key in HARMLESS_ARGUMENTS and equals and _PLAIN.fullmatch(value) for key, equals, value in pairs
    )


def site_file_reply(connection: Connection, path: str, *, head: bool = False) -> Reply:
    """The answer to ``path`` (raw, without a query), or a 503 for a form the service does not serve."""
    try:
        if path == "/robots.txt":
            return robots(connection, head=head)
        if path in FIXED:
            return FIXED[path](connection)
        file = parse_sitemap_file(path.removeprefix("/"))
        if file is None or "/" + file.basename != path:
            raise unavailable(f"path {path}", "a spelling WordPress redirects or answers with a page")
        return sub_sitemap(connection, file)
    except ServiceUnavailableError as error:
        return encode_unavailable(error)


def site_file_routes(engine: Engine, generation: Callable[[], int]) -> list[Route]:
    """GET and HEAD routes for the files, and their trailing-slash forms (declined, not redirected)."""
    cache: GenerationCache[tuple[str, str], Reply] = GenerationCache(generation, CACHE_LIMIT)

    def answer(request: Request) -> Response:
        raw = (request.scope.get("raw_path") or request.url.path.encode()).decode("latin-1")
        if not harmless_query(request.scope.get("query_string", b"").decode("latin-1")):
            error = unavailable("request query", "a query string WordPress may answer differently")
            return send_page(request, encode_unavailable(error))

        def make() -> Reply:
            with engine.connect() as connection:
                return site_file_reply(connection, raw, head=request.method == "HEAD")

        return send_page(request, cache.answer((raw, request.method), make))

    async def endpoint(request: Request) -> Response:
        return answer(request)

    paths = [*FIXED, "/wp-sitemap-{file}.xml"]
    return [Route(path + slash, endpoint, methods=["GET", "HEAD"]) for path in paths for slash in ("", "/")]
