"""Topics of three partitions on a real Kafka: records go to the partition of their key, as the Java
client's murmur2 partitioner (and Debezium) puts them, from the CDC producer (rows, key = primary key)
and from the event relay (domain events, key = aggregate id); the kit's consumer keeps each key's
order, and nothing is lost or applied twice across a restart in the middle of the stream, nor by a
rebuild. The read model is SQLite and PostgreSQL (``tests/postgres_fixture.py``)."""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence

import pytest
from kafka import KafkaConsumer
from kafka import TopicPartition as KafkaPartition
from kafka.partitioner.default import murmur2
from runtime_things import eventually, running
from sqlalchemy import Column, Connection, Integer, MetaData, Table, func, select

from cdc.events import ChangeEvent, Tombstone, encode
from cdc.offsets import Offset
from cdc.sink import KafkaSink
from extracted.runtime import Change, Consumer, ConsumerState, RuntimeSettings, Store, Upsert, open_engine, rebuild
from extracted.runtime.event_kafka import KafkaEventSink
from extracted.runtime.event_outbox import OutboxEvent
from tests.kafka_fixture import kafka_only

pytestmark = pytest.mark.slow

PARTITIONS = 3
KEYS = 30
VERSIONS = 12


def java_partition(key: bytes, partitions: int = PARTITIONS) -> int:
    """The partition the Java client's default partitioner picks for ``key``."""
    return (int(murmur2(key)) & 0x7FFFFFFF) % partitions


class Versions:
    """Projects ``wp_steps`` rows (``id``, ``version``) into ``steps``; notes every projected (id, version)."""

    def __init__(self) -> None:
        self.metadata = MetaData()
        self.table = Table("steps", self.metadata, Column("id", Integer, primary_key=True),
                           Column("version", Integer, primary_key=True))  # fmt: skip
        self.lock = threading.Lock()
        self.projected: list[tuple[int, int]] = []

    def source_tables(self) -> Sequence[str]:
        return ["wp_steps"]

    def project(self, event: ChangeEvent | Tombstone) -> Sequence[Change]:
        assert isinstance(event, ChangeEvent) and event.row is not None
        with self.lock:
            self.projected.append((int(event.row["id"]), int(event.row["version"])))
        return [Upsert("steps", {"id": event.row["id"], "version": event.row["version"]})]

    def after_batch(self, connection: Connection, changes: Sequence[Change]) -> None:
        pass

    def by_key(self) -> dict[int, list[int]]:
        with self.lock:
            seen: dict[int, list[int]] = defaultdict(list)
            for key, version in self.projected:
                seen[key].append(version)
        return dict(seen)


def row_change(prefix: str, key: int, version: int) -> tuple[bytes | None, bytes | None]:
    """Key and value as CDC writes an update of row ``key`` (Debezium's key: the primary key)."""
    row = {"id": key, "version": version}
    source = {"table": "wp_steps", "ts_ms": 1000 + version}
    return encode(ChangeEvent(f"{prefix}.wordpress.wp_steps", {"id": key}, "u", row, row, source, 1000))


