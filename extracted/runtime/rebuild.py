"""Rebuilding a read model from zero: drop its tables, replay every topic from the beginning.

``strangler service rebuild <name>`` calls :func:`rebuild` while the service is stopped; the service
then resumes from the positions the rebuild stored.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from kafka import TopicPartition
from kafka.errors import KafkaError

from .applier import apply_batch
from .kafka_io import DeadLetterPublisher, new_consumer, poll_records
from .store import Store, open_engine
from .types import BrokerError, Projection, RuntimeSettings


@dataclass(frozen=True)
class RebuildReport:
    events_applied: int
    events_skipped: int
    dead_letters: int
    seconds: float


def rebuild(settings: RuntimeSettings, projection: Projection, *, timeout_s: float = 600.0) -> RebuildReport:
    """Replay the service's topics up to their current end into an emptied store."""
    started = time.monotonic()
    store = Store(open_engine(settings.store_url), projection.metadata)
    store.drop()
    store.create()
    consumer = new_consumer(settings, None)
    publisher = DeadLetterPublisher(settings)
    applied = skipped = dead = 0
    try:
        existing = consumer.topics()
        partitions = [
            TopicPartition(topic, partition)
            for topic in settings.topics(projection.source_tables())
            if topic in existing
            for partition in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions) if partitions else {}
        while any(consumer.position(tp) < end for tp, end in ends.items()):
            if time.monotonic() - started > timeout_s:
                raise BrokerError(f"rebuild did not reach the end of the topics in {timeout_s:.0f} s")
            result = apply_batch(store, projection, poll_records(consumer, 500, settings.max_batch), publisher)
            applied, skipped, dead = applied + result.applied, skipped + result.skipped, dead + len(result.dead)
    except KafkaError as error:
        raise BrokerError(f"rebuild could not read the topics: {error}") from error
    finally:
        consumer.close(autocommit=False)
        publisher.close()
        store.engine.dispose()
    return RebuildReport(applied, skipped, dead, round(time.monotonic() - started, 3))
