"""Comparison store: retention bound, filters, shared traffic counters, stats; on SQLite and on a real
PostgreSQL (``tests/postgres_fixture.py``; skipped without Debian's postgresql)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from proxy.metrics import RouteTraffic
from proxy.store import ComparisonRecord, open_store, percentile
from proxy.store_postgres import psycopg_url

KINDS = ["sqlite", "postgresql"]


def empty_store_url(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A SQLite file, SQLite in memory, or a fresh database on the session's PostgreSQL."""
    if kind == "sqlite-memory":
        return "sqlite://"
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'c.db'}"
    url: str = request.getfixturevalue("postgres_database")
    return url


@pytest.fixture(params=KINDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return empty_store_url(request.param, request, tmp_path)


def record(index: int, outcome: str = "match", route: str = "posts") -> ComparisonRecord:
    return ComparisonRecord(
        ts=1000.0 + index, route=route, method="GET", target=f"/p/{index}", outcome=outcome,
        legacy_status=200, candidate_status=200, legacy_ms=float(index), candidate_ms=float(2 * index),
        diff='{"match": true}', error=None, legacy_body=None, candidate_body=None,
    )  # fmt: skip


def test_retention_keeps_the_newest(store_url: str) -> None:
    store = open_store(store_url, retention_rows=5)
    store.create()
    store.add_comparisons([record(i) for i in range(4)])
    store.add_comparisons([record(i) for i in range(4, 9)])
    assert [r["target"] for r in store.comparisons()] == [f"/p/{i}" for i in range(8, 3, -1)]
    store.dispose()


@pytest.mark.parametrize("kind", ["sqlite-memory", *KINDS])
def test_filters_and_stats(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    store = open_store(empty_store_url(kind, request, tmp_path))
    store.create()
    outcomes = ["match"] * 6 + ["noise"] * 2 + ["mismatch", "error"]
    store.add_comparisons([record(i, outcome) for i, outcome in enumerate(outcomes)])
    store.add_comparisons([record(20, "mismatch", route="users")])
    store.add_traffic({"posts": RouteTraffic(requests=10, fallbacks=1)})
    store.add_traffic({"posts": RouteTraffic(requests=5, errors=2), "users": RouteTraffic(requests=1)})
    store.add_noise("posts", frozenset({"$.date"}))
    store.add_noise("posts", frozenset({"$.date", "$[*].guid"}))
    assert [r["target"] for r in store.comparisons(route="posts", outcome="mismatch")] == ["/p/8"]
    assert len(store.comparisons(since=1005, until=1007)) == 3
    assert len(store.comparisons(route="posts", limit=3, before_id=5)) == 3
    full = store.comparison(1)
    assert full is not None and full["diff"] == {"match": True} and "legacy_body" in full
    stats = store.stats()
    posts = stats["posts"]
    assert (posts["requests"], posts["fallbacks"], posts["errors"]) == (15, 1, 2)
    assert posts["comparisons"] == {"match": 6, "equivalent": 0, "mismatch": 1, "noise": 2, "error": 1, "skipped": 0,
                                    "declined": 0}  # fmt: skip
    assert posts["match_percent"] == round(100 * 8 / 9, 3) and posts["noise_percent"] == round(100 * 2 / 9, 3)
    assert posts["legacy_ms"] == {"p50": 4.0, "p99": 9.0} and posts["candidate_ms"]["p99"] == 18.0
    assert stats["users"]["match_percent"] == 0.0
    assert store.noise() == {"posts": frozenset({"$.date", "$[*].guid"})}
    assert [row[1] for row in store.latency_rows("posts", 1008, 1009, 10)] == ["error", "mismatch"]
    store.dispose()


def test_percentile_nearest_rank() -> None:
    assert percentile([], 50) is None
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert percentile([float(i) for i in range(1, 101)], 99) == 99.0


def test_a_store_of_an_older_proxy_gets_the_new_columns(store_url: str) -> None:
    postgres = store_url.startswith("postgresql")
    engine = sa.create_engine(psycopg_url(store_url) if postgres else store_url)
    with engine.begin() as conn:  # the traffic table as proxies before the personal counters wrote it
        conn.execute(sa.text("CREATE TABLE traffic (route VARCHAR(200) PRIMARY KEY, requests INTEGER NOT NULL)"))
        conn.execute(sa.text("INSERT INTO traffic (route, requests) VALUES ('posts', 7)"))
        conn.execute(
            sa.text(
                f"CREATE TABLE comparisons (id {'SERIAL' if postgres else 'INTEGER'} PRIMARY KEY, ts FLOAT NOT NULL,"
                " route VARCHAR(200) NOT NULL, method VARCHAR(16) NOT NULL, target TEXT NOT NULL,"
                " outcome VARCHAR(16) NOT NULL,"
                " legacy_status INTEGER, candidate_status INTEGER, legacy_ms FLOAT, candidate_ms FLOAT,"
                " diff TEXT, error TEXT, legacy_body TEXT, candidate_body TEXT)"
            )
        )
    engine.dispose()
    store = open_store(store_url)
    store.create()
    store.create()  # a second process starting later finds nothing left to add
    store.add_traffic({"posts": RouteTraffic(requests=1, personal=1, kept_personal=1)})
    store.add_comparisons([record(1)])
    assert store.comparisons()[0]["host"] is None
    posts = store.stats()["posts"]
    assert (posts["requests"], posts["personal"], posts["kept_personal"], posts["kept_url_form"]) == (8, 1, 1, 0)
    store.dispose()
