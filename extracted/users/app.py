"""The users service's HTTP app: ``/wp/v2/users[/ID]`` through ``extracted.rest`` (``/wp-json/...`` and
``/?rest_route=...``), ``/wp-login.php?action=register`` (``registration.endpoint``), plus ``/healthz``
and ``/metrics`` (the consumer's, and the workers').

Forms of request the service does not reproduce (``extracted.rest.request_forms``: ``_jsonp``, method
overrides…) are declined with a 503 and ``X-Strangler-Unavailable``, so the proxy serves WordPress's answer.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from extracted.rest import (
    Answer,
    Query,
    Reply,
    ServiceUnavailableError,
    declined_form,
    embed_resolver,
    encode_answer,
    encode_unavailable,
    parse_str,
    rest_routes,
    send,
)
from extracted.runtime import ConsumerState, health_routes

from .api import dispatch, is_served
from .registration.endpoint import DRY_RUN_HEADER, login_request, request_start, send_reply
from .site import load_site

__all__ = ["SERVICE", "create_app", "render"]

SERVICE = "users"


def render(connection: Connection, route: str, query: Query) -> Reply:
    """The answer to one request for ``route`` (``_embed`` follows links to the service's own routes)."""
    site = load_site(connection)

    def target(embedded: str, embedded_query: Query) -> Answer | None:
        return dispatch(connection, site, embedded, embedded_query) if is_served(embedded) else None

    try:
        return encode_answer(
            site, query, lambda: dispatch(connection, site, route, query), embed_resolver(site, target)
        )
    except ServiceUnavailableError as error:  # never enveloped: the proxy must see the 503 to fall back
        return encode_unavailable(error)


def registration_route(context: object) -> Route:
    """``/wp-login.php``: the context's registration endpoint (declined with a 503 while there is none)."""

    async def login(request: Request) -> Response:
        endpoint = getattr(context, "registration", None)
        parsed = await login_request(request)
        if isinstance(parsed, ServiceUnavailableError):
            return send_reply(request, encode_unavailable(parsed))
        if endpoint is None:
            declined = ServiceUnavailableError("registration is not set up", service=SERVICE,
                                               unavailable="registration")  # fmt: skip
            return send_reply(request, encode_unavailable(declined))
        dry_run = request.headers.get(DRY_RUN_HEADER) == "1"
        reply = await run_in_threadpool(
            endpoint.answer, parsed, dry_run=dry_run, request_start_ms=request_start(request)
        )
        return send_reply(request, reply)

    return Route("/wp-login.php", login, methods=["GET", "HEAD", "POST"])


def create_app(engine: Engine, state: ConsumerState, context: object = None) -> Starlette:
    def answer(route: str, request: Request) -> Response:
        declined = declined_form(request, service=SERVICE)
        if declined is not None:
            return send(request, encode_unavailable(declined))
        with engine.connect() as connection:
            return send(request, render(connection, route, parse_str(request.url.query)))

    def store_health() -> dict[str, Any]:
        try:
            with engine.connect() as connection:
                load_site(connection)
        except SQLAlchemyError as error:
            return {"healthy": False, "store_error": str(error)}
        return {"healthy": True}

    routes = [*health_routes(state, store_health), registration_route(context), *rest_routes(answer)]
    return Starlette(routes=routes)