@pytest.fixture(scope="module")
def bootstrap(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with kafka_only(tmp_path_factory.mktemp("kafka-partitions")) as address:
        yield address


def _records(bootstrap: str, topic: str, timeout: float = 120.0) -> list[tuple[int, int, bytes, bytes]]:
    """(partition, offset, key, value) of every committed record of ``topic``, read to its end."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                             isolation_level="read_committed")  # fmt: skip
    try:
        partitions = [KafkaPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        assert len(partitions) == PARTITIONS, partitions
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        found: list[tuple[int, int, bytes, bytes]] = []
        deadline = time.monotonic() + timeout
        while any(consumer.position(tp) < ends[tp] for tp in partitions):
            assert time.monotonic() < deadline, f"could not read {topic} to its end in {timeout} s"
            for batch in consumer.poll(timeout_ms=500).values():
                found.extend((r.partition, r.offset, r.key, r.value) for r in batch)
        return sorted(found)
    finally:
        consumer.close()


def test_row_topics_keep_each_keys_order_across_a_consumer_restart_and_a_rebuild(
    bootstrap: str, store_url: str
) -> None:
    prefix = f"p{uuid.uuid4().hex[:8]}"
    settings = RuntimeSettings(bootstrap=bootstrap, group=f"{prefix}-steps", store_url=store_url, prefix=prefix,
                               poll_ms=100, max_batch=37, topic_refresh_s=0.2)  # fmt: skip
    topic = settings.topics(["wp_steps"])[0]
    sink = KafkaSink(bootstrap, f"cdc-{prefix}", f"{prefix}-cdc-offsets", prefix, partitions=PARTITIONS)
    sink.start()
    order = list(range(1, KEYS + 1))

    def produce(versions: range) -> None:
        for version in versions:  # one transaction per version, keys interleaved in a new order each time
            random.shuffle(order)
            sink.send_all((topic, *row_change(prefix, key, version)) for key in order)
            sink.commit(Offset("mariadb", f"0-1-{version}"))

    projection = Versions()
    store = Store(open_engine(store_url), projection.metadata)
    store.create()
    first = Consumer(settings, projection, store, ConsumerState(settings.group))
    try:
        produce(range(1, 5))
        with running(first):
            producer = threading.Thread(target=produce, args=(range(5, 9),))
            producer.start()
            eventually(lambda: len(projection.projected) >= 4 * KEYS, "the first run applied some", 60)
            producer.join(60)  # the consumer stops below while the last records may still be unread
        produce(range(9, VERSIONS + 1))
        second = Consumer(settings, projection, store, ConsumerState(settings.group))
        with running(second):
            eventually(lambda: len(projection.projected) >= KEYS * VERSIONS and second.state.snapshot()["caught_up"],
                       "the second run caught up", 60)  # fmt: skip
    finally:
        sink.close()
    expected = {key: list(range(1, VERSIONS + 1)) for key in range(1, KEYS + 1)}
    assert projection.by_key() == expected  # in order per key, none lost, none applied twice
    assert second.state.skipped == 0  # the second run started after the stored positions
    with store.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(projection.table)).scalar_one() == KEYS * VERSIONS
    records = _records(bootstrap, topic)
    assert {partition for partition, *_ in records} == set(range(PARTITIONS))
    assert all(partition == java_partition(key) for partition, _, key, _ in records)
    last = {partition: max(o for p, o, *_ in records if p == partition) for partition in range(PARTITIONS)}
    assert store.stored_positions() == {(topic, partition): offset for partition, offset in last.items()}

    rebuilt = Versions()
    report = rebuild(settings, rebuilt)
    assert report.events_applied == KEYS * VERSIONS and report.events_skipped == 0
    assert rebuilt.by_key() == expected
    assert store.stored_positions() == {(topic, partition): offset for partition, offset in last.items()}
    store.engine.dispose()


def test_the_event_relay_puts_each_aggregates_events_in_its_keys_partition_in_order(bootstrap: str) -> None:
    topic = f"wordpress.events.a{uuid.uuid4().hex[:8]}"
    sink = KafkaEventSink(bootstrap, f"relay-{topic}", partitions=PARTITIONS)
    events = [
        OutboxEvent(topic, str(key).encode(), f"{key}:{version}".encode(), f"{key}-{version}", sequence)
        for sequence, (version, key) in enumerate(
            ((version, key) for version in range(1, 6) for key in random.sample(range(1, KEYS + 1), KEYS)), start=1
        )
    ]
    try:
        sink.published_through([topic])  # creates the topic
        for start in range(0, len(events), 40):
            sink.publish(events[start : start + 40])
        assert sink.published_through([topic]) == len(events)
    finally:
        sink.close()
    records = _records(bootstrap, topic)
    assert len(records) == len(events)
    assert {partition for partition, *_ in records} == set(range(PARTITIONS))
    versions: dict[bytes, list[int]] = defaultdict(list)
    for partition, _, key, value in records:  # by partition, then offset
        assert partition == java_partition(key)
        versions[key].append(int(value.split(b":")[1]))
    assert versions == {str(key).encode(): [1, 2, 3, 4, 5] for key in range(1, KEYS + 1)}
