"""``serve --read-only``: a replica answering from the store a projector writes (``follower``), on SQLite
and on PostgreSQL. It creates no table, consumes nothing, is unhealthy until the projector made the
store, and its context (the answer cache's generation) moves with every batch the projector commits."""

from __future__ import annotations

import os
import signal
import threading

import httpx
from runtime_sample_service import DEFINITION
from runtime_things import THINGS, change, eventually
from sqlalchemy import inspect

from cli.stack.ports import free_port
from extracted.runtime import (
    Consumer,
    ConsumerState,
    InMemoryBroker,
    RuntimeSettings,
    ServiceSettings,
    Store,
    open_engine,
    serve,
)
from extracted.runtime.cli import parser


def _status(url: str) -> int | None:
    try:
        return httpx.get(url, timeout=2).status_code
    except httpx.HTTPError:
        return None


def _commits(url: str) -> int:
    return int(httpx.get(f"{url}/commits", timeout=2).json()["commits"])


def test_the_command_line_has_read_only_and_the_topic_partitions() -> None:
    base = ["serve", "--listen", "127.0.0.1:1", "--bootstrap", "b:9092"]
    defaults = parser(DEFINITION).parse_args(base)
    assert (defaults.read_only, defaults.topic_partitions) == (False, RuntimeSettings.topic_partitions)
    chosen = parser(DEFINITION).parse_args([*base, "--read-only", "--topic-partitions", "6"])
    assert (chosen.read_only, chosen.topic_partitions) == (True, 6)


def test_a_read_only_replica_follows_the_projectors_commits(store_url: str) -> None:
    """The replica in this (main) thread as its process runs it; the projector is a consumer in another."""
    broker = InMemoryBroker()
    broker.append(THINGS, *change(THINGS, "c", {"id": 1, "name": "one"}))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    runtime = RuntimeSettings(bootstrap="memory", group="sample", store_url=store_url, poll_ms=20)
    seen: dict[str, object] = {}

    store = Store(open_engine(store_url), DEFINITION.projection().metadata)

    def drive() -> None:
        stop = threading.Event()
        projector: threading.Thread | None = None
        try:
            eventually(lambda: _status(f"{url}/metrics") == 200, "serving", timeout=30)
            eventually(lambda: _status(f"{url}/healthz") == 503, "unhealthy without the projector's tables")
            looking = open_engine(store_url)
            seen["tables_before"] = inspect(looking).get_table_names()
            looking.dispose()
            store.create()
            consumer = Consumer(runtime, DEFINITION.projection(), store, ConsumerState("sample"), broker=broker)
            projector = threading.Thread(target=consumer.run, args=(stop,), daemon=True)
            projector.start()
            eventually(lambda: _status(f"{url}/healthz") == 200, "healthy once the store exists", timeout=30)
            eventually(lambda: consumer.state.snapshot()["caught_up"], "the projector caught up")
            before = _commits(url)
            broker.append(THINGS, *change(THINGS, "c", {"id": 2, "name": "two"}))
            eventually(lambda: _commits(url) > before, "the replica saw the projector's commit")
            seen["health"] = httpx.get(f"{url}/healthz").json()
        finally:
            stop.set()
            if projector is not None:
                projector.join(10)
            store.engine.dispose()
            os.kill(os.getpid(), signal.SIGTERM)

    helper = threading.Thread(target=drive)
    helper.start()
    status = serve(DEFINITION, ServiceSettings(f"127.0.0.1:{port}", runtime, read_only=True), broker=broker)
    helper.join()
    assert status == 0
    assert seen["tables_before"] == []  # a replica never creates the read model
    health = seen["health"]
    assert isinstance(health, dict)
    assert health["healthy"] is True and health["caught_up"] is True
    assert health["events_applied"] == 0  # it consumed nothing: the projector did
