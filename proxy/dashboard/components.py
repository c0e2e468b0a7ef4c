"""Health of the stack's components: parse `NAME=URL` flags, poll each health URL (short timeout,
answers cached a couple of seconds so many dashboards cost one poll), summarise the answers.

The proxy imports neither cdc nor extracted: it only reads their `/healthz` JSON (`healthy`,
`lag_ms`, ...) or, for WordPress, any 2xx answer."""

from __future__ import annotations

import asyncio
import json
import re
import time
from typing import Any

import httpx

from proxy.dashboard.types import Component, ComponentHealth

POLL_TIMEOUT_S = 1.5
CACHE_S = 2.0
MAX_DETAILS = 16  # top-level scalar fields kept from a health document (WordPress's /wp-json/ is huge)
MAX_TEXT = 200
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def parse_component(text: str) -> Component:
    """`cdc=http://127.0.0.1:18002/healthz` -> Component; ValueError naming the problem."""
    name, sep, url = text.partition("=")
    if not sep or not _NAME.match(name):
        raise ValueError(f"expected NAME=HEALTH_URL with NAME of letters, digits, _ . -, got {text!r}")
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"health URL of {name!r} must be http(s)://..., got {url!r}")
    return Component(name, url)


def summarise(status: int, body: bytes, latency_ms: float) -> ComponentHealth:
    """Healthy = a 2xx/3xx answer whose JSON, if it has `healthy`, says true. Details keep the
    status and the document's top-level scalars (`lag_ms`, `state`, ...)."""
    details: dict[str, Any] = {"status": status}
    healthy = status < 400
    try:
        document = json.loads(body) if body else None
    except ValueError:
        document = None
    if isinstance(document, dict):
        if "healthy" in document:
            healthy = healthy and document["healthy"] is True
        scalars = [(k, v) for k, v in document.items() if k != "healthy" and _is_scalar(v)]
        for key, value in scalars[:MAX_DETAILS]:
            details[key] = value[:MAX_TEXT] if isinstance(value, str) else value
        if "lag_ms" in document and _is_scalar(document["lag_ms"]):
            details["lag_ms"] = document["lag_ms"]
    return ComponentHealth(healthy, round(latency_ms, 1), details)


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


class ComponentMonitor:
    def __init__(self, components: tuple[Component, ...], cache_s: float = CACHE_S) -> None:
        self.components = components
        self.cache_s = cache_s
        self._cached: dict[str, ComponentHealth] = {}
        self._cached_at = float("-inf")
        self._lock = asyncio.Lock()

    async def health(self) -> dict[str, ComponentHealth]:
        async with self._lock:  # concurrent dashboards wait for the one poll in flight
            if time.monotonic() - self._cached_at >= self.cache_s:
                self._cached = await self._poll_all()
                self._cached_at = time.monotonic()
            return self._cached

    async def _poll_all(self) -> dict[str, ComponentHealth]:
        if not self.components:
            return {}
        async with httpx.AsyncClient(timeout=POLL_TIMEOUT_S, trust_env=False) as client:
            results = await asyncio.gather(*(self._poll(client, c) for c in self.components))
        return {c.name: r for c, r in zip(self.components, results, strict=True)}

    @staticmethod
    async def _poll(client: httpx.AsyncClient, component: Component) -> ComponentHealth:
        started = time.perf_counter()
        try:
            response = await client.get(component.health_url)
        except httpx.HTTPError as exc:
            return ComponentHealth(False, None, {"error": f"{type(exc).__name__}: {exc}"[:MAX_TEXT]})
        elapsed = (time.perf_counter() - started) * 1000
        return summarise(response.status_code, response.content, elapsed)
