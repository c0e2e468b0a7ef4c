"""The :class:`Broker` on Kafka (kafka-python): ``read_committed`` sessions, dead letters, lag.

Every kafka-python failure is turned into a :class:`BrokerError` here, at the boundary, so the rest
of the runtime never sees the client library.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from kafka import KafkaConsumer, KafkaProducer
from kafka import TopicPartition as KafkaPartition
from kafka.errors import KafkaError

from .record_order import in_commit_order
from .types import BrokerError, DeadLetter, Record, RuntimeSettings, TopicPartition

T = TypeVar("T")
#: how long a new client waits for the cluster before it fails (and the consumer retries, reporting it)
BOOTSTRAP_TIMEOUT_MS = 5000


def _mapped(what: str, operation: Callable[[], T]) -> T:
    """``operation()``, its client failures raised as BrokerError saying ``what`` failed."""
    try:
        return operation()
    except (KafkaError, OSError) as error:
        raise BrokerError(f"{what}: {type(error).__name__}: {error}") from error


def new_consumer(settings: RuntimeSettings, group: str | None) -> KafkaConsumer:
    def connect() -> KafkaConsumer:
        return KafkaConsumer(
            bootstrap_servers=settings.bootstrap,
            group_id=group,
            enable_auto_commit=False,
            isolation_level="read_committed",
            auto_offset_reset="earliest",
            metadata_max_age_ms=2000,
            fetch_max_wait_ms=settings.poll_ms,
            max_poll_records=settings.max_batch,
            client_id=f"{settings.group}-consumer",
            bootstrap_timeout_ms=BOOTSTRAP_TIMEOUT_MS,
        )

    return _mapped(f"cannot connect to Kafka at {settings.bootstrap}", connect)


class KafkaSession:
    """A :class:`BrokerSession` on one ``KafkaConsumer`` with explicitly assigned partitions."""

    def __init__(self, consumer: KafkaConsumer) -> None:
        self.consumer = consumer

    def topics(self) -> set[str]:
        return set(_mapped("cannot list topics", self.consumer.topics))

    def partitions(self, topic: str) -> list[int]:
        found = _mapped(f"cannot list the partitions of {topic}", lambda: self.consumer.partitions_for_topic(topic))
        return sorted(found or ())

    def assignment(self) -> set[TopicPartition]:
        return {TopicPartition(tp.topic, tp.partition) for tp in self.consumer.assignment()}

    def assign(self, starts: Mapping[TopicPartition, int | None]) -> None:
        def assign() -> None:
            current = set(self.consumer.assignment())
            added = {KafkaPartition(*tp): offset for tp, offset in starts.items() if KafkaPartition(*tp) not in current}
            if not added:
                return
            self.consumer.assign(sorted(current | set(added)))
            for tp, offset in added.items():
                if offset is None:
                    self.consumer.seek_to_beginning(tp)
                else:
                    self.consumer.seek(tp, offset)

        _mapped("cannot assign partitions", assign)

    def poll(self, timeout_ms: int, max_records: int) -> list[Record]:
        polled: dict[Any, list[Any]] = _mapped(
            "poll failed", lambda: self.consumer.poll(timeout_ms=timeout_ms, max_records=max_records)
        )
        return in_commit_order(
            [Record(r.topic, r.partition, r.offset, r.key, r.value, int(r.timestamp or 0)) for r in batch]
            for batch in polled.values()
        )

    def positions(self) -> dict[TopicPartition, int]:
        assigned = list(self.consumer.assignment())
        return _mapped(
            "cannot read positions", lambda: {TopicPartition(*tp): self.consumer.position(tp) for tp in assigned}
        )

    def end_offsets(self) -> dict[TopicPartition, int]:
        assigned = list(self.consumer.assignment())
        if not assigned:
            return {}
        ends: dict[Any, int] = _mapped("cannot read end offsets", lambda: self.consumer.end_offsets(assigned))
        return {TopicPartition(*tp): end for tp, end in ends.items()}

    def lag(self) -> int:
        ends = self.end_offsets()
        positions = self.positions()
        return sum(max(0, end - positions[tp]) for tp, end in ends.items() if tp in positions)

    def commit(self) -> None:
        _mapped("group offset commit failed", self.consumer.commit)

    def close(self) -> None:
        _mapped("cannot close the consumer", lambda: self.consumer.close(autocommit=False))


class KafkaBroker:
    """A :class:`Broker` on the Kafka cluster at ``settings.bootstrap``."""

    def __init__(self, settings: RuntimeSettings) -> None:
        self.settings = settings
        self._producer: KafkaProducer | None = None

    def session(self, group: str | None) -> KafkaSession:
        return KafkaSession(new_consumer(self.settings, group))

    def publish(self, topic: str, letters: Sequence[DeadLetter]) -> None:
        """Each letter with its error and origin in headers; returns once Kafka acknowledged all."""

        def send() -> None:
            if self._producer is None:
                self._producer = KafkaProducer(
                    bootstrap_servers=self.settings.bootstrap, acks="all", bootstrap_timeout_ms=BOOTSTRAP_TIMEOUT_MS
                )
            sent = []
            for letter in letters:
                record = letter.record
                origin = {"topic": record.topic, "partition": record.partition, "offset": record.offset}
                headers = [("error", letter.error.encode()), ("origin", json.dumps(origin).encode())]
                sent.append(self._producer.send(topic, key=record.key, value=record.value, headers=headers))
            self._producer.flush(timeout=10)
            for future in sent:  # flush returns on timeout too: only an acknowledged send counts
                future.get(timeout=0)

        _mapped(f"cannot publish dead letters to {topic}", send)

    def close(self) -> None:
        if self._producer is not None:
            producer, self._producer = self._producer, None
            _mapped("cannot close the dead-letter producer", lambda: producer.close(timeout=5))
