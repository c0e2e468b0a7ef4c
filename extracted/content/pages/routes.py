"""The HTML routes of the content service: ``GET``/``HEAD`` ``/<slug>/`` answered with WordPress's 404
page when WordPress would answer it so (``not_found``), from fresh pieces (``pieces``); every other
case is a 503 with ``X-Strangler-Unavailable`` (the proxy serves WordPress's answer). Answers are
cached per read-model generation (the refresher bumps it when it stored new pieces)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, Engine
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from extracted.rest import Reply, ServiceUnavailableError, encode_unavailable, send_page
from extracted.runtime.answer_cache import GenerationCache

from ..errors import SERVICE
from .documents import not_found_page
from .not_found import not_found_reason
from .pieces import fresh_pieces

__all__ = ["page_reply", "page_routes"]

CACHE_LIMIT = 1024


def _declined(what: str, why: str) -> Reply:
    return encode_unavailable(ServiceUnavailableError(why, service=SERVICE, unavailable=what))


def page_reply(connection: Connection, path: str, query: str) -> Reply:
    """The answer to an HTML page request (``path`` raw, ``query`` its query string)."""
    reason = not_found_reason(connection, path, query)
    if reason is not None:
        return _declined(f"page {path}", reason)
    pieces = fresh_pieces(connection)
    if pieces is None:
        return _declined("page pieces", "the pages' site-wide pieces are missing or older than the read model")
    reply = not_found_page(pieces)
    return reply or _declined("page 404", "the document title differs from the one WordPress rendered")


def page_routes(engine: Engine, generation: Callable[[], int]) -> list[Route]:
    cache: GenerationCache[tuple[str, str], Reply] = GenerationCache(generation, CACHE_LIMIT)

    async def endpoint(request: Request) -> Response:
        raw = (request.scope.get("raw_path") or request.url.path.encode()).decode("latin-1")
        query = request.scope.get("query_string", b"").decode("latin-1")

        def make() -> Reply:
            with engine.connect() as connection:
                return page_reply(connection, raw, query)

        return send_page(request, cache.answer((raw, query), make))

    return [Route(path, endpoint, methods=["GET", "HEAD"]) for path in ("/{segment}/", "/{segment}")]
