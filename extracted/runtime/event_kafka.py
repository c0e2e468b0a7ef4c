"""The relay's Kafka side: transactional publishing and reading back what was committed (confluent-kafka).

librdkafka's transactions are the CDC connector's too; its exceptions become :class:`BrokerError` here.
Each record also names its relay (:data:`PRODUCER_HEADER`: the transactional id), so that reading back
counts only this relay's sequences: another store's relay (a second replica, a test's own service) may
publish to the same topic with sequences of its own.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic

from .event_outbox import OutboxEvent
from .event_relay import SEQUENCE_HEADER
from .types import BrokerError, RuntimeSettings

__all__ = ["PRODUCER_HEADER", "KafkaEventSink"]

TIMEOUT_S = 30.0
#: how far back from a partition's end the relay looks for its last sequence: more than two batches
#: (each record plus a commit marker per transaction)
READ_BACK = 1000
#: the kit's default (``RuntimeSettings.topic_partitions``); a service passes its own setting
EVENT_PARTITIONS = RuntimeSettings.topic_partitions
CONTENT_TYPE: tuple[str, str | bytes | None] = ("content-type", b"application/cloudevents+json; charset=UTF-8")
PRODUCER_HEADER = "strangler-outbox-producer"
#: librdkafka's own log lines go through logging (else they are printed to stderr)
LIBRDKAFKA_LOG = logging.getLogger("extracted.runtime.librdkafka")
T = TypeVar("T")


def _guard(what: str, action: Callable[[], T]) -> T:
    try:
        return action()
    except KafkaException as error:
        raise BrokerError(f"kafka {what}: {error}") from error


class KafkaEventSink:
    """Publishes outbox batches as Kafka transactions of ``transactional_id`` (one per service)."""

    def _config(self, **settings: Any) -> dict[str, Any]:
        return {"bootstrap.servers": self.bootstrap, "logger": LIBRDKAFKA_LOG, **settings}

    def __init__(self, bootstrap: str, transactional_id: str, *, partitions: int = EVENT_PARTITIONS) -> None:
        self.bootstrap, self.transactional_id, self.partitions = bootstrap, transactional_id, partitions
        self._producer: Producer | None = None
        self._known: set[str] = set()

    def _live(self) -> Producer:
        if self._producer is None:
            producer = Producer(self._config(**{
                "transactional.id": self.transactional_id, "linger.ms": 1,
                "partitioner": "murmur2_random",  # the Java client's key hashing
            }))  # fmt: skip
            _guard("init_transactions", lambda: producer.init_transactions(TIMEOUT_S))  # fences an older relay
            self._producer = producer
        return self._producer

    def ensure_topics(self, topics: Sequence[str]) -> None:
        missing = [topic for topic in topics if topic not in self._known]
        if not missing:
            return
        admin = AdminClient(self._config())
        # kept whole: the events are changes, a consumer that starts later replays them from the beginning
        keep = {"retention.ms": "-1", "cleanup.policy": "delete"}
        futures = admin.create_topics([NewTopic(t, num_partitions=self.partitions, config=keep) for t in missing])
        for topic, future in futures.items():
            try:
                future.result(TIMEOUT_S)
            except KafkaException as error:
                if error.args[0].code() != KafkaError.TOPIC_ALREADY_EXISTS:
                    raise BrokerError(f"cannot create topic {topic}: {error}") from error
            self._known.add(topic)

    def published_through(self, topics: Sequence[str]) -> int:
        self._live()  # init_transactions first: an open transaction of a dead relay is aborted, not pending
        self.ensure_topics(topics)
        consumer = Consumer(self._config(**{
            "group.id": f"outbox-reader-{uuid.uuid4()}", "enable.auto.commit": False,
            "isolation.level": "read_committed", "enable.partition.eof": True,
        }))  # fmt: skip
        try:
            return _guard("read-back", lambda: self._read_back(consumer, topics))
        finally:
            consumer.close()

    def _read_back(self, consumer: Any, topics: Sequence[str]) -> int:
        assignment = []
        for topic in topics:
            metadata = consumer.list_topics(topic, timeout=TIMEOUT_S).topics[topic]
            for partition in metadata.partitions:
                low, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=TIMEOUT_S)
                if high > low:
                    assignment.append(TopicPartition(topic, partition, max(low, high - READ_BACK)))
        if not assignment:
            return 0
        consumer.assign(assignment)
        remaining, highest = {(tp.topic, tp.partition) for tp in assignment}, 0
        deadline = time.monotonic() + TIMEOUT_S
        while remaining:
            if time.monotonic() > deadline:
                raise BrokerError(f"could not read back {sorted(remaining)} within {TIMEOUT_S:.0f} s")
            message = consumer.poll(0.5)
            if message is None:
                continue
            error = message.error()
            if error is not None:
                if error.code() != KafkaError._PARTITION_EOF:
                    raise KafkaException(error)
                remaining.discard((message.topic(), message.partition()))
                continue
            headers = dict(message.headers() or ())
            if headers.get(PRODUCER_HEADER) == self.transactional_id.encode() and headers.get(SEQUENCE_HEADER):
                highest = max(highest, int(headers[SEQUENCE_HEADER]))
        return highest

    def publish(self, events: Sequence[OutboxEvent]) -> None:
        producer = self._live()
        self.ensure_topics(sorted({event.topic for event in events}))
        _guard("begin_transaction", producer.begin_transaction)
        try:
            for event in events:
                headers: list[tuple[str, str | bytes | None]] = [
                    CONTENT_TYPE,
                    (SEQUENCE_HEADER, str(event.sequence).encode()),
                    (PRODUCER_HEADER, self.transactional_id.encode()),
                ]
                producer.produce(event.topic, event.value, event.key, headers=headers)
            _guard("commit_transaction", lambda: producer.commit_transaction(TIMEOUT_S))
        except (KafkaException, BufferError, BrokerError) as error:
            try:
                producer.abort_transaction(TIMEOUT_S)
            except KafkaException:
                self._producer = None  # fatal or fenced: a new producer (init_transactions) next time
            raise BrokerError(f"publishing {len(events)} events: {error}") from error

    def close(self) -> None:
        if self._producer is not None:
            self._producer.flush(5)
        self._producer = None
