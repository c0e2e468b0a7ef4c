"""The live consumer: Kafka records fed in batches to the applier until told to stop.

Every replica of a service keeps a *complete* read model in its own store, so it reads every
partition of its topics: partitions are assigned explicitly (no group rebalance to wait for at
start-up, none stealing half the data from a second replica) and topics created later join within
``TOPIC_REFRESH_S``. Positions live in the store, next to the data; the consumer seeks to the stored
offset + 1. Offsets are also committed under the group id, for tools that watch the group's lag,
but never trusted.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from kafka import KafkaConsumer, TopicPartition
from kafka.errors import KafkaError

from .applier import apply_batch
from .kafka_io import DeadLetterPublisher, lag_events, new_consumer, poll_records
from .metrics import ConsumerState
from .store import Store
from .types import BrokerError, ConsumerRuntimeError, Projection, RuntimeSettings

log = logging.getLogger(__name__)
LAG_REFRESH_S = 1.0
TOPIC_REFRESH_S = 5.0
RETRY_S = 1.0


def _assign_new_partitions(consumer: KafkaConsumer, topics: list[str], store: Store) -> None:
    """Assign every partition of ``topics`` that exists; new ones start after their stored position."""
    try:
        existing = consumer.topics()
        wanted = {
            TopicPartition(topic, partition)
            for topic in topics
            if topic in existing
            for partition in consumer.partitions_for_topic(topic) or ()
        }
    except KafkaError as error:
        raise BrokerError(f"cannot list topics: {error}") from error
    current = set(consumer.assignment())
    if wanted <= current:
        return
    consumer.assign(sorted(wanted | current))
    stored = store.stored_positions()
    for tp in wanted - current:
        offset = stored.get((tp.topic, tp.partition))
        if offset is None:
            consumer.seek_to_beginning(tp)
        else:
            consumer.seek(tp, offset + 1)


class Consumer:
    """Runs the group's consume → project → store loop in the calling thread."""

    def __init__(
        self,
        settings: RuntimeSettings,
        projection: Projection,
        store: Store,
        state: ConsumerState,
        on_commit: Callable[[], None] = lambda: None,
    ) -> None:
        self.settings = settings
        self.projection = projection
        self.store = store
        self.state = state
        self.on_commit = on_commit
        self.dead_letters = DeadLetterPublisher(settings)

    def run(self, stop: threading.Event) -> None:
        """Consume until ``stop`` is set, reconnecting after broker errors."""
        self.state.running = True
        try:
            while not stop.is_set():
                try:
                    self._consume(stop)
                except ConsumerRuntimeError as error:
                    log.error("consumer %s: %s; retrying", self.settings.group, error)
                    with self.state.lock:
                        self.state.connected = False
                        self.state.last_error = str(error)
                    stop.wait(RETRY_S)
        finally:
            self.state.running = False
            self.dead_letters.close()

    def _consume(self, stop: threading.Event) -> None:
        consumer = new_consumer(self.settings, self.settings.group)
        try:
            topics = self.settings.topics(self.projection.source_tables())
            last_lag = last_topics = 0.0
            while not stop.is_set():
                if time.monotonic() - last_topics > TOPIC_REFRESH_S or not consumer.assignment():
                    _assign_new_partitions(consumer, topics, self.store)
                    last_topics = time.monotonic()
                    if not consumer.assignment():  # no topic yet: nothing committed to catch up with
                        self.state.connected = self.state.caught_up_once = True
                        stop.wait(min(1.0, TOPIC_REFRESH_S))
                        continue
                records = poll_records(consumer, self.settings.poll_ms, self.settings.max_batch)
                self.state.connected = True
                if records:
                    result = apply_batch(self.store, self.projection, records, self.dead_letters)
                    self.state.record_batch(result)
                    self.on_commit()
                    self._commit_group_offsets(consumer)
                if records or time.monotonic() - last_lag > LAG_REFRESH_S:
                    lag = lag_events(consumer)
                    with self.state.lock:
                        self.state.lag_events = lag
                        if lag == 0 and consumer.assignment():
                            self.state.caught_up_once = True
                    last_lag = time.monotonic()
        finally:
            try:
                consumer.close(autocommit=False)
            except KafkaError as error:
                log.warning("closing the consumer: %s", error)

    def _commit_group_offsets(self, consumer: KafkaConsumer) -> None:
        try:
            consumer.commit()
        except KafkaError as error:  # informational only: the store holds the real positions
            log.info("group offset commit failed: %s", error)
