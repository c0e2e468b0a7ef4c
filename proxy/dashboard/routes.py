"""The dashboard's HTTP surface on the admin port.

`GET /` and `/static/...` are the page and its scripts: they hold no data, so they are open; the
page asks for the admin token and sends it as `Authorization: Bearer` on every `/api/...` call
(kept in the tab's sessionStorage, never in a URL). The JSON endpoints below need the token like
the rest of the admin API."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from proxy.admin import apply_table, json_body, require_token, runtime_of
from proxy.config import table_to_data
from proxy.dashboard.components import ComponentMonitor
from proxy.dashboard.extensions import extensions_routes
from proxy.dashboard.history import bucket_history, bucket_size, load_history
from proxy.dashboard.reproduce import reproduce
from proxy.dashboard.types import Component
from proxy.parity.paths import parse_pattern

STATIC = Path(__file__).parent / "static"
DEFAULT_WINDOW_S = 3600.0
MAX_WINDOW_S = 7 * 86400.0
PAGE_HEADERS = {
    # Everything the page needs comes from this origin; nothing may frame it.
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


async def index(_request: Request) -> FileResponse:
    return FileResponse(STATIC / "index.html", headers=PAGE_HEADERS)


def _float_param(request: Request, name: str, default: float) -> float:
    value = request.query_params.get(name)
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        raise HTTPException(400, f"query parameter {name} must be a number") from None
    if not number > 0:
        raise HTTPException(400, f"query parameter {name} must be positive")
    return number


async def stats_history(request: Request) -> JSONResponse:
    """?route=NAME (all routes when absent) &bucket_s=60 &window_s=3600: non-empty buckets,
    oldest first, each with compared, outcomes, match_percent, noise_percent, legacy_ms and
    candidate_ms {p50, p99}."""
    require_token(request)
    window = min(_float_param(request, "window_s", DEFAULT_WINDOW_S), MAX_WINDOW_S)
    bucket = bucket_size(window, _float_param(request, "bucket_s", 60.0))
    route = request.query_params.get("route") or None
    runtime = runtime_of(request)
    await runtime.flush()
    until = time.time()
    since = until - window
    rows = await asyncio.to_thread(load_history, runtime.store, route, since, until)
    buckets = bucket_history(rows, bucket)
    return JSONResponse({"route": route, "bucket_s": bucket, "since": since, "until": until, "buckets": buckets})


async def reproduce_comparison(request: Request) -> JSONResponse:
    """curl commands replaying a stored comparison against WordPress and the route's service."""
    require_token(request)
    runtime = runtime_of(request)
    row = await asyncio.to_thread(runtime.store.comparison, int(request.path_params["id"]))
    if row is None:
        raise HTTPException(404, "no such comparison")
    route = runtime.routes.table.by_name(row["route"])
    return JSONResponse(
        reproduce(
            row["method"],
            row["target"],
            runtime.config.wordpress_url,
            route.service_url if route else None,
            is_json=_is_json(row.get("legacy_body")),
            host=row.get("host"),
        )
    )


def _is_json(text: str | None) -> bool:
    try:
        return bool(text) and isinstance(json.loads(text or ""), dict | list)
    except ValueError:
        return False


async def change_ignore(request: Request) -> JSONResponse:
    """POST adds, DELETE removes `{"path": "$[*].guid"}` in the route's `compare.ignore`."""
    require_token(request)
    name = request.path_params["name"]
    body = await json_body(request)
    path = body.get("path") if isinstance(body, dict) else None
    if not isinstance(path, str) or not path:
        raise HTTPException(400, 'body must be {"path": "<JSON path pattern>"}')
    try:
        parse_pattern(path)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    data = table_to_data(runtime_of(request).routes.table)
    route: dict[str, Any] | None = next((r for r in data["routes"] if r["name"] == name), None)
    if route is None:
        raise HTTPException(404, f"no route {name!r}")
    ignore: list[str] = route["compare"]["ignore"]
    if request.method == "POST" and path not in ignore:
        ignore.append(path)
    elif request.method == "DELETE" and path in ignore:
        ignore.remove(path)
    return apply_table(request, data)


def dashboard_routes(components: tuple[Component, ...] = ()) -> list[BaseRoute]:
    monitor = ComponentMonitor(components)

    async def get_components(request: Request) -> JSONResponse:
        """{NAME: {healthy, latency_ms, details}} for every --component, plus the proxy itself."""
        require_token(request)
        runtime = runtime_of(request)
        health = {name: h.to_dict() for name, h in (await monitor.health()).items()}
        proxy = {
            "routes": len(runtime.routes.table.routes),
            "routes_error": runtime.routes.last_error,
            "uptime_s": round(time.time() - runtime.started_at),
            "shadow_dropped": runtime.shadow.dropped,
        }
        return JSONResponse({"proxy": {"healthy": True, "latency_ms": None, "details": proxy}, **health})

    return [
        Route("/", index, methods=["GET"]),
        Mount("/static", app=StaticFiles(directory=STATIC), name="dashboard-static"),
        Route("/api/components", get_components, methods=["GET"]),
        Route("/api/stats/history", stats_history, methods=["GET"]),
        Route("/api/comparisons/{id:int}/reproduce", reproduce_comparison, methods=["GET"]),
        Route("/api/routes/{name}/ignore", change_ignore, methods=["POST", "DELETE"]),
        *extensions_routes(components),
    ]
