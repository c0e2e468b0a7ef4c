"""Prometheus metrics and the per-route traffic counters behind the admin stats.

With several workers the server sets PROMETHEUS_MULTIPROC_DIR before they start, and
/metrics aggregates every worker's values.
"""

from __future__ import annotations

import bisect
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

from proxy.types import KeptReason, RequestClass, Target

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
PERSONAL = Counter(
    "strangler_proxy_personal_requests_total",
    "Routed requests carrying WordPress credentials or per-visitor state, by class (one request may count "
    "under several)",
    ["route", "request_class"],
    registry=REGISTRY,
)
KEPT = Counter(
    "strangler_proxy_kept_total",
    "Requests of a service's route answered by WordPress whatever the route's mode",
    ["route", "reason"],
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
    #: requests that carried a personal class (``proxy.visitor``), whatever answered them
    personal: int = 0
    #: answered by WordPress although the route's mode sends them elsewhere (``KeptReason``)
    kept_personal: int = 0
    kept_url_form: int = 0


_LATENCY_BOUNDS = (*LATENCY._upper_bounds,)  # the histogram's buckets, +Inf last


def _add_observations(child: Any, seconds_total: float, bucket_counts: list[int]) -> None:
    """Adds a batch of observations to a histogram child (prometheus_client has no bulk observe;
    tests/proxy/test_metrics.py holds this equal to observing one by one)."""
    child._sum.inc(seconds_total)
    for index, count in enumerate(bucket_counts):
        if count:
            child._buckets[index].inc(count)


class TrafficObserver:
    """Records each answered request in plain dicts. `publish` (a few times a second) moves the tallies
    into Prometheus and `take` (at the store flush) hands over the per-route counters: updating
    multiprocess Prometheus values per request cost a visitor ~7 µs."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[str, RouteTraffic] = {}
        # (route, served_by, status // 100) -> [requests, seconds, count per latency bucket...]
        self._answered: dict[tuple[str, Target, int], list[Any]] = {}
        self._fallbacks: dict[tuple[str, str], int] = {}
        self._dropped: dict[str, int] = {}
        self._personal: dict[tuple[str, RequestClass], int] = {}
        self._kept: dict[tuple[str, KeptReason], int] = {}

    def _bucket(self, route: str) -> RouteTraffic:
        bucket = self._pending.get(route)
        if bucket is None:
            bucket = self._pending[route] = RouteTraffic()
        return bucket

    def request_done(
        self,
        route: str,
        served_by: Target,
        status: int,
        seconds: float,
        fallback: str | None,
        *,
        kept: KeptReason | None = None,
        personal: frozenset[RequestClass] = frozenset(),
    ) -> None:
        key = (route, served_by, status // 100)
        with self._lock:
            tally = self._answered.get(key)
            if tally is None:
                tally = self._answered[key] = [0, 0.0] + [0] * len(_LATENCY_BOUNDS)
            tally[0] += 1
            tally[1] += seconds
            tally[2 + bisect.bisect_left(_LATENCY_BOUNDS, seconds)] += 1
            if route == "-":
                return  # unrouted traffic: Prometheus only, nothing to compare
            bucket = self._bucket(route)
            bucket.requests += 1
            bucket.served_by_service += served_by is Target.SERVICE
            bucket.errors += status >= 500
            if fallback is not None:
                bucket.fallbacks += 1
                self._fallbacks[route, fallback] = self._fallbacks.get((route, fallback), 0) + 1
            if personal:
                bucket.personal += 1
                for request_class in personal:
                    self._personal[route, request_class] = self._personal.get((route, request_class), 0) + 1
            if kept is not None:
                bucket.kept_personal += kept is KeptReason.PERSONAL
                bucket.kept_url_form += kept is KeptReason.URL_FORM
                self._kept[route, kept] = self._kept.get((route, kept), 0) + 1

    def shadow_dropped(self, route: str) -> None:
        with self._lock:
            self._bucket(route).shadow_dropped += 1
            self._dropped[route] = self._dropped.get(route, 0) + 1

    def publish(self) -> None:
        """Adds what was recorded since the last call to the Prometheus metrics."""
        with self._lock:
            answered, self._answered = self._answered, {}
            fallbacks, self._fallbacks = self._fallbacks, {}
            dropped, self._dropped = self._dropped, {}
            personal, self._personal = self._personal, {}
            kept, self._kept = self._kept, {}
        for (route, served_by, status_class), tally in answered.items():
            REQUESTS.labels(route, served_by.value, f"{status_class}xx").inc(tally[0])
            _add_observations(LATENCY.labels(route, served_by.value), tally[1], tally[2:])
        for (route, reason), count in fallbacks.items():
            FALLBACKS.labels(route, reason).inc(count)
        for route, count in dropped.items():
            SHADOW_DROPPED.labels(route).inc(count)
        for (route, request_class), count in personal.items():
            PERSONAL.labels(route, request_class.value).inc(count)
        for (route, reason), count in kept.items():
            KEPT.labels(route, reason.value).inc(count)

    def take(self) -> dict[str, RouteTraffic]:
        with self._lock:
            pending, self._pending = self._pending, {}
        return pending
