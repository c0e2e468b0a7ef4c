"""A service's background workers: run by ``serve`` beside the consumer, stopped with it on SIGTERM, their
health on ``/healthz`` (a failing or dead worker makes the service unhealthy) and metrics on ``/metrics``."""

from __future__ import annotations

import dataclasses
import os
import signal
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
from runtime_sample_service import DEFINITION, Commits, create_app
from runtime_things import THINGS, change, eventually, get
from sqlalchemy import Engine, MetaData

from cli.stack.ports import free_port
from extracted.runtime import (
    BrokerError,
    ConfigurationError,
    ConsumerState,
    InMemoryBroker,
    RuntimeSettings,
    ServiceSettings,
    WorkerPool,
    open_engine,
    serve,
)
from extracted.runtime.event_outbox import EventOutbox, OutboxEvent
from extracted.runtime.event_relay import OutboxRelay

TOPIC = "wordpress.events.things"


class Ticker:
    """Counts its rounds until stopped; ``sick`` makes it report itself unhealthy, ``crash`` raise."""

    def __init__(self, name: str = "ticker") -> None:
        self.name = name
        self.ticks = 0
        self.sick = False
        self.crash = threading.Event()
        self.stopped = threading.Event()
        self.seen: dict[str, Any] = {}

    def run(self, stop: threading.Event) -> None:
        while not stop.wait(0.005):
            if self.crash.is_set():
                raise RuntimeError("the ticker broke")
            self.ticks += 1
        self.stopped.set()

    def health(self) -> dict[str, Any]:
        return {"healthy": not self.sick, "ticks": self.ticks, "failing": self.sick, "note": "text is not a metric"}


class ListSink:
    def __init__(self) -> None:
        self.committed: list[OutboxEvent] = []
        self.refuse = False

    def published_through(self, topics: Sequence[str]) -> int:
        return max((e.sequence for e in self.committed), default=0)

    def publish(self, events: Sequence[OutboxEvent]) -> None:
        if self.refuse:
            raise BrokerError("refused")
        self.committed.extend(events)

    def close(self) -> None:
        pass


def _app(pool: WorkerPool) -> Any:
    state = ConsumerState("sample", connected=True, running=True, caught_up_once=True, workers=pool)
    return create_app(open_engine("sqlite://"), state, Commits())


def test_serve_runs_the_workers_reports_them_and_stops_them_on_sigterm(tmp_path: Path) -> None:
    ticker = Ticker()
    made: list[tuple[Engine, RuntimeSettings, Commits]] = []

    def workers(engine: Engine, runtime: RuntimeSettings, commits: Commits) -> list[Ticker]:
        made.append((engine, runtime, commits))
        return [ticker]

    definition = dataclasses.replace(DEFINITION, workers=workers)
    broker = InMemoryBroker()
    broker.append(THINGS, *change(THINGS, "c", {"id": 1, "name": "one"}))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    runtime = RuntimeSettings(
        bootstrap="memory", group="sample", store_url=f"sqlite:///{tmp_path / 's.db'}", poll_ms=20
    )

    def drive() -> None:
        try:
            eventually(lambda: _status(url) == 200 and ticker.ticks > 0, "serving, with the worker running", 20)
            ticker.seen["health"] = httpx.get(f"{url}/healthz").json()
            ticker.seen["metrics"] = httpx.get(f"{url}/metrics").text
            ticker.sick = True
            ticker.seen["sick"] = httpx.get(f"{url}/healthz")
            ticker.sick = False
        finally:
            os.kill(os.getpid(), signal.SIGTERM)

    helper = threading.Thread(target=drive)
    helper.start()
    assert serve(definition, ServiceSettings(f"127.0.0.1:{port}", runtime), broker=broker) == 0
    helper.join()
    assert ticker.stopped.is_set(), "the worker saw the stop"
    (engine, settings, commits), = made  # fmt: skip
    assert settings == runtime and isinstance(commits, Commits) and str(engine.url).endswith("s.db")
    health = ticker.seen["health"]
    assert health["healthy"] is True and health["events_applied"] == 1
    assert health["workers"]["ticker"]["healthy"] is True and health["workers"]["ticker"]["running"] is True
    metrics = ticker.seen["metrics"]
    assert 'worker_up{worker="ticker"} 1.0' in metrics and 'worker_ticks{worker="ticker"}' in metrics
    assert 'worker_failing{worker="ticker"} 0.0' in metrics and "worker_note" not in metrics
    assert 'consumer_lag_events{group="sample"}' in metrics
    sick = ticker.seen["sick"]
    assert sick.status_code == 503 and sick.json()["workers"]["ticker"]["healthy"] is False


def _status(url: str) -> int | None:
    try:
        return httpx.get(f"{url}/healthz", timeout=2).status_code
    except httpx.HTTPError:
        return None


