"""Admin app on its own port: /healthz and /metrics (open), /api/... (bearer token).

Extend through `build_admin_app(runtime, extra_routes)`: the dashboard (`proxy.dashboard`) adds `/`,
its static files and a few `/api/...` endpoints, reusing `require_token`, `runtime_of`, `json_body`
and `apply_table`."""

from __future__ import annotations

import asyncio
import hmac
import time
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from proxy.config import table_to_data
from proxy.errors import ProxyError, RouteConfigError
from proxy.metrics import render_metrics
from proxy.types import Mode

if TYPE_CHECKING:
    from proxy.runtime import ProxyRuntime


def runtime_of(request: Request) -> ProxyRuntime:
    runtime: ProxyRuntime = request.app.state.runtime
    return runtime


def require_token(request: Request) -> None:
    expected = runtime_of(request).config.admin_token
    given = request.headers.get("authorization", "")
    scheme, _, token = given.partition(" ")
    if not expected or scheme.lower() != "bearer" or not hmac.compare_digest(token.strip(), expected):
        raise HTTPException(401, "missing or wrong bearer token", headers={"WWW-Authenticate": "Bearer"})


async def healthz(request: Request) -> JSONResponse:
    runtime = runtime_of(request)
    return JSONResponse(
        {
            "healthy": True,
            "routes": len(runtime.routes.table.routes),
            "routes_loaded_at": runtime.routes.loaded_at,
            "routes_error": runtime.routes.last_error,
            "uptime_s": round(time.time() - runtime.started_at, 3),
            "shadow_dropped": runtime.shadow.dropped,
        }
    )


async def metrics(request: Request) -> Response:
    runtime_of(request).observer.publish()  # this worker's latest; the others publish several times a second
    body, content_type = render_metrics()
    return Response(body, media_type=content_type)


def _tables(request: Request) -> dict[str, Any]:
    holder = runtime_of(request).routes
    return {
        **table_to_data(holder.table),
        "source": str(holder.path),
        "loaded_at": holder.loaded_at,
        "last_error": holder.last_error,
    }


async def get_routes(request: Request) -> JSONResponse:
    require_token(request)
    return JSONResponse(_tables(request))


