"""The extensions service's management API (FastAPI, with its OpenAPI document at ``/api/openapi.json``).

``GET /api/extensions`` lists every extension found (broken ones with why), each with its state,
subscriptions, lag, counts and last error; ``POST /api/extensions/{name}/enable|disable`` switches
one at run time. ``/api/webhooks/...`` manages webhook endpoints and deliveries
(``extracted.extensions.webhooks.routes``). Everything under ``/api/`` needs the bearer token of the
service's settings (``api_token``). ``/healthz`` and ``/metrics`` are the kit's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException
from pydantic import BaseModel
from sqlalchemy import Engine

from extracted.runtime import ConsumerState, health_routes
from extracted.runtime.bearer import bearer_token_check

if TYPE_CHECKING:
    from .runner import ExtensionRunner
    from .service import ExtensionsContext

__all__ = ["ExtensionView", "create_app"]


class ExtensionView(BaseModel):
    """One extension as the API shows it."""

    name: str
    description: str
    state: str  # enabled | disabled | broken
    subscriptions: list[str]
    healthy: bool
    lag: int = 0
    handled: int = 0
    dead_lettered: int = 0
    retries: int = 0
    error: str | None = None
    retrying: str | None = None
    last_handled_ms: int = 0
    dead_letter_topic: str = ""
    group: str = ""


def _view(name: str, runner: ExtensionRunner) -> ExtensionView:
    health = runner.health()
    counts = {key: health[key] for key in ("lag", "handled", "dead_lettered", "retries", "last_handled_ms")}
    return ExtensionView(
        name=name,
        description=runner.extension.description,
        state="enabled" if health["enabled"] else "disabled",
        subscriptions=list(runner.extension.patterns),
        healthy=bool(health["healthy"]),
        error=health["error"],
        retrying=health["retrying"],
        dead_letter_topic=runner.dead_letter_topic,
        group=runner.group,
        **counts,
    )


def _views(context: ExtensionsContext) -> list[ExtensionView]:
    views = [_view(name, runner) for name, runner in context.runners.items()]
    for broken in context.found.broken:
        views.append(ExtensionView(name=broken.name, description=broken.target, state="broken", subscriptions=[],
                                   healthy=False, error=broken.error))  # fmt: skip
    return sorted(views, key=lambda view: view.name)


def create_app(engine: Engine, state: ConsumerState, context: ExtensionsContext) -> FastAPI:
    require_token = bearer_token_check(
        lambda: context.settings.api_token, "the extensions service's api_token", when_unset="open"
    )

    api = APIRouter(prefix="/api", dependencies=[Depends(require_token)])

    @api.get("/extensions", response_model=list[ExtensionView], summary="Every extension and its state")
    def list_extensions() -> list[ExtensionView]:
        return _views(context)

    @api.get("/extensions/{name}", response_model=ExtensionView, summary="One extension")
    def get_extension(name: str) -> ExtensionView:
        for view in _views(context):
            if view.name == name:
                return view
        raise HTTPException(404, f"no extension {name!r}")

    def switch(name: str, enabled: bool) -> ExtensionView:
        if context.switchboard is None or name not in context.runners:
            raise HTTPException(404, f"no extension {name!r} that can run (see GET /api/extensions)")
        context.switchboard.set(name, enabled)
        return get_extension(name)

    @api.post("/extensions/{name}/enable", response_model=ExtensionView, summary="Run it (from where it stopped)")
    def enable(name: str) -> ExtensionView:
        return switch(name, True)

    @api.post("/extensions/{name}/disable", response_model=ExtensionView, summary="Stop it (it keeps its place)")
    def disable(name: str) -> ExtensionView:
        return switch(name, False)

    if context.webhooks is not None:
        api.include_router(context.webhooks.router)

    app = FastAPI(
        title="wp-strangler extensions", openapi_url="/api/openapi.json", docs_url="/api/docs", redoc_url=None
    )
    app.include_router(api)

    def extra() -> dict[str, Any]:
        broken = [broken.name for broken in context.found.broken]
        return {"extensions": sorted(context.runners), "broken_extensions": broken}

    app.router.routes.extend(health_routes(state, extra))
    return app
