"""The comments service's HTTP app: ``/wp/v2/comments[/ID]`` through ``extracted.rest`` (``/wp-json/...``
and ``/?rest_route=...``), ``/wp-comments-post.php`` (``submission_endpoint``), plus ``/healthz``
(with the dry runs compared with WordPress's decisions, ``dry_runs``) and ``/metrics`` (the
consumer's, and the workers').

Answers to the REST reads are kept per read-model generation (``extracted.runtime.answer_cache``: the
context's generation moves with every committed batch and every comment the service takes).

Writes to the REST routes (``POST``, ``PUT``, ``PATCH``, ``DELETE``) are answered as WordPress answers a
visitor, always an error and storing nothing (``create``).

Forms of request the service does not reproduce (``extracted.rest.request_forms``) are declined with
a 503 and ``X-Strangler-Unavailable``, so the proxy serves WordPress's answer.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from extracted.rest import (
    Reply,
    RouteAnswer,
    ServiceUnavailableError,
    StoreEndpoints,
    encode_unavailable,
    is_dry_run,
    parse_str,
    rest_routes,
    rest_write_routes,
    send,
    send_page,
    store_answer,
)
from extracted.runtime import ConsumerState, health_routes
from extracted.runtime.announcing import now_ms
from extracted.runtime.answer_cache import GenerationCache

from .api import dispatch, is_served
from .comment_pages import identifies_commenter
from .context import CommentsContext
from .create import write_answer
from .dry_runs import counts as dry_run_counts
from .site import load_site
from .submission_endpoint import read_submission

__all__ = ["ENDPOINTS", "SERVICE", "create_app"]

SERVICE = "comments"
#: answers kept per read-model generation (each a few KB; a full cache starts again)
CACHE_LIMIT = 4096
ENDPOINTS = StoreEndpoints(SERVICE, load_site, dispatch, is_served)


def create_app(engine: Engine, state: ConsumerState, context: CommentsContext | None = None) -> Starlette:
    context = context or CommentsContext()
    cache: GenerationCache[tuple[str, str], Reply] = GenerationCache(lambda: context.generation.value, CACHE_LIMIT)

    def store_health() -> dict[str, Any]:
        try:
            with engine.connect() as connection:
                load_site(connection)
                compared = dry_run_counts(connection, now_ms())
        except SQLAlchemyError as error:
            return {"healthy": False, "store_error": str(error)}
        return {"healthy": True, "dry_runs": compared}

    routes = [
        *health_routes(state, store_health),
        submission_route(context),
        *rest_routes(commenter_declined(engine, store_answer(engine, ENDPOINTS, cache.answer))),
        *rest_write_routes(write_answer(engine)),  # after the reads: same paths, other methods
    ]
    return Starlette(routes=routes)


def commenter_declined(engine: Engine, answer: RouteAnswer) -> RouteAnswer:
    """``answer``, but a 503 for a visitor WordPress knows the email of, on a site with paged comments: their
    held comments count in the pages comment links name (``comment_pages.identifies_commenter``)."""

    def declining(route: str, request: Request) -> Response:
        if identifies_commenter(request.cookies, parse_str(request.url.query)):
            with engine.connect() as connection:
                paging = load_site(connection).comment_paging
            if paging is None or paging.paged:
                declined = ServiceUnavailableError("comment pages of a known commenter", service=SERVICE,
                                                   unavailable="request commenter")  # fmt: skip
                return send(request, encode_unavailable(declined))
        return answer(route, request)

    return declining


def submission_route(context: CommentsContext) -> Route:
    """``/wp-comments-post.php``: the context's submission endpoint (declined with a 503 while there is none)."""

    async def submit(request: Request) -> Response:
        endpoint = context.submissions
        parsed = await read_submission(request)
        if isinstance(parsed, ServiceUnavailableError):
            return send_page(request, encode_unavailable(parsed))
        if endpoint is None:
            declined = ServiceUnavailableError("submissions are not set up", service=SERVICE,
                                               unavailable="comment submission")  # fmt: skip
            return send_page(request, encode_unavailable(declined))
        reply = await run_in_threadpool(endpoint.answer, parsed, dry_run=is_dry_run(request))
        return send_page(request, reply)

    methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]  # WordPress answers 405 to all but POST
    return Route("/wp-comments-post.php", submit, methods=methods)
