"""A read-only replica of a service: it answers from a store that another process (the projector) writes.

One way to scale a service out: a single projector (``serve``: the consumer and the workers) keeps the
read model in a shared database (``--store postgresql://...``) and publishes the service's domain
events, while any number of read-only replicas (``serve --read-only``) answer HTTP from that same
store; they consume nothing, create no table and publish nothing. A replica's answers are cached per
read-model generation (``answer_cache``), which a projector bumps after each committed batch
(``ServiceDefinition.on_commit``); a replica has no batches, so the :class:`StoreFollower` bumps it
instead whenever the stored positions moved (every committed batch moves them), looking every
``interval_s``. That covers stores changed only by the consumer; a service that also writes its store
itself (the comments service, taking a visitor's comment) would need its own signal.

The follower stands in for the consumer in the replica's :class:`ConsumerState`: healthy while it can
read the positions (not before the projector has created the tables), ``caught_up`` meaning "reads the
shared store" (the projector's own health says how far behind the topics that store is).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from .consumer import Backoff
from .metrics import ConsumerState
from .store import Store

__all__ = ["FOLLOW_INTERVAL_S", "StoreFollower"]

log = logging.getLogger(__name__)
#: how often a read-only replica looks at the shared store's positions: the most it adds to a change's
#: way to the replica's answers
FOLLOW_INTERVAL_S = 0.1


class StoreFollower:
    """Calls ``on_change`` whenever the store's positions changed; runs until ``stop`` is set."""

    def __init__(
        self,
        store: Store,
        state: ConsumerState,
        on_change: Callable[[], None],
        *,
        interval_s: float = FOLLOW_INTERVAL_S,
        backoff: Backoff | None = None,
    ) -> None:
        self.store, self.state, self.on_change, self.interval_s = store, state, on_change, interval_s
        self.backoff = backoff or Backoff(0.5, 10.0)

    def run(self, stop: threading.Event) -> None:
        with self.state.lock:
            self.state.running = True
        seen: dict[tuple[str, int], int] | None = None
        try:
            while not stop.is_set():
                try:
                    positions = self.store.stored_positions()
                    if positions != seen:
                        self.on_change()
                        seen = positions
                except Exception as error:  # the store is unreachable or not created yet: report, retry
                    delay = self.backoff.next_delay()
                    self.state.record_failure(error, delay, disconnected=True)
                    log.warning("read-only replica of %s cannot follow its store: %s", self.state.group, error)
                    stop.wait(delay)
                    continue
                self.backoff.reset()
                with self.state.lock:
                    self.state.caught_up_once = True
                self.state.record_success()
                stop.wait(self.interval_s)
        finally:
            with self.state.lock:
                self.state.running = False
