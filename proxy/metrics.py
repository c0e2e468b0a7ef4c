"""Prometheus metrics and the per-route traffic counters behind the admin stats.

With several workers the server sets PROMETHEUS_MULTIPROC_DIR before they start, and
/metrics aggregates every worker's values.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

from proxy.types import Target

REGISTRY = CollectorRegistry(auto_describe=True)
REQUESTS = Counter(
    "strangler_proxy_requests_total",
    "Requests answered",
    ["route", "served_by", "status_class"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "strangler_proxy_request_seconds",
    "Time to answer, headers to last byte",
    ["route", "served_by"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)
FALLBACKS = Counter(
    "strangler_proxy_fallbacks_total",
    "Service requests answered by WordPress instead",
    ["route", "reason"],
    registry=REGISTRY,
)
SHADOW_DROPPED = Counter(
    "strangler_proxy_shadow_dropped_total", "Shadow copies dropped (queue full)", ["route"], registry=REGISTRY
)
COMPARISONS = Counter(
    "strangler_proxy_comparisons_total",
    "Shadow comparisons by outcome",
    ["route", "outcome"],
    registry=REGISTRY,
)
SHADOW_QUEUE = Gauge(
    "strangler_proxy_shadow_queue_depth",
    "Shadow copies waiting",
    multiprocess_mode="livesum",
    registry=REGISTRY,
)
RELOADS = Counter("strangler_proxy_route_reloads_total", "Route table reloads", ["result"], registry=REGISTRY)


def render_metrics() -> tuple[bytes, str]:
    """Exposition text of this process, or of all workers in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


@dataclass
class RouteTraffic:
    requests: int = 0
    served_by_service: int = 0
    fallbacks: int = 0
    errors: int = 0
    shadow_dropped: int = 0


class TrafficObserver:
    """Records each answered request; counts accumulate until the store flush takes them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[str, RouteTraffic] = {}
        self._children: dict[tuple[str, Target, int], tuple[Any, Any]] = {}

    def _bucket(self, route: str) -> RouteTraffic:
        bucket = self._pending.get(route)
        if bucket is None:
            bucket = self._pending[route] = RouteTraffic()
        return bucket

    def request_done(self, route: str, served_by: Target, status: int, seconds: float, fallback: str | None) -> None:
        key = (route, served_by, status // 100)
        children = self._children.get(key)
        if children is None:  # label lookups cost microseconds per request; resolve each set once
            children = self._children[key] = (
                REQUESTS.labels(route, served_by.value, f"{status // 100}xx"),
                LATENCY.labels(route, served_by.value),
            )
        children[0].inc()
        children[1].observe(seconds)
        if route == "-":
            return  # unrouted traffic: Prometheus only, nothing to compare
        with self._lock:
            bucket = self._bucket(route)
            bucket.requests += 1
            bucket.served_by_service += served_by is Target.SERVICE
            bucket.errors += status >= 500
            if fallback is not None:
                bucket.fallbacks += 1
        if fallback is not None:
            FALLBACKS.labels(route, fallback).inc()

    def shadow_dropped(self, route: str) -> None:
        SHADOW_DROPPED.labels(route).inc()
        with self._lock:
            self._bucket(route).shadow_dropped += 1

    def take(self) -> dict[str, RouteTraffic]:
        with self._lock:
            pending, self._pending = self._pending, {}
        return pending
