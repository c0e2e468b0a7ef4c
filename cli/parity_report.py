"""Turn the proxy's stored comparisons into a verdict: parity per route, the top differences, and
whether a cutover may go ahead. Pure: rows in (as the admin API returns them), summaries out."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from proxy.dashboard.reproduce import reproduce
from proxy.outcomes import COMPARED, Outcome, parity_percentages
from proxy.parity.paths import generalise


@dataclass
class RouteParity:
    route: str
    outcomes: Counter[str] = field(default_factory=Counter)

    @property
    def compared(self) -> int:
        return sum(self.outcomes[outcome] for outcome in COMPARED)

    @property
    def match_percent(self) -> float | None:
        """Equal answers per compared answer: matches, and what the service cannot reproduce (noise:
        fields that differ in WordPress itself; equivalent: the order of items with equal sort keys)."""
        percent: float | None = parity_percentages(self.outcomes, digits=None)["match_percent"]
        return percent

    @property
    def noise_percent(self) -> float | None:
        percent: float | None = parity_percentages(self.outcomes, digits=None)["noise_percent"]
        return percent

    @property
    def equivalent_percent(self) -> float | None:
        percent: float | None = parity_percentages(self.outcomes, digits=None)["equivalent_percent"]
        return percent


@dataclass(frozen=True)
class TopDifference:
    path: str
    kind: str
    count: int
    method: str
    target: str
    legacy: Any
    candidate: Any

    host: str | None = None

    def reproduce(self, wordpress_url: str, service_url: str) -> str:
        """A command whose output shows this difference: both answers diffed, asked with the visitor's Host."""
        diff: str = reproduce(self.method, self.target, wordpress_url, service_url, host=self.host)["diff"]
        return diff


def summarise(rows: Iterable[Mapping[str, Any]]) -> dict[str, RouteParity]:
    parities: dict[str, RouteParity] = {}
    for row in rows:
        parity = parities.setdefault(str(row["route"]), RouteParity(str(row["route"])))
        parity.outcomes[str(row["outcome"])] += 1
    return parities


def _differences(row: Mapping[str, Any]) -> list[dict[str, Any]]:
    raw = row.get("diff")
    if not raw:
        return []
    document = json.loads(raw) if isinstance(raw, str) else raw
    differences: list[dict[str, Any]] = document.get("differences", [])
    return differences


def top_differences(rows: Iterable[Mapping[str, Any]], limit: int = 10) -> list[TopDifference]:
    """The most frequent mismatching fields (array indexes folded), each with one example request."""
    counts: Counter[tuple[str, str]] = Counter()
    examples: dict[tuple[str, str], tuple[Mapping[str, Any], dict[str, Any]]] = {}
    for row in rows:
        if row.get("outcome") != Outcome.MISMATCH:
            continue
        for difference in _differences(row):
            key = (generalise(str(difference["path"])), str(difference["kind"]))
            counts[key] += 1
            examples.setdefault(key, (row, difference))
    result = []
    for (path, kind), count in counts.most_common(limit):
        row, difference = examples[(path, kind)]
        result.append(
            TopDifference(
                path=path,
                kind=kind,
                count=count,
                method=str(row.get("method", "GET")),
                target=str(row.get("target", "/")),
                legacy=difference.get("legacy"),
                candidate=difference.get("candidate"),
                host=row.get("host"),
            )
        )
    return result


def cutover_refusals(parities: Mapping[str, RouteParity], routes: Iterable[str], threshold: float) -> list[str]:
    """Why a cutover must not go ahead: one reason per route below ``threshold`` or never compared."""
    reasons = []
    for route in routes:
        parity = parities.get(route)
        percent = parity.match_percent if parity else None
        if percent is None:
            reasons.append(f"{route}: no shadowed request was compared yet (run `strangler verify`)")
        elif percent < threshold:
            assert parity is not None
            mismatches = parity.outcomes["mismatch"]
            reasons.append(
                f"{route}: parity {percent:.2f}% < {threshold}% ({mismatches} mismatches in {parity.compared} compared)"
            )
    return reasons


def kept_cells(traffic: Mapping[str, Any]) -> tuple[str, str]:
    """A route's personal requests, and those WordPress answered whatever the mode (with why), for a table."""
    personal, by_class, url_form = (int(traffic.get(k, 0)) for k in ("personal", "kept_personal", "kept_url_form"))
    return str(personal), f"{by_class + url_form} ({by_class} personal, {url_form} URL form)"
