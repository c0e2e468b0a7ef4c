"""The domain-event outbox and its relay: in order, once, across a relay killed after Kafka's commit."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from confluent_kafka import Consumer, KafkaError
from sqlalchemy import Engine, MetaData

from extracted.runtime import BrokerError, open_engine
from extracted.runtime.event_kafka import KafkaEventSink
from extracted.runtime.event_outbox import EventOutbox, OutboxEvent
from extracted.runtime.event_relay import SEQUENCE_HEADER, OutboxRelay
from tests.kafka_fixture import kafka_only

TOPIC = "wordpress.events.users"


class ListSink:
    """An in-memory sink: what was committed, and a switch to refuse."""

    def __init__(self) -> None:
        self.committed: list[OutboxEvent] = []
        self.refuse = False
        self.published = threading.Event()

    def published_through(self, topics: Sequence[str]) -> int:
        return max((e.sequence for e in self.committed if e.topic in topics), default=0)

    def publish(self, events: Sequence[OutboxEvent]) -> None:
        if self.refuse:
            raise BrokerError("refused")
        self.committed.extend(events)
        self.published.set()

    def close(self) -> None:
        pass


def _outbox(tmp_path: Path) -> tuple[Engine, EventOutbox]:
    metadata = MetaData()
    outbox = EventOutbox(metadata)
    engine = open_engine(f"sqlite:///{tmp_path / 'store.db'}")
    metadata.create_all(engine)
    return engine, outbox


def _add(engine: Engine, outbox: EventOutbox, *names: str) -> None:
    with engine.begin() as connection:
        events = [OutboxEvent(TOPIC, b"7", name.encode(), event_id=f"id-{name}") for name in names]
        outbox.append(connection, events, now_ms=0)


def _left(engine: Engine, outbox: EventOutbox) -> list[str]:
    with engine.connect() as connection:
        return [event.value.decode() for event in outbox.pending(connection, 100)]


def test_events_go_out_in_order_and_leave_the_outbox(tmp_path: Path) -> None:
    engine, outbox = _outbox(tmp_path)
    sink = ListSink()
    relay = OutboxRelay(engine, outbox, sink, [TOPIC])
    _add(engine, outbox, "a", "b")
    _add(engine, outbox, "c")
    assert relay.publish_pending() == 3
    assert [e.value for e in sink.committed] == [b"a", b"b", b"c"]
    assert [e.sequence for e in sink.committed] == [1, 2, 3]
    assert _left(engine, outbox) == []


def test_a_refused_batch_stays_and_goes_out_later(tmp_path: Path) -> None:
    engine, outbox = _outbox(tmp_path)
    sink = ListSink()
    sink.refuse = True
    relay = OutboxRelay(engine, outbox, sink, [TOPIC], retry_initial_s=0.01, retry_max_s=0.02)
    _add(engine, outbox, "a")
    stop = threading.Event()
    thread = threading.Thread(target=relay.run, args=(stop,))
    thread.start()
    try:
        for _ in range(500):
            if relay.state.failing:
                break
            stop.wait(0.01)
        assert relay.state.failing
        assert _left(engine, outbox) == ["a"]
        sink.refuse = False
        assert sink.published.wait(10)
    finally:
        stop.set()
        thread.join(10)
    assert [e.value for e in sink.committed] == [b"a"]
    assert not relay.state.failing


def test_a_relay_killed_after_the_commit_does_not_publish_again(tmp_path: Path) -> None:
    engine, outbox = _outbox(tmp_path)
    sink = ListSink()
    _add(engine, outbox, "a", "b")
    with engine.connect() as connection:
        sink.publish(outbox.pending(connection, 10))  # committed to Kafka, then kill -9: still in the outbox
    _add(engine, outbox, "c")
    relay = OutboxRelay(engine, outbox, sink, [TOPIC])
    relay._reconcile()
    assert relay.state.reconciled == 2
    relay.publish_pending()
    assert [e.value for e in sink.committed] == [b"a", b"b", b"c"]


# --- against a real Kafka: transactions, read back with read_committed ---


@pytest.fixture(scope="module")
def bootstrap(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with kafka_only(tmp_path_factory.mktemp("relay-kafka")) as address:
        yield address


def _on_topic(bootstrap: str, topic: str) -> list[tuple[bytes, int]]:
    consumer = Consumer({
        "bootstrap.servers": bootstrap, "group.id": f"t-{uuid.uuid4()}", "auto.offset.reset": "earliest",
        "isolation.level": "read_committed", "enable.partition.eof": True, "enable.auto.commit": False,
    })  # fmt: skip
    consumer.subscribe([topic])
    found: list[tuple[bytes, int]] = []
    eof: set[int] = set()
    try:
        for _ in range(600):
            message = consumer.poll(0.1)
            if message is None:
                continue
            if message.error() is not None:
                assert message.error().code() == KafkaError._PARTITION_EOF
                eof.add(message.partition())
                if len(eof) == 3:
                    break
                continue
            sequence = dict(message.headers() or [])[SEQUENCE_HEADER]
            found.append((message.value(), int(sequence)))
    finally:
        consumer.close()
    return sorted(found, key=lambda pair: pair[1])


@pytest.mark.stack
@pytest.mark.timeout(180)
def test_exactly_once_on_kafka_across_a_relay_killed_after_its_commit(bootstrap: str, tmp_path: Path) -> None:
    topic = f"wordpress.events.users-{uuid.uuid4().hex[:8]}"
    metadata = MetaData()
    outbox = EventOutbox(metadata)
    engine = open_engine(f"sqlite:///{tmp_path / 'store.db'}")
    metadata.create_all(engine)
    with engine.begin() as connection:
        outbox.append(
            connection, [OutboxEvent(topic, str(n).encode(), f"e{n}".encode(), f"id{n}") for n in range(5)], 0
        )
    first = KafkaEventSink(bootstrap, "users-outbox-test")
    with engine.connect() as connection:
        first.publish(outbox.pending(connection, 3))  # committed; the process dies before forgetting them
    second = OutboxRelay(engine, outbox, KafkaEventSink(bootstrap, "users-outbox-test"), [topic])
    second._reconcile()
    assert second.state.reconciled == 3
    assert second.publish_pending() == 2
    second.sink.close()
    assert _on_topic(bootstrap, topic) == [(f"e{n}".encode(), n + 1) for n in range(5)]
    with pytest.raises(BrokerError):  # the first relay is fenced by the second's init_transactions
        first.publish([OutboxEvent(topic, b"x", b"zombie", "z", 99)])
    first.close()
