"""What a running consumer reports: lag, throughput, dead letters, failures, health; and its Prometheus text
(with the service's workers', ``workers``)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from .applier import BatchResult
from .workers import WorkerPool


def now_ms() -> int:
    return int(time.time() * 1000)


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


@dataclass
class ConsumerState:
    """Updated by the consumer thread, read by the HTTP endpoints (under ``lock``).

    ``failing`` is set by any failure of the consume loop (broker, store, a projection's
    ``after_batch``, the ``on_commit`` hook…) and cleared by the next iteration that succeeds; while
    it is set the service is unhealthy, so a consumer stuck retrying is never mistaken for a live one.
    """

    group: str
    connected: bool = False
    running: bool = False
    lag_events: int = 0
    #: when the newest applied change was committed in the source database
    newest_source_ms: int | None = None
    applied: Counter[str] = field(default_factory=Counter)
    skipped: int = 0
    dead_letters: int = 0
    batches: int = 0
    caught_up_once: bool = False
    failing: bool = False
    consecutive_failures: int = 0
    failures: int = 0
    last_error: str | None = None
    #: epoch seconds of ``last_error``
    last_error_at: float | None = None
    #: seconds the consumer waits before its next attempt, while failing
    retry_in_s: float | None = None
    #: dead letters committed to the outbox and not acknowledged by the broker yet
    dead_letters_pending: int = 0
    dead_letter_publish_failures: int = 0
    last_publish_error: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: the service's background workers (set by ``serve`` before the app is built), reported beside the
    #: consumer on ``/healthz`` and ``/metrics``
    workers: WorkerPool | None = None

    def record_batch(self, result: BatchResult) -> None:
        with self.lock:
            self.applied.update(result.by_topic)
            self.skipped += result.skipped
            self.dead_letters += len(result.dead)
            self.dead_letters_pending += len(result.dead)
            self.batches += 1
            if result.newest_source_ms is not None:
                self.newest_source_ms = max(self.newest_source_ms or 0, result.newest_source_ms)

    def record_failure(self, error: BaseException, retry_in_s: float, *, disconnected: bool) -> None:
        with self.lock:
            self.failing = True
            self.consecutive_failures += 1
            self.failures += 1
            self.last_error = describe(error)
            self.last_error_at = time.time()
            self.retry_in_s = retry_in_s
            if disconnected:
                self.connected = False

    def record_success(self) -> None:
        """An iteration of the loop succeeded (``last_error`` stays, for the record)."""
        with self.lock:
            self.failing = False
            self.consecutive_failures = 0
            self.retry_in_s = None
            self.connected = True

    def record_published(self, pending: int) -> None:
        with self.lock:
            self.dead_letters_pending = pending

    def record_publish_failure(self, error: BaseException, pending: int) -> None:
        with self.lock:
            self.dead_letter_publish_failures += 1
            self.last_publish_error = describe(error)
            self.dead_letters_pending = pending

    def lag_ms(self) -> int:
        """0 when caught up; otherwise how old the newest applied change is."""
        if self.lag_events == 0 or self.newest_source_ms is None:
            return 0
        return max(0, now_ms() - self.newest_source_ms)

    def healthy(self) -> bool:
        return self.running and self.connected and not self.failing

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "healthy": self.healthy(),
                "group": self.group,
                "running": self.running,
                "connected": self.connected,
                "failing": self.failing,
                "consecutive_failures": self.consecutive_failures,
                "retry_in_s": self.retry_in_s,
                "caught_up": self.caught_up_once and self.lag_events == 0,
                "lag_events": self.lag_events,
                "lag_ms": self.lag_ms(),
                "events_applied": sum(self.applied.values()),
                "events_skipped": self.skipped,
                "dead_letters": self.dead_letters,
                "dead_letters_pending": self.dead_letters_pending,
                "last_error": self.last_error,
                "last_error_at": self.last_error_at,
                "last_publish_error": self.last_publish_error,
            }


class _StateCollector(Collector):
    def __init__(self, state: ConsumerState) -> None:
        self.state = state

    def collect(self) -> Iterator[Any]:
        state = self.state
        labels = ["group"]
        group = [state.group]

        def gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
            family = GaugeMetricFamily(name, documentation, labels=labels)
            family.add_metric(group, value)
            return family

        def counter(name: str, documentation: str, value: float) -> CounterMetricFamily:
            family = CounterMetricFamily(name, documentation, labels=labels)  # exposed as <name>_total
            family.add_metric(group, value)
            return family

        with state.lock:
            applied = CounterMetricFamily("consumer_events_applied", "Events applied", labels=[*labels, "topic"])
            for topic, count in sorted(state.applied.items()):
                applied.add_metric([state.group, topic], count)
            families = [
                gauge("consumer_lag_events", "Committed events not applied yet", state.lag_events),
                gauge("consumer_lag_ms", "Age of the last applied change while behind", state.lag_ms()),
                gauge("consumer_up", "1 when the consumer runs, reaches Kafka and is not failing", state.healthy()),
                gauge("consumer_failing", "1 while the consume loop fails and retries", state.failing),
                gauge("consumer_dead_letters_pending", "Dead letters not published yet", state.dead_letters_pending),
                applied,
                counter("consumer_events_skipped", "Redelivered events skipped", state.skipped),
                counter("consumer_dead_letters", "Events sent to the dead-letter topic", state.dead_letters),
                counter("consumer_batches", "Transactions committed", state.batches),
                counter("consumer_failures", "Failures of the consume loop (each retried)", state.failures),
                counter(
                    "consumer_dead_letter_publish_failures",
                    "Failed attempts to publish dead letters (retried)",
                    state.dead_letter_publish_failures,
                ),
            ]
        yield from families
        if state.workers is not None:
            yield from state.workers.families()


def registry_for(state: ConsumerState) -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(_StateCollector(state))
    return registry


def prometheus_text(registry: CollectorRegistry) -> bytes:
    return bytes(generate_latest(registry))