async def json_body(request: Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        raise HTTPException(400, "body must be JSON") from None


def apply_table(request: Request, data: Any) -> JSONResponse:
    """Validates and installs a whole table (as JSON data); 422 naming the field when invalid."""
    try:
        runtime_of(request).routes.replace(data)
    except RouteConfigError as exc:
        return JSONResponse({"error": str(exc), "field": exc.field}, status_code=422)
    return JSONResponse(_tables(request))


async def put_routes(request: Request) -> JSONResponse:
    """Replaces the whole table (same schema as the YAML file, as JSON)."""
    require_token(request)
    return apply_table(request, await json_body(request))


async def put_route(request: Request) -> JSONResponse:
    """Creates or replaces one route; `services` in the body may add/replace service URLs."""
    require_token(request)
    name = request.path_params["name"]
    body = await json_body(request)
    if not isinstance(body, dict):
        raise HTTPException(400, "body must be a JSON object")
    data = table_to_data(runtime_of(request).routes.table)
    data["services"].update(body.pop("services", None) or {})
    route = {**body, "name": name}
    data["routes"] = [r for r in data["routes"] if r["name"] != name] + [route]
    return apply_table(request, data)


async def delete_route(request: Request) -> JSONResponse:
    require_token(request)
    name = request.path_params["name"]
    data = table_to_data(runtime_of(request).routes.table)
    if not any(r["name"] == name for r in data["routes"]):
        raise HTTPException(404, f"no route {name!r}")
    data["routes"] = [r for r in data["routes"] if r["name"] != name]
    return apply_table(request, data)


async def put_mode(request: Request) -> JSONResponse:
    """{"mode": "canary", "percent": 10}; mode legacy is the rollback."""
    require_token(request)
    name = request.path_params["name"]
    body = await json_body(request)
    if not isinstance(body, dict) or body.get("mode") not in {m.value for m in Mode}:
        raise HTTPException(400, 'body must be {"mode": legacy|shadow|canary|cutover, "percent": 0-100}')
    data = table_to_data(runtime_of(request).routes.table)
    for route in data["routes"]:
        if route["name"] == name:
            route["mode"] = body["mode"]
            if body.get("percent") is not None:
                route["canary_percent"] = body["percent"]
            break
    else:
        raise HTTPException(404, f"no route {name!r}")
    return apply_table(request, data)


async def reload_routes(request: Request) -> JSONResponse:
    require_token(request)
    try:
        runtime_of(request).routes.reload()
    except RouteConfigError as exc:
        return JSONResponse({"error": str(exc), "field": exc.field, "line": exc.line}, status_code=422)
    return JSONResponse(_tables(request))


def _number(request: Request, name: str, kind: type[int] | type[float]) -> Any:
    value = request.query_params.get(name)
    if value is None or value == "":
        return None
    try:
        return kind(value)
    except ValueError:
        raise HTTPException(400, f"query parameter {name} must be a number") from None


async def get_comparisons(request: Request) -> JSONResponse:
    """Filters: route, outcome (match|equivalent|mismatch|noise|error|skipped|declined), match=true|false, since, until
    (unix seconds), limit, before_id (paging)."""
    require_token(request)
    params = request.query_params
    outcome = params.get("outcome")
    if params.get("match") in ("true", "false") and outcome is None:
        outcome = "match" if params["match"] == "true" else "mismatch"
    rows = await asyncio.to_thread(
        runtime_of(request).store.comparisons,
        route=params.get("route"),
        outcome=outcome,
        since=_number(request, "since", float),
        until=_number(request, "until", float),
        limit=_number(request, "limit", int) or 100,
        before_id=_number(request, "before_id", int),
        full=params.get("full") == "true",
    )
    return JSONResponse({"comparisons": rows})


async def get_comparison(request: Request) -> JSONResponse:
    require_token(request)
    row = await asyncio.to_thread(runtime_of(request).store.comparison, int(request.path_params["id"]))
    if row is None:
        raise HTTPException(404, "no such comparison")
    return JSONResponse(row)


async def get_stats(request: Request) -> JSONResponse:
    require_token(request)
    runtime = runtime_of(request)
    await runtime.flush()
    stats = await asyncio.to_thread(runtime.store.stats)
    for route in runtime.routes.table.routes:
        entry = stats.setdefault(route.name, {})
        entry.update({"mode": route.mode.value, "canary_percent": route.canary_percent})
    return JSONResponse({"routes": stats})


async def get_noise(request: Request) -> JSONResponse:
    require_token(request)
    noise = await asyncio.to_thread(runtime_of(request).store.noise)
    return JSONResponse({"noise": {k: sorted(v) for k, v in noise.items()}})


async def _proxy_error(_request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"error": str(exc)}, status_code=500)


def admin_routes() -> list[BaseRoute]:
    return [
        Route("/healthz", healthz),
        Route("/metrics", metrics),
        Route("/api/routes", get_routes, methods=["GET"]),
        Route("/api/routes", put_routes, methods=["PUT"]),
        Route("/api/routes/{name}", put_route, methods=["PUT"]),
        Route("/api/routes/{name}", delete_route, methods=["DELETE"]),
        Route("/api/routes/{name}/mode", put_mode, methods=["PUT"]),
        Route("/api/reload", reload_routes, methods=["POST"]),
        Route("/api/comparisons", get_comparisons),
        Route("/api/comparisons/{id:int}", get_comparison),
        Route("/api/stats", get_stats),
        Route("/api/noise", get_noise),
    ]


def build_admin_app(runtime: ProxyRuntime, extra_routes: list[BaseRoute] | None = None) -> Starlette:
    app = Starlette(routes=admin_routes() + (extra_routes or []), exception_handlers={ProxyError: _proxy_error})
    app.state.runtime = runtime
    return app
