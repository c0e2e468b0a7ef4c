"""Publishing the dead letters that committed batches left in the store's outbox (``consumer_dead_letters``;
not ``event_outbox``, which holds a service's domain events).

A dead letter leaves the outbox only after the broker acknowledged it, so a broker failure delays
it (the caller retries later) without losing it, and it is published once unless the process dies
between the broker's acknowledgement and the outbox update (then it is published again at start).
"""

from __future__ import annotations

from .store import Store
from .types import Broker

#: dead letters sent per round trip
PUBLISH_BATCH = 500


def publish_dead_letters(store: Store, broker: Broker, topic: str) -> int:
    """Publish everything the outbox holds to ``topic``; returns how many were published.

    Raises ``BrokerError`` (the broker refused) or ``StoreError``; what was not published stays.
    """
    published = 0
    while pending := store.pending_dead_letters(PUBLISH_BATCH):
        broker.publish(topic, [letter for _, letter in pending])
        store.forget_dead_letters(identifier for identifier, _ in pending)
        published += len(pending)
    return published
