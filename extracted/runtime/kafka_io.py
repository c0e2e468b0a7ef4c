"""Kafka I/O shared by the live consumer and the rebuild: clients, records, dead letters, lag."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import KafkaError

from .applier import DeadLetter, Record
from .types import BrokerError, RuntimeSettings


def new_consumer(settings: RuntimeSettings, group: str | None) -> KafkaConsumer:
    try:
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
        )
    except KafkaError as error:
        raise BrokerError(f"cannot connect to Kafka at {settings.bootstrap}: {error}") from error


def poll_records(consumer: KafkaConsumer, timeout_ms: int, max_records: int) -> list[Record]:
    try:
        polled: dict[Any, list[Any]] = consumer.poll(timeout_ms=timeout_ms, max_records=max_records)
    except KafkaError as error:
        raise BrokerError(f"poll failed: {error}") from error
    records = [
        Record(r.topic, r.partition, r.offset, r.key, r.value, int(r.timestamp or 0))
        for batch in polled.values()
        for r in batch
    ]
    records.sort(key=lambda r: (r.timestamp_ms, r.topic, r.partition, r.offset))
    return records


class DeadLetterPublisher:
    """Sends failed records, with the error and their origin in headers, to the dead-letter topic."""

    def __init__(self, settings: RuntimeSettings) -> None:
        self.topic = settings.dead_letter_topic
        self.bootstrap = settings.bootstrap
        self._producer: KafkaProducer | None = None

    def __call__(self, letters: Sequence[DeadLetter]) -> None:
        try:
            if self._producer is None:
                self._producer = KafkaProducer(bootstrap_servers=self.bootstrap, acks="all")
            for letter in letters:
                record = letter.record
                origin = {"topic": record.topic, "partition": record.partition, "offset": record.offset}
                headers = [("error", letter.error.encode()), ("origin", json.dumps(origin).encode())]
                self._producer.send(self.topic, key=record.key, value=record.value, headers=headers)
            self._producer.flush(timeout=10)
        except KafkaError as error:
            raise BrokerError(f"cannot publish dead letters to {self.topic}: {error}") from error

    def close(self) -> None:
        if self._producer is not None:
            self._producer.close(timeout=5)


def lag_events(consumer: KafkaConsumer) -> int:
    """Committed records not applied yet, summed over the assigned partitions."""
    assigned = list(consumer.assignment())
    if not assigned:
        return 0
    try:
        ends: dict[TopicPartition, int] = consumer.end_offsets(assigned)
        return sum(max(0, ends[tp] - consumer.position(tp)) for tp in assigned if tp in ends)
    except KafkaError as error:
        raise BrokerError(f"cannot read end offsets: {error}") from error


def now_ms() -> int:
    return int(time.time() * 1000)
