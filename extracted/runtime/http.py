"""``GET /healthz`` and ``GET /metrics`` of a consumer, as Starlette routes any service can mount.

With workers (``ConsumerState.workers``), ``/healthz`` has each one's health under ``workers`` and is
unhealthy while one is; ``/metrics`` has their metrics too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .metrics import ConsumerState, prometheus_text, registry_for


def health_routes(state: ConsumerState, extra: Callable[[], dict[str, Any]] = dict) -> list[Route]:
    """``extra`` adds service fields (and may set ``healthy`` False, e.g. when the store is unreachable)."""
    registry = registry_for(state)

    async def healthz(_: Request) -> Response:
        document = state.snapshot()
        more = extra()
        document.update(more)
        healthy = state.healthy() and more.get("healthy", True)
        if state.workers is not None:
            document["workers"] = state.workers.health()
            healthy = healthy and all(worker["healthy"] for worker in document["workers"].values())
        document["healthy"] = bool(healthy)
        return JSONResponse(document, status_code=200 if document["healthy"] else 503)

    async def metrics(_: Request) -> Response:
        return Response(prometheus_text(registry), media_type=CONTENT_TYPE_LATEST)

    return [Route("/healthz", healthz, methods=["GET"]), Route("/metrics", metrics, methods=["GET"])]
