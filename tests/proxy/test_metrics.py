"""proxy.metrics: requests are tallied in plain dicts and published in batches; the published
Prometheus values must equal what observing each request one by one would have produced."""

from __future__ import annotations

import random

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

from proxy import metrics
from proxy.metrics import TrafficObserver
from proxy.types import KeptReason, RequestClass, Target


def _samples(name: str, labels: dict[str, str]) -> dict[str, float]:
    """The current samples of one metric family with the given labels, by sample name + le."""
    found: dict[str, float] = {}
    for family in metrics.REGISTRY.collect():
        for sample in family.samples:
            if sample.name.startswith(name) and all(sample.labels.get(k) == v for k, v in labels.items()):
                found[sample.name + sample.labels.get("le", "")] = sample.value
    return found


def test_published_latencies_equal_one_by_one_observations() -> None:
    rng = random.Random(7)
    latencies = [rng.choice([0.0005, 0.001, 10.0, 11.0]) if i % 5 == 0 else rng.expovariate(200) for i in range(500)]
    reference_registry = CollectorRegistry()
    reference = Histogram(
        "reference_seconds", "one by one", ["route"], buckets=metrics.LATENCY._upper_bounds, registry=reference_registry
    )
    observer = TrafficObserver()
    for seconds in latencies:
        reference.labels("batch-check").observe(seconds)
        observer.request_done("batch-check", Target.SERVICE, 200, seconds, None)
    before = _samples("strangler_proxy_request_seconds", {"route": "batch-check"})
    assert not any(before.values())  # nothing reaches Prometheus before publishing
    observer.publish()
    published = _samples("strangler_proxy_request_seconds", {"route": "batch-check"})
    expected = {
        line.split("{")[0].replace("reference_seconds", "strangler_proxy_request_seconds")
        + (line.split('le="')[1].split('"')[0] if 'le="' in line else ""): float(line.rsplit(" ", 1)[1])
        for line in generate_latest(reference_registry).decode().splitlines()
        if line.startswith("reference_seconds") and "_created" not in line
    }
    assert {k: v for k, v in published.items() if "_created" not in k} == expected


def test_counters_fallbacks_and_drops_are_published_once() -> None:
    observer = TrafficObserver()
    for status in (200, 200, 503):
        observer.request_done("count-check", Target.LEGACY, status, 0.01, "5xx" if status == 200 else None)
    observer.shadow_dropped("count-check")
    observer.publish()
    observer.publish()  # nothing new: adds nothing
    for status_class, count in (("2xx", 2.0), ("5xx", 1.0)):
        labels = {"route": "count-check", "status_class": status_class}
        assert _samples("strangler_proxy_requests_total", labels) == {"strangler_proxy_requests_total": count}
    assert _samples("strangler_proxy_fallbacks_total", {"route": "count-check", "reason": "5xx"}) == {
        "strangler_proxy_fallbacks_total": 2.0
    }
    assert _samples("strangler_proxy_shadow_dropped_total", {"route": "count-check"}) == {
        "strangler_proxy_shadow_dropped_total": 1.0
    }
    traffic = observer.take()["count-check"]
    assert (traffic.requests, traffic.fallbacks, traffic.errors, traffic.shadow_dropped) == (3, 2, 1, 1)


def test_personal_and_kept_requests_are_counted_per_route() -> None:
    observer = TrafficObserver()
    both = frozenset({RequestClass.LOGGED_IN, RequestClass.NONCE})
    observer.request_done("kept-check", Target.LEGACY, 200, 0.01, None, kept=KeptReason.PERSONAL, personal=both)
    observer.request_done("kept-check", Target.LEGACY, 200, 0.01, None, kept=KeptReason.URL_FORM)
    observer.request_done(
        "kept-check", Target.SERVICE, 200, 0.01, None, personal=frozenset({RequestClass.POST_PASSWORD})
    )
    observer.publish()
    traffic = observer.take()["kept-check"]
    assert (traffic.requests, traffic.personal, traffic.kept_personal, traffic.kept_url_form) == (3, 2, 1, 1)
    for request_class in ("logged_in", "nonce", "post_password"):
        labels = {"route": "kept-check", "request_class": request_class}
        assert _samples("strangler_proxy_personal_requests_total", labels) == {
            "strangler_proxy_personal_requests_total": 1.0
        }
    for reason in ("personal", "url_form"):
        assert _samples("strangler_proxy_kept_total", {"route": "kept-check", "reason": reason}) == {
            "strangler_proxy_kept_total": 1.0
        }


def test_unrouted_requests_reach_prometheus_only() -> None:
    observer = TrafficObserver()
    observer.request_done("-", Target.LEGACY, 404, 0.002, None)
    observer.publish()
    assert _samples("strangler_proxy_requests_total", {"route": "-", "status_class": "4xx"})
    assert observer.take() == {}


def test_a_counter_is_used_as_the_reference_would_be() -> None:
    # guards the premise of the batch: a Counter's inc(n) equals n inc() calls
    registry = CollectorRegistry()
    one_by_one, batched = (Counter(name, "x", registry=registry) for name in ("a", "b"))
    for _ in range(3):
        one_by_one.inc()
    batched.inc(3)
    assert registry.get_sample_value("a_total") == registry.get_sample_value("b_total") == 3
