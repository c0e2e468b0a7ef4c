"""The users service's HTTP app: ``/wp/v2/users[/ID]`` through ``extracted.rest`` (``/wp-json/...`` and
``/?rest_route=...``), ``/wp-login.php?action=register`` (``registration.endpoint``), the internal API
under ``/internal`` (``internal_api``: bearer token; the set-password keys of the site-emails mails),
plus ``/healthz`` and ``/metrics`` (the consumer's, and the workers').

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
from starlette.routing import Mount, Route

from extracted.rest import (
    Query,
    Reply,
    ServiceUnavailableError,
    StoreEndpoints,
    encode_unavailable,
    is_dry_run,
    render_from_store,
    rest_routes,
    send_page,
    store_answer,
)
from extracted.runtime import ConsumerState, health_routes

from .api import dispatch, is_served
from .internal_api import PREFIX, create_internal_app
from .registration.endpoint import login_request, request_start
from .site import load_site

__all__ = ["SERVICE", "create_app", "render"]

SERVICE = "users"
ENDPOINTS = StoreEndpoints(SERVICE, load_site, dispatch, is_served)


def render(connection: Connection, route: str, query: Query) -> Reply:
    """The answer to one request for ``route`` (``_embed`` follows links to the service's own routes)."""
    return render_from_store(connection, ENDPOINTS, route, query)


def registration_route(context: object) -> Route:
    """``/wp-login.php``: the context's registration endpoint (declined with a 503 while there is none)."""

    async def login(request: Request) -> Response:
        endpoint = getattr(context, "registration", None)
        parsed = await login_request(request)
        if isinstance(parsed, ServiceUnavailableError):
            return send_page(request, encode_unavailable(parsed))
        if endpoint is None:
            declined = ServiceUnavailableError("registration is not set up", service=SERVICE,
                                               unavailable="registration")  # fmt: skip
            return send_page(request, encode_unavailable(declined))
        dry_run = is_dry_run(request)
        reply = await run_in_threadpool(
            endpoint.answer, parsed, dry_run=dry_run, request_start_ms=request_start(request)
        )
        return send_page(request, reply)

    return Route("/wp-login.php", login, methods=["GET", "HEAD", "POST"])


def create_app(engine: Engine, state: ConsumerState, context: object = None) -> Starlette:
    def store_health() -> dict[str, Any]:
        try:
            with engine.connect() as connection:
                load_site(connection)
        except SQLAlchemyError as error:
            return {"healthy": False, "store_error": str(error)}
        return {"healthy": True}

    routes = [
        *health_routes(state, store_health),
        registration_route(context),
        Mount(PREFIX, app=create_internal_app(context)),
        *rest_routes(store_answer(engine, ENDPOINTS)),
    ]
    return Starlette(routes=routes)
