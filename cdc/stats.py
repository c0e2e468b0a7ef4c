"""Runtime state of the connector, as served by ``/healthz`` and ``/metrics``.

The pipeline thread writes, the HTTP thread reads; values are plain attributes (atomic under the
GIL) and the read side copies them, so no lock is needed.
"""

from __future__ import annotations

import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

STALLED_S = 10.0  # a Kafka commit waiting longer than this makes the connector unhealthy


@dataclass
class SnapshotProgress:
    state: str = "none"  # none | running | done | failed
    tables: list[str] = field(default_factory=list)
    table: str | None = None
    rows_done: int = 0
    rows_estimated: int = 0
    started_ms: int = 0
    finished_ms: int = 0
    request_id: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "tables": list(self.tables),
            "table": self.table,
            "rows_done": self.rows_done,
            "rows_estimated": self.rows_estimated,
            "started_ms": self.started_ms,
            "finished_ms": self.finished_ms,
            "request_id": self.request_id,
        }


class Stats:
    def __init__(self) -> None:
        self.state = "starting"  # starting | snapshot | streaming | reconnecting | refused | stopped
        self.flavor = ""
        self.position = ""
        self.file = ""
        self.pos = 0
        self.lag_ms = 0
        self.last_error: str | None = None
        self.reconnects = 0
        self.transactions = 0
        self.events_total = 0
        self.per_table: dict[str, Counter[str]] = {}
        self.snapshot = SnapshotProgress()
        self._rate: deque[tuple[float, int]] = deque(maxlen=64)
        #: seconds the current Kafka commit has been waiting (set by the pipeline to its committer's)
        self.commit_stalled_s: Callable[[], float] = lambda: 0.0

    @property
    def healthy(self) -> bool:
        return self.state in ("snapshot", "streaming") and self.commit_stalled_s() < STALLED_S

    def committed(self, counts: Counter[tuple[str, str]]) -> None:
        """Account for the events of one committed Kafka transaction."""
        for (table, op), n in counts.items():
            self.per_table.setdefault(table, Counter())[op] += n
            self.events_total += n
        self.transactions += 1
        now = time.monotonic()
        if not self._rate or now - self._rate[-1][0] >= 0.25:
            self._rate.append((now, self.events_total))

    def events_per_s(self) -> float:
        now = time.monotonic()
        window = [(t, n) for t, n in self._rate if now - t <= 10]
        if len(window) < 2:
            return 0.0
        (t0, n0), (t1, n1) = window[0], window[-1]
        if now - t1 > 2:  # idle since the last commit
            return 0.0
        return (n1 - n0) / (t1 - t0) if t1 > t0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "healthy": self.healthy,
            "state": self.state,
            "flavor": self.flavor,
            "position": {"gtid": self.position, "file": self.file, "pos": self.pos},
            "lag_ms": self.lag_ms,
            "events_per_s": round(self.events_per_s(), 1),
            "events_total": self.events_total,
            "transactions": self.transactions,
            "tables": {t: dict(c) for t, c in sorted(self.per_table.items())},
            "snapshot": self.snapshot.as_dict(),
            "reconnects": self.reconnects,
            "last_error": self.last_error,
            "kafka_commit_waiting_s": round(self.commit_stalled_s(), 1),
        }


class StatsCollector:
    """prometheus_client collector reading :class:`Stats` at scrape time."""

    def __init__(self, stats: Stats) -> None:
        self.stats = stats

    def collect(self) -> Iterator[Metric]:
        s = self.stats
        yield GaugeMetricFamily("cdc_healthy", "1 when snapshotting or streaming", value=1 if s.healthy else 0)
        yield GaugeMetricFamily("cdc_lag_ms", "Commit in the database to commit on Kafka, ms", value=s.lag_ms)
        yield GaugeMetricFamily("cdc_events_per_second", "Committed events per second", value=s.events_per_s())
        events = CounterMetricFamily("cdc_events", "Committed change events", labels=["table", "op"])
        for table, counts in sorted(s.per_table.items()):
            for op, n in sorted(counts.items()):
                events.add_metric([table, op], n)
        yield events
        yield CounterMetricFamily("cdc_kafka_transactions", "Committed Kafka transactions", value=s.transactions)
        yield CounterMetricFamily("cdc_reconnects", "Restarts after source or sink failures", value=s.reconnects)
        yield GaugeMetricFamily(
            "cdc_snapshot_running", "1 while a snapshot runs", value=1 if s.snapshot.state == "running" else 0
        )
        yield GaugeMetricFamily(
            "cdc_snapshot_rows", "Rows read by the current or last snapshot", value=s.snapshot.rows_done
        )
