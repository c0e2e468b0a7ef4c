"""What a running consumer reports: lag, throughput, dead letters, health; and its Prometheus text."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from .applier import BatchResult
from .kafka_io import now_ms


@dataclass
class ConsumerState:
    """Updated by the consumer thread, read by the HTTP endpoints (under ``lock``)."""

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
    last_error: str | None = None
    caught_up_once: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record_batch(self, result: BatchResult) -> None:
        with self.lock:
            self.applied.update(result.by_topic)
            self.skipped += result.skipped
            self.dead_letters += len(result.dead)
            self.batches += 1
            if result.newest_source_ms is not None:
                self.newest_source_ms = max(self.newest_source_ms or 0, result.newest_source_ms)

    def lag_ms(self) -> int:
        """0 when caught up; otherwise how old the newest applied change is."""
        if self.lag_events == 0 or self.newest_source_ms is None:
            return 0
        return max(0, now_ms() - self.newest_source_ms)

    def healthy(self) -> bool:
        return self.running and self.connected

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "healthy": self.healthy(),
                "group": self.group,
                "connected": self.connected,
                "caught_up": self.caught_up_once and self.lag_events == 0,
                "lag_events": self.lag_events,
                "lag_ms": self.lag_ms(),
                "events_applied": sum(self.applied.values()),
                "events_skipped": self.skipped,
                "dead_letters": self.dead_letters,
                "last_error": self.last_error,
            }


class _StateCollector(Collector):
    def __init__(self, state: ConsumerState) -> None:
        self.state = state

    def collect(self) -> Iterator[Any]:
        state = self.state
        labels = ["group"]
        with state.lock:
            lag = GaugeMetricFamily("consumer_lag_events", "Committed events not applied yet", labels=labels)
            lag.add_metric([state.group], state.lag_events)
            lag_ms = GaugeMetricFamily("consumer_lag_ms", "Age of the last applied change while behind", labels=labels)
            lag_ms.add_metric([state.group], state.lag_ms())
            up = GaugeMetricFamily("consumer_up", "1 when the consumer runs and reaches Kafka", labels=labels)
            up.add_metric([state.group], 1 if state.healthy() else 0)
            applied = CounterMetricFamily("consumer_events_applied", "Events applied", labels=[*labels, "topic"])
            for topic, count in sorted(state.applied.items()):
                applied.add_metric([state.group, topic], count)
            skipped = CounterMetricFamily("consumer_events_skipped", "Redelivered events skipped", labels=labels)
            skipped.add_metric([state.group], state.skipped)
            dead = CounterMetricFamily("consumer_dead_letters", "Events sent to the dead-letter topic", labels=labels)
            dead.add_metric([state.group], state.dead_letters)
            batches = CounterMetricFamily("consumer_batches", "Transactions committed", labels=labels)
            batches.add_metric([state.group], state.batches)
        yield from (lag, lag_ms, up, applied, skipped, dead, batches)


def registry_for(state: ConsumerState) -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(_StateCollector(state))
    return registry


def prometheus_text(registry: CollectorRegistry) -> bytes:
    return bytes(generate_latest(registry))
