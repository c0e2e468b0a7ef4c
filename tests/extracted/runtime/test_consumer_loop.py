"""The consume loop on the in-memory broker: order, restarts, redelivery, dead letters, failures."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
from runtime_things import OTHERS, THINGS, Things, change, eventually, get, names, running
from starlette.applications import Starlette

from extracted.runtime import (
    Backoff,
    Consumer,
    ConsumerState,
    InMemoryBroker,
    InMemorySession,
    RuntimeSettings,
    Store,
    TopicPartition,
    health_routes,
    open_engine,
)
from extracted.runtime.metrics import prometheus_text, registry_for


@pytest.fixture
def settings(tmp_path: Path) -> RuntimeSettings:
    return RuntimeSettings(
        bootstrap="memory",
        group="things",
        store_url=f"sqlite:///{tmp_path / 'things.db'}",
        poll_ms=20,
        topic_refresh_s=0.05,
        retry_initial_s=0.01,
        retry_max_s=0.04,
    )


@pytest.fixture
def projection() -> Things:
    return Things()


@pytest.fixture
def store(settings: RuntimeSettings, projection: Things) -> Store:
    store = Store(open_engine(settings.store_url), projection.metadata)
    store.create()
    return store


@pytest.fixture
def broker() -> InMemoryBroker:
    return InMemoryBroker()


def consumer_of(
    settings: RuntimeSettings, projection: Things, store: Store, broker: InMemoryBroker, **options: object
) -> Consumer:
    return Consumer(settings, projection, store, ConsumerState(settings.group), broker=broker, **options)  # type: ignore[arg-type]


def put(broker: InMemoryBroker, op: str, row_id: int, name: str, *, topic: str = THINGS, partition: int = 0) -> None:
    broker.append(topic, *change(topic, op, {"id": row_id, "name": name}), partition=partition)


def applied(consumer: Consumer) -> int:
    with consumer.state.lock:
        return sum(consumer.state.applied.values())


class RecordingBackoff(Backoff):
    def __init__(self, initial: float, maximum: float) -> None:
        super().__init__(initial, maximum)
        self.delays: list[float] = []
        self.resets = 0

    def next_delay(self) -> float:
        delay = super().next_delay()
        self.delays.append(delay)
        return delay

    def reset(self) -> None:
        super().reset()
        self.resets += 1


def test_records_apply_in_order_across_partitions(
    settings: RuntimeSettings, projection: Things, store: Store, broker: InMemoryBroker
) -> None:
    broker.create_topic(THINGS, partitions=2)
    put(broker, "c", 1, "one", partition=0)
    put(broker, "u", 1, "uno", partition=1)  # the same row through another partition: order is append order
    put(broker, "c", 2, "two", partition=0)
    put(broker, "d", 2, "two", partition=1)
    consumer = consumer_of(settings, projection, store, broker)
    with running(consumer):
        eventually(lambda: consumer.state.snapshot()["caught_up"], "caught up")
        assert names(store) == {1: "uno"}
        assert store.stored_positions() == {(THINGS, 0): 1, (THINGS, 1): 1}
        assert [(row, name) for _, row, name in projection.projected] == [
            (1, "one"),
            (1, "uno"),
            (2, "two"),
            (2, "two"),
        ]
        assert consumer.state.snapshot()["healthy"] is True
        eventually(lambda: broker.committed("things") == {TopicPartition(THINGS, 0): 2, TopicPartition(THINGS, 1): 2},
                   "group offsets committed (informational)")  # fmt: skip


def test_a_restarted_consumer_resumes_from_the_stored_positions(
    settings: RuntimeSettings, projection: Things, store: Store, broker: InMemoryBroker
) -> None:
    put(broker, "c", 1, "one")
    put(broker, "c", 2, "two")
    first = consumer_of(settings, projection, store, broker)
    with running(first):
        eventually(lambda: applied(first) == 2, "first run applied both")
    put(broker, "u", 1, "uno")
    second = consumer_of(settings, projection, store, broker)
    with running(second):
        eventually(lambda: applied(second) == 1, "second run applied the new one")
        eventually(lambda: second.state.snapshot()["caught_up"], "caught up")
    assert second.state.skipped == 0  # it did not read the first two again
    assert [name for _, _, name in projection.projected] == ["one", "two", "uno"]
    assert names(store) == {1: "uno", 2: "two"}


class RereadingSession(InMemorySession):
    """A client that lost its position: reads every partition from the beginning."""

    def assign(self, starts: Mapping[TopicPartition, int | None]) -> None:
        super().assign(dict.fromkeys(starts))


class RereadingBroker(InMemoryBroker):
    def session(self, group: str | None) -> InMemorySession:
        super().session(group)
        return RereadingSession(self, group)


def test_redelivered_records_are_a_no_op(settings: RuntimeSettings, projection: Things, store: Store) -> None:
    broker = RereadingBroker()
    put(broker, "c", 1, "one")
    put(broker, "u", 1, "uno")
    with running(consumer := consumer_of(settings, projection, store, broker)):
        eventually(lambda: applied(consumer) == 2, "applied")
    put(broker, "c", 3, "three")
    again = consumer_of(settings, projection, store, broker)
    with running(again):
        eventually(lambda: applied(again) == 1 and again.state.skipped == 2, "the two old ones skipped")
    assert names(store) == {1: "uno", 3: "three"}
    assert [name for _, _, name in projection.projected] == ["one", "uno", "three"]  # skipped before projecting


def test_a_failing_event_is_a_dead_letter_published_once_after_its_commit(
    settings: RuntimeSettings, projection: Things, store: Store, broker: InMemoryBroker
) -> None:
    put(broker, "c", 1, "one")
    put(broker, "c", 2, "boom")
    put(broker, "c", 3, "three")
    consumer = consumer_of(settings, projection, store, broker)
    with running(consumer):
        eventually(lambda: consumer.state.snapshot()["caught_up"] and applied(consumer) == 2, "caught up")
        eventually(lambda: broker.published(settings.dead_letter_topic), "dead letter published")
        assert names(store) == {1: "one", 3: "three"}
        assert store.stored_positions() == {(THINGS, 0): 2}
        assert consumer.state.snapshot()["healthy"] is True
    letters = broker.published(settings.dead_letter_topic)
    assert [(letter.record.offset, letter.record.value) for letter in letters] == [
        (1, change(THINGS, "c", {"id": 2, "name": "boom"})[1])
    ]
    assert "cannot project boom" in letters[0].error
    assert store.count_pending_dead_letters() == 0 and consumer.state.dead_letters == 1
    assert broker.calls["publish"] == 1


def test_a_failing_after_batch_makes_the_service_unhealthy_and_is_retried_until_it_recovers(
    settings: RuntimeSettings, projection: Things, store: Store, broker: InMemoryBroker
) -> None:
    consumer = consumer_of(settings, projection, store, broker)
    consumer.backoff = backoff = RecordingBackoff(settings.retry_initial_s, settings.retry_max_s)
    app = Starlette(routes=health_routes(consumer.state))
    projection.broken.set()
    put(broker, "c", 1, "one")
    put(broker, "c", 2, "boom")  # a dead letter of the rolled-back batch: must not be published while failing
    put(broker, "c", 3, "three")
    with running(consumer):
        eventually(lambda: consumer.state.consecutive_failures >= 4, "four failures in a row")
        health = get(app, "/healthz")
        assert health.status_code == 503
        document = health.json()
        assert document["healthy"] is False and document["failing"] is True
        assert "RuntimeError: after_batch is broken" in document["last_error"] and document["last_error_at"]
        metrics = get(app, "/metrics").text
        assert 'consumer_failing{group="things"} 1.0' in metrics
        assert 'consumer_failures_total{group="things"}' in metrics
        assert names(store) == {} and store.stored_positions() == {}  # every attempt rolled back
        assert broker.published(settings.dead_letter_topic) == [] and store.count_pending_dead_letters() == 0
        assert backoff.delays[:4] == [0.01, 0.02, 0.04, 0.04]  # doubling, capped at retry_max_s
        assert broker.sessions_opened == 1  # a batch failure retries the batch, not the connection

        projection.broken.clear()
        eventually(lambda: get(app, "/healthz").status_code == 200, "healthy again")
        eventually(lambda: broker.published(settings.dead_letter_topic), "dead letter published")
        state = consumer.state.snapshot()
        assert state["failing"] is False and state["consecutive_failures"] == 0
        assert 'consumer_failing{group="things"} 0.0' in get(app, "/metrics").text
    assert names(store) == {1: "one", 3: "three"}
    assert applied(consumer) == 2 and consumer.state.batches == 1  # applied once, not once per attempt
    assert projection.batches == [2]
    assert len(broker.published(settings.dead_letter_topic)) == 1
    assert backoff.resets >= 1 and consumer.state.failures == projection.after_batch_failures


def test_a_failing_on_commit_is_retried_without_applying_the_batch_again(
    settings: RuntimeSettings, projection: Things, store: Store, broker: InMemoryBroker
) -> None:
    calls: list[int] = []

    def on_commit() -> None:
        calls.append(len(calls))
        if len(calls) <= 2:
            raise OSError("cache invalidation failed")

    consumer = consumer_of(settings, projection, store, broker, on_commit=on_commit)
    put(broker, "c", 1, "one")
    put(broker, "c", 2, "two")
    with running(consumer):
        eventually(lambda: len(calls) == 3 and not consumer.state.failing, "on_commit succeeded at the third try")
    assert consumer.state.failures == 2 and "OSError: cache invalidation failed" in str(consumer.state.last_error)
    assert len(projection.projected) == 2 and projection.batches == [2] and consumer.state.batches == 1
    assert names(store) == {1: "one", 2: "two"}


def test_dead_letters_the_broker_refuses_are_published_later_without_reapplying(
    settings: RuntimeSettings, projection: Things, store: Store, broker: InMemoryBroker
) -> None:
    broker.fail("publish", times=3)
    put(broker, "c", 1, "boom")
    put(broker, "c", 2, "two")
    consumer = consumer_of(settings, projection, store, broker)
    with running(consumer):
        eventually(lambda: broker.published(settings.dead_letter_topic), "published at last")
        eventually(lambda: consumer.state.snapshot()["dead_letters_pending"] == 0, "nothing pending")
        assert consumer.state.dead_letter_publish_failures == 3
        assert "publish: injected failure" in str(consumer.state.last_publish_error)
        assert consumer.state.snapshot()["healthy"] is True  # consumption went on meanwhile
    assert len(broker.published(settings.dead_letter_topic)) == 1
    assert len(projection.projected) == 2 and names(store) == {2: "two"}
    assert (
        'consumer_dead_letter_publish_failures_total{group="things"} 3.0'
        in prometheus_text(registry_for(consumer.state)).decode()
    )


def test_dead_letters_left_by_a_stopped_process_are_published_by_the_next(
    settings: RuntimeSettings, projection: Things, store: Store, broker: InMemoryBroker
) -> None:
    broker.fail("publish", times=1_000_000)
    put(broker, "c", 1, "boom")
    first = consumer_of(settings, projection, store, broker)
    with running(first):
        eventually(lambda: first.state.dead_letter_publish_failures >= 1, "a publish failed")
    assert store.count_pending_dead_letters() == 1 and broker.published(settings.dead_letter_topic) == []
    healthy = InMemoryBroker()
    put(healthy, "c", 1, "boom")
    second = consumer_of(settings, projection, store, healthy)
    with running(second):
        eventually(lambda: healthy.published(settings.dead_letter_topic), "published by the next process")
        eventually(lambda: second.state.snapshot()["caught_up"], "caught up")
    assert len(healthy.published(settings.dead_letter_topic)) == 1 and store.count_pending_dead_letters() == 0
    assert len(projection.projected) == 1  # the second process did not apply it again


def test_broker_failures_reconnect_with_backoff(
    settings: RuntimeSettings, projection: Things, store: Store, broker: InMemoryBroker
) -> None:
    put(broker, "c", 1, "one")
    broker.fail("poll", times=3)
    consumer = consumer_of(settings, projection, store, broker)
    with running(consumer):
        eventually(lambda: applied(consumer) == 1 and not consumer.state.failing, "recovered")
        assert consumer.state.snapshot()["healthy"] is True
    assert consumer.state.failures == 3 and broker.sessions_opened == 4
    assert "BrokerError: poll: injected failure" in str(consumer.state.last_error)


def test_new_topics_and_partitions_are_picked_up(
    settings: RuntimeSettings, projection: Things, store: Store, broker: InMemoryBroker
) -> None:
    consumer = consumer_of(settings, projection, store, broker)
    with running(consumer):
        eventually(lambda: consumer.state.snapshot()["healthy"], "healthy without any topic")
        put(broker, "c", 1, "one")
        eventually(lambda: names(store) == {1: "one"}, "the new topic")
        put(broker, "c", 2, "other", topic=OTHERS)
        eventually(lambda: names(store) == {1: "one", 1002: "other"}, "a second new topic")
        put(broker, "c", 3, "three", partition=1)
        eventually(lambda: 3 in names(store), "a new partition")
    assert store.stored_positions() == {(THINGS, 0): 0, (THINGS, 1): 0, (OTHERS, 0): 0}


def test_stop_ends_the_loop_while_it_waits_to_retry(
    settings: RuntimeSettings, projection: Things, store: Store, broker: InMemoryBroker
) -> None:
    broker.fail("session", times=1)
    consumer = consumer_of(settings, projection, store, broker)
    consumer.backoff = Backoff(60.0, 60.0)
    with running(consumer):
        eventually(lambda: consumer.state.failing, "failing")
        assert consumer.state.snapshot()["retry_in_s"] == 60.0 and not consumer.state.healthy()
    assert consumer.state.running is False  # and `running` joined it within its 10 s
