"""Rebuilding a read model from zero: drop its tables, replay every topic from the beginning.

``strangler service rebuild <name>`` calls :func:`rebuild` while the service is stopped; the service
then resumes from the positions the rebuild stored. The dead-letter outbox survives the rebuild
(``Store.drop`` keeps it), so letters the service had not published yet are not lost.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from .applier import apply_batch
from .dead_letters import publish_dead_letters
from .store import Store, open_engine
from .types import Broker, BrokerError, Projection, RuntimeSettings, StoreError, TopicPartition

log = logging.getLogger(__name__)
#: how long one poll of the replay waits for records
POLL_MS = 500


@dataclass(frozen=True)
class RebuildReport:
    events_applied: int
    events_skipped: int
    dead_letters: int
    seconds: float
    #: dead letters left in the outbox because the broker refused them (the service publishes them)
    dead_letters_pending: int = 0


def rebuild(
    settings: RuntimeSettings, projection: Projection, *, timeout_s: float = 600.0, broker: Broker | None = None
) -> RebuildReport:
    """Replay the service's topics up to their current end into an emptied store.

    ``broker`` defaults to Kafka at ``settings.bootstrap`` (closed at the end; an injected one is the
    caller's).
    """
    started = time.monotonic()
    owns_broker = broker is None
    if broker is None:
        from .kafka_io import KafkaBroker

        broker = KafkaBroker(settings)
    store = Store(open_engine(settings.store_url), projection.metadata)
    applied = skipped = dead = 0
    try:
        store.drop()
        store.create()
        session = broker.session(None)
        try:
            existing = session.topics()
            session.assign(
                {
                    TopicPartition(topic, partition): None
                    for topic in settings.subscriptions(projection)
                    if topic in existing
                    for partition in session.partitions(topic)
                }
            )
            ends = session.end_offsets()
            while any(at < ends.get(tp, 0) for tp, at in session.positions().items()):
                if time.monotonic() - started > timeout_s:
                    raise BrokerError(f"rebuild did not reach the end of the topics in {timeout_s:.0f} s")
                result = apply_batch(store, projection, session.poll(POLL_MS, settings.max_batch))
                applied, skipped, dead = applied + result.applied, skipped + result.skipped, dead + len(result.dead)
        finally:
            session.close()
        pending = _publish(store, broker, settings.dead_letter_topic)
    finally:
        if owns_broker:
            broker.close()
        store.engine.dispose()
    return RebuildReport(applied, skipped, dead, round(time.monotonic() - started, 3), pending)


def _publish(store: Store, broker: Broker, topic: str) -> int:
    """Publish the outbox; returns how many dead letters could not be published (they stay in it)."""
    try:
        publish_dead_letters(store, broker, topic)
    except (BrokerError, StoreError) as error:
        log.warning("dead letters stay in the outbox, the service publishes them when it runs: %s", error)
        return store.count_pending_dead_letters()
    return 0
