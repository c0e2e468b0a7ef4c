"""Match % and latency over time: comparisons grouped into fixed time buckets, for the charts.

`bucket_history` is pure; `load_history` reads the comparison store."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from proxy.outcomes import parity_percentages
from proxy.store import percentile
from proxy.types import ComparisonStorage

MAX_BUCKETS = 500
MAX_ROWS = 100_000  # the store's default retention
Row = tuple[float, str, float | None, float | None]  # ts, outcome, legacy_ms, candidate_ms


def bucket_size(window_s: float, bucket_s: float) -> float:
    """At least 1 s, and wide enough that the window holds at most MAX_BUCKETS buckets."""
    return max(1.0, bucket_s, math.ceil(window_s / MAX_BUCKETS))


def bucket_history(rows: Iterable[Row], bucket_s: float) -> list[dict[str, Any]]:
    """One entry per non-empty bucket, oldest first. Percentages as in /api/stats
    (``proxy.outcomes.parity_percentages``)."""
    buckets: dict[float, list[Row]] = {}
    for row in rows:
        buckets.setdefault(math.floor(row[0] / bucket_s) * bucket_s, []).append(row)
    return [_summarise(start, members) for start, members in sorted(buckets.items())]


def _summarise(start: float, rows: list[Row]) -> dict[str, Any]:
    outcomes: dict[str, int] = {}
    for _ts, outcome, _legacy, _candidate in rows:
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    legacy = [r[2] for r in rows if r[2] is not None]
    candidate = [r[3] for r in rows if r[3] is not None]
    return {
        "t": start,
        "outcomes": outcomes,
        **parity_percentages(outcomes),
        "legacy_ms": {"p50": percentile(legacy, 50), "p99": percentile(legacy, 99)},
        "candidate_ms": {"p50": percentile(candidate, 50), "p99": percentile(candidate, 99)},
    }


def load_history(store: ComparisonStorage, route: str | None, since: float, until: float) -> list[Row]:
    return store.latency_rows(route, since, until, MAX_ROWS)
