"""Proxy replicas sharing one comparison store in a real PostgreSQL (``tests/postgres_fixture.py``;
skipped without Debian's postgresql): concurrent creation, recording and pruning by several store
instances, what the cutover gate reads counting every replica, and two `python -m proxy serve`
processes on one store."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from cli.stack.ports import free_port
from proxy.__main__ import check_store
from proxy.client import AdminClient
from proxy.metrics import RouteTraffic
from proxy.store import open_store
from proxy.types import ComparisonStorage
from tests.proxy.proxy_processes import Upstream, start_proxy
from tests.proxy.test_proxy_store import record


def run_together(count: int, work: Callable[[int], None]) -> None:
    """Runs ``work(0..count-1)`` in threads released at the same moment; re-raises the first failure."""
    barrier, failures = threading.Barrier(count), []

    def body(index: int) -> None:
        try:
            barrier.wait(10)
            work(index)
        except BaseException as exc:  # handed to the test's thread
            failures.append(exc)

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    if failures:
        raise failures[0]


@pytest.fixture
def replicas(postgres_database: str) -> Iterator[list[ComparisonStorage]]:
    """Two store instances on one database, as two proxy replicas hold them; created at the same moment."""
    stores = [open_store(postgres_database, retention_rows=100_000) for _ in range(2)]
    run_together(2, lambda index: stores[index].create())
    yield stores
    for store in stores:
        store.dispose()


def test_two_replicas_record_at_once_and_the_gate_counts_both(replicas: list[ComparisonStorage]) -> None:
    batches, size = 20, 10

    def replica(index: int) -> None:
        store = replicas[index]
        for batch in range(batches):
            outcome = "mismatch" if (index, batch) == (1, 0) else "match"
            start = (index * batches + batch) * size
            store.add_comparisons([record(start + i, outcome) for i in range(size)])
            # both replicas count a route neither has seen yet at the same moment, in either order
            store.add_traffic({"posts": RouteTraffic(requests=size), f"new-{batch}": RouteTraffic(requests=1)})
            store.add_traffic({f"new-{batch}": RouteTraffic(fallbacks=1), "posts": RouteTraffic(errors=1)})
            store.add_noise("posts", frozenset({"$.date", f"$.replica{index}"}))

    run_together(2, replica)
    for store in replicas:  # each replica's admin API answers the same
        stats = store.stats()
        posts = stats["posts"]
        assert (posts["requests"], posts["errors"]) == (2 * batches * size, 2 * batches)
        assert posts["compared"] == 2 * batches * size
        assert posts["comparisons"]["mismatch"] == size
        assert posts["match_percent"] == round(100 * (2 * batches - 1) / (2 * batches), 3)
        assert all((stats[f"new-{b}"]["requests"], stats[f"new-{b}"]["fallbacks"]) == (2, 2) for b in range(batches))
        assert store.noise() == {"posts": frozenset({"$.date", "$.replica0", "$.replica1"})}
        assert len(store.comparisons(route="posts", limit=1000)) == 2 * batches * size


def test_retention_holds_with_two_replicas_pruning(postgres_database: str) -> None:
    stores = [open_store(postgres_database, retention_rows=50) for _ in range(2)]
    stores[0].create()

    def replica(index: int) -> None:
        for _ in range(15):
            stores[index].add_comparisons([record(i) for i in range(10)])

    run_together(2, replica)
    stores[0].add_comparisons([record(999)])  # a prune after the race: whoever skipped one is caught up
    assert len(stores[1].comparisons(limit=1000)) == 50
    for store in stores:
        store.dispose()


def test_text_postgresql_cannot_hold_is_made_storable(postgres_database: str) -> None:
    store = open_store(postgres_database)
    store.create()
    long_host = "h" * 400
    row = record(1, "mismatch")
    store.add_comparisons([type(row)(**{**vars(row), "legacy_body": "a\x00b", "host": long_host})])
    stored = store.comparisons(full=True)[0]
    assert stored["legacy_body"] == "a\ufffdb" and stored["host"] == long_host[:300]
    store.add_noise("posts", frozenset({"$." + "x" * 600}))
    assert [len(p) for p in store.noise()["posts"]] == [500]
    store.dispose()


def test_a_store_that_cannot_serve_is_refused_at_startup(postgres_database: str) -> None:
    assert check_store(postgres_database) is None
    assert "unsupported store URL" in (check_store("mysql://root@localhost/db") or "")
    refused = check_store(f"postgresql://nobody:secret@127.0.0.1:{free_port()}/db") or ""
    assert "cannot create the comparison store" in refused and "secret" not in refused


@pytest.mark.slow  # two proxies (each a parent and a shadow process) start: ~10 s on 2 vCPUs
def test_two_proxy_processes_share_one_store(postgres_database: str, tmp_path: Path) -> None:
    with Upstream().running() as upstream:
        homes = [tmp_path / "a", tmp_path / "b"]
        for home in homes:
            home.mkdir()
        with ThreadPoolExecutor(2) as pool:  # replicas start together, as a Deployment's pods do
            starting = [
                pool.submit(start_proxy, h, upstream.url, extra_args=["--store", postgres_database]) for h in homes
            ]
            proxies = [future.result() for future in starting]
        try:
            sent = {0: 3, 1: 4}
            for index, proxy in enumerate(proxies):
                with AdminClient(proxy.admin_url, proxy.token) as client:
                    client.set_route("mirror", ["/wp-json/**"], "svc", service_url=upstream.url, mode="shadow")
                for item in range(sent[index]):
                    assert httpx.get(f"{proxy.url}/wp-json/{index}/{item}").status_code == 200
            expected = sum(sent.values())
            for proxy in proxies:
                with AdminClient(proxy.admin_url, proxy.token) as client:
                    deadline = time.monotonic() + 15
                    mirror = client.stats().get("mirror", {})
                    while (mirror.get("compared"), mirror.get("requests")) != (expected, expected):
                        assert time.monotonic() < deadline, f"stats never counted both replicas: {mirror}"
                        time.sleep(0.2)
                        mirror = client.stats().get("mirror", {})
                    assert mirror["match_percent"] == 100.0
        finally:
            with ThreadPoolExecutor(2) as pool:
                stopped = list(pool.map(lambda proxy: proxy.stop(), proxies))
            assert stopped == [0, 0], [proxy.log.read_text() for proxy in proxies]


def test_the_stack_passes_a_shared_store_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from cli.stack.errors import IncompatibleStateError
    from cli.stack.settings import proxy_store_override

    monkeypatch.delenv("STRANGLER_PROXY_STORE", raising=False)
    assert proxy_store_override() is None  # the native stack's default: its SQLite file
    monkeypatch.setenv("STRANGLER_PROXY_STORE", "postgresql://proxy@db.internal:5432/strangler")
    assert proxy_store_override() == "postgresql://proxy@db.internal:5432/strangler"
    monkeypatch.setenv("STRANGLER_PROXY_STORE", "mysql://root:pw@db/x")
    with pytest.raises(IncompatibleStateError, match=r"STRANGLER_PROXY_STORE=mysql://\.\.\. is neither"):
        proxy_store_override()