def test_a_worker_whose_thread_died_keeps_the_service_unhealthy() -> None:
    ticker, other = Ticker(), Ticker("other")
    pool = WorkerPool([ticker, other], "sample")
    stop = threading.Event()
    pool.start(stop)
    app = _app(pool)
    try:
        eventually(lambda: ticker.ticks > 0, "ticking")
        assert get(app, "/healthz").status_code == 200
        ticker.crash.set()
        eventually(lambda: not pool.health()["ticker"]["running"], "the thread ended")
        answer = get(app, "/healthz")
        assert answer.status_code == 503
        died = answer.json()["workers"]["ticker"]
        assert died["healthy"] is False and died["ended"] == "died: RuntimeError: the ticker broke"
        assert answer.json()["workers"]["other"]["healthy"] is True  # the others go on
        assert 'worker_up{worker="ticker"} 0.0' in get(app, "/metrics").text
    finally:
        stop.set()
        assert pool.join(5) == []


def test_a_worker_that_returns_early_is_reported() -> None:
    class Quitter(Ticker):
        def run(self, stop: threading.Event) -> None:
            return

    pool = WorkerPool([Quitter()], "sample")
    pool.start(threading.Event())
    assert pool.join(5) == []
    assert pool.health()["ticker"] == {
        "healthy": False, "running": False, "ticks": 0, "failing": False, "note": "text is not a metric",
        "ended": "returned before the service stopped",
    }  # fmt: skip


def test_worker_names_must_be_distinct() -> None:
    with pytest.raises(ConfigurationError, match="distinct names"):
        WorkerPool([Ticker(), Ticker()], "sample")


def test_the_outbox_relay_is_a_worker_healthy_once_reconciled(tmp_path: Path) -> None:
    metadata = MetaData()
    outbox = EventOutbox(metadata)
    engine = open_engine(f"sqlite:///{tmp_path / 'store.db'}")
    metadata.create_all(engine)
    sink = ListSink()
    relay = OutboxRelay(engine, outbox, sink, [TOPIC], idle_s=0.01, retry_initial_s=0.01, retry_max_s=0.02)
    assert relay.health()["healthy"] is False and relay.health()["ready"] is False
    with engine.begin() as connection:
        outbox.append(connection, [OutboxEvent(TOPIC, b"1", b"a", "id-a")], now_ms=0)
    assert relay.health()["pending"] == 1
    pool = WorkerPool([relay], "sample")
    stop = threading.Event()
    pool.start(stop)
    try:
        eventually(lambda: len(sink.committed) == 1, "published")
        eventually(lambda: relay.health()["pending"] == 0, "forgotten")
        health = get(_app(pool), "/healthz").json()["workers"]["relay"]
        assert health | {"last_error": ""} == {
            "healthy": True, "running": True, "ready": True, "failing": False, "published": 1, "reconciled": 0,
            "pending": 0, "last_error": "",
        }  # fmt: skip
        sink.refuse = True
        with engine.begin() as connection:
            outbox.append(connection, [OutboxEvent(TOPIC, b"1", b"b", "id-b")], now_ms=0)
        relay.wake()
        eventually(lambda: relay.health()["failing"], "failing")
        assert get(_app(pool), "/healthz").status_code == 503
        assert 'worker_pending{worker="relay"} 1.0' in get(_app(pool), "/metrics").text
    finally:
        stop.set()
        assert pool.join(5) == []


def test_the_relay_fault_hook_holds_events_and_refuses_unknown_values(tmp_path: Path) -> None:
    metadata = MetaData()
    outbox = EventOutbox(metadata)
    engine = open_engine(f"sqlite:///{tmp_path / 'store.db'}")
    metadata.create_all(engine)
    with engine.begin() as connection:
        outbox.append(connection, [OutboxEvent(TOPIC, b"1", b"a", "id-a")], now_ms=0)
    sink = ListSink()
    relay = OutboxRelay(engine, outbox, sink, [TOPIC], fault="hold")
    assert relay.publish_pending() == 0 and sink.committed == []
    assert relay.health().items() >= {"fault": "hold", "held": 1, "pending": 1}.items()
    with pytest.raises(ConfigurationError, match="STRANGLER_TEST_RELAY_FAULT='later'"):
        OutboxRelay(engine, outbox, sink, [TOPIC], fault="later")


def test_outbox_sequences_are_never_reused_once_the_outbox_empties(tmp_path: Path) -> None:
    """The relay forgets events up to the highest sequence Kafka holds: a reused one would be lost."""
    metadata = MetaData()
    outbox = EventOutbox(metadata)
    engine = open_engine(f"sqlite:///{tmp_path / 'store.db'}")
    metadata.create_all(engine)
    sink = ListSink()
    relay = OutboxRelay(engine, outbox, sink, [TOPIC])
    for name in ("a", "b"):
        with engine.begin() as connection:
            outbox.append(connection, [OutboxEvent(TOPIC, b"1", name.encode(), f"id-{name}")], now_ms=0)
        assert relay.publish_pending() == 1
    assert [event.sequence for event in sink.committed] == [1, 2]
