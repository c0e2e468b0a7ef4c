"""Deliveries: events in, signed POSTs out, every attempt on record.

:func:`enqueue` runs in the transaction that records the event (or one of its own): one delivery per
enabled endpoint whose filter matches, idempotently. The :class:`Dispatcher` — a service worker — sends
due deliveries, records each attempt, schedules the next (``schedule``) and applies the endpoint
policy (410 Gone or days of continuous failure disable an endpoint). Its clock and dice are injected,
so tests run a days-long schedule in milliseconds.

A dispatcher *claims* a due delivery before sending it (moves ``next_attempt_at`` past the attempt's
longest possible duration, in a write transaction), so two dispatchers — or the API's test and a
dispatcher — never send one delivery at once; a process that dies mid-attempt leaves a claim that
simply expires, and the delivery is sent again: at least once, never lost.
"""

from __future__ import annotations

import logging
import random as dice
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import Connection, Engine, and_, func, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from extracted.contracts import CloudEvent
from extracted.extensions.sdk import matches as pattern_matches
from extracted.runtime import Backoff
from extracted.runtime.store import begin_write

from .schedule import DeliveryState, decide, endpoint_after_attempt
from .sending import AttemptResult, attempt_delivery, delivery_headers
from .settings import WebhookSettings
from .store import TABLES, WebhookTables, decode_event_types, webhook_id_for
from .targets import TargetPolicy

__all__ = ["Dispatcher", "enqueue", "insert_delivery", "matches"]

log = logging.getLogger(__name__)
#: the window of the deliveries-per-second gauge
RATE_WINDOW_S = 60.0


def matches(filters: Sequence[str], event_type: str) -> bool:
    """Whether an endpoint with ``filters`` (exact types, ``prefix.*``, ``*``) wants ``event_type``: the
    patterns mean what they mean in an extension's subscriptions (``sdk.matches``)."""
    return any(pattern_matches(wanted, event_type) for wanted in filters)


def insert_delivery(
    connection: Connection,
    tables: WebhookTables,
    endpoint_id: str,
    event: CloudEvent,
    *,
    now: float,
    due_at: float,
    trigger: str = "scheduled",
) -> str:
    """Insert the delivery of ``event`` to ``endpoint_id`` (the caller knows there is none); its webhook id."""
    webhook_id = webhook_id_for(endpoint_id, event.id)
    connection.execute(
        insert(tables.deliveries).values(
            webhook_id=webhook_id,
            endpoint_id=endpoint_id,
            event_id=event.id,
            event_type=event.type,
            body=event.to_json(),
            state=DeliveryState.PENDING.value,
            attempts=0,
            schedule_step=0,
            next_trigger=trigger,
            next_attempt_at=due_at,
            created_at=now,
        )
    )
    return webhook_id


def enqueue(
    connection: Connection, event: CloudEvent, *, tables: WebhookTables = TABLES, now: float | None = None
) -> list[str]:
    """Queue ``event`` for every enabled endpoint that wants it; returns the new deliveries' webhook ids.

    Idempotent: an event already queued for an endpoint is not queued again (``[]`` the second time).
    Run it in a write transaction (``begin_write``); wake the dispatcher after the commit.
    """
    moment = time.time() if now is None else now
    endpoints = tables.endpoints
    rows = connection.execute(
        select(endpoints.c.id, endpoints.c.event_types).where(endpoints.c.enabled.is_(True)).order_by(endpoints.c.id)
    ).all()
    wanting = [row.id for row in rows if matches(decode_event_types(row.event_types), event.type)]
    if not wanting:
        return []
    deliveries = tables.deliveries
    queued = set(
        connection.execute(
            select(deliveries.c.endpoint_id).where(
                and_(deliveries.c.event_id == event.id, deliveries.c.endpoint_id.in_(wanting))
            )
        ).scalars()
    )
    return [
        insert_delivery(connection, tables, endpoint_id, event, now=moment, due_at=moment)
        for endpoint_id in wanting
        if endpoint_id not in queued
    ]


@dataclass
class DispatcherCounters:
    attempts: int = 0
    succeeded: int = 0
    failed_attempts: int = 0
    #: deliveries that used up their schedule
    given_up: int = 0
    disabled_endpoints: int = 0
    #: passes that failed (the store, mostly)
    failures: int = 0
    failing: bool = False
    last_error: str = ""
    recent: deque[float] = field(default_factory=deque)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Dispatcher:
    """Sends due deliveries until stopped (a :class:`~extracted.runtime.types.Worker` named ``webhooks``)."""

    name = "webhooks"

    def __init__(
        self,
        engine: Engine,
        settings: WebhookSettings,
        *,
        tables: WebhookTables = TABLES,
        policy: TargetPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.time,
        random: Callable[[], float] = dice.random,
        idle_s: float = 0.5,
        batch: int = 32,
        concurrency: int = 8,
        on_disabled: Callable[[str, str], None] | None = None,
    ) -> None:
        self.engine, self.settings, self.tables = engine, settings, tables
        self.policy = policy if policy is not None else settings.target_policy()
        self.clock, self.random, self.idle_s, self.batch = clock, random, idle_s, batch
        self.on_disabled = on_disabled
        #: how long a claim holds: past any attempt (connect + write + read timeouts) with room to record it
        self.lease_s = 3 * settings.timeout_s + 30
        self.client = httpx.Client(transport=transport, timeout=settings.timeout_s, follow_redirects=False)
        self._pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="webhooks-send")
        self.counters = DispatcherCounters()
        self._wake = threading.Event()

    def wake(self) -> None:
        """Look for due deliveries now (after an enqueue, a replay or an enable)."""
        self._wake.set()

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        self.client.close()

    def run(self, stop: threading.Event) -> None:
        backoff = Backoff(0.2, 10.0)
        try:
            while not stop.is_set():
                try:
                    attempted = self.dispatch_due()
                    backoff.reset()
                    with self.counters.lock:
                        self.counters.failing = False
                # the store most often; anything else too (a notice hook that raised, a corrupt secret):
                # a worker retries and reports rather than die, and the deliveries wait in the store
                except Exception as error:
                    delay = backoff.next_delay()
                    log.warning("webhooks: dispatching failed: %s; retrying in %.1f s", error, delay, exc_info=True)
                    with self.counters.lock:
                        self.counters.failing = True
                        self.counters.last_error = f"{type(error).__name__}: {error}"
                        self.counters.failures += 1
                    stop.wait(delay)
                    continue
                if attempted < self.batch:
                    self._wake.wait(self._idle_wait())
                    self._wake.clear()
        finally:
            self.close()

    def _idle_wait(self) -> float:
        due = self.next_due_at()
        return self.idle_s if due is None else min(self.idle_s, max(0.0, due - self.clock()))

    def next_due_at(self) -> float | None:
        """When the earliest pending delivery of an enabled endpoint is due (None: nothing is pending)."""
        deliveries, endpoints = self.tables.deliveries, self.tables.endpoints
        query = (
            select(func.min(deliveries.c.next_attempt_at))
            .select_from(deliveries.join(endpoints, endpoints.c.id == deliveries.c.endpoint_id))
            .where(and_(deliveries.c.state == DeliveryState.PENDING.value, endpoints.c.enabled.is_(True)))
        )
        with self.engine.connect() as connection:
            due = connection.execute(query).scalar()
        return None if due is None else float(due)

    def dispatch_due(self) -> int:
        """One pass: claim up to ``batch`` due deliveries and attempt them (concurrently); how many were attempted."""
        claimed = self._claim_due()
        if claimed:
            list(self._pool.map(self.attempt_claimed, claimed))
        return len(claimed)

    def _claim_due(self) -> list[str]:
        deliveries, endpoints = self.tables.deliveries, self.tables.endpoints
        now = self.clock()
        due = and_(
            deliveries.c.state == DeliveryState.PENDING.value,
            deliveries.c.next_attempt_at.is_not(None),
            deliveries.c.next_attempt_at <= now,
        )
        query = (
            select(deliveries.c.webhook_id)
            .select_from(deliveries.join(endpoints, endpoints.c.id == deliveries.c.endpoint_id))
            .where(and_(due, endpoints.c.enabled.is_(True)))
            .order_by(deliveries.c.next_attempt_at)
            .limit(self.batch)
        )
        claimed = []
        with begin_write(self.engine) as connection:
            for webhook_id in connection.execute(query).scalars().all():
                moved = connection.execute(
                    update(deliveries)
                    .where(and_(deliveries.c.webhook_id == webhook_id, due))
                    .values(next_attempt_at=now + self.lease_s)
                )
                if moved.rowcount == 1:
                    claimed.append(webhook_id)
        return claimed

    def attempt_claimed(self, webhook_id: str) -> AttemptResult | None:
        """Send the claimed delivery ``webhook_id`` once and record what happened (None: it is gone)."""
        deliveries, endpoints = self.tables.deliveries, self.tables.endpoints
        with self.engine.connect() as connection:
            row = connection.execute(
                select(
                    deliveries,
                    endpoints.c.url,
                    endpoints.c.secret,
                    endpoints.c.previous_secret,
                    endpoints.c.previous_secret_expires_at,
                )
                .select_from(deliveries.join(endpoints, endpoints.c.id == deliveries.c.endpoint_id))
                .where(deliveries.c.webhook_id == webhook_id)
            ).first()
        if row is None:  # removed with its endpoint meanwhile
            return None
        now = self.clock()
        secrets = [row.secret]
        if row.previous_secret and (row.previous_secret_expires_at or 0) > now:
            secrets.append(row.previous_secret)
        body = bytes(row.body)
        content_type = self.settings.content_type

        def headers(timestamp: int) -> dict[str, str]:
            return delivery_headers(secrets, webhook_id, timestamp, body, content_type)

        result = attempt_delivery(self.client, self.policy, row.url, body, sign_headers=headers, clock=self.clock)
        self._record(webhook_id, row.endpoint_id, result)
        return result

    def _record(self, webhook_id: str, endpoint_id: str, result: AttemptResult) -> None:
        deliveries, endpoints = self.tables.deliveries, self.tables.endpoints
        outcome, finished = result.outcome, self.clock()
        disabled_reason: str | None = None
        with begin_write(self.engine) as connection:
            delivery = connection.execute(select(deliveries).where(deliveries.c.webhook_id == webhook_id)).first()
            endpoint = connection.execute(select(endpoints).where(endpoints.c.id == endpoint_id)).first()
            if delivery is None or endpoint is None:
                return
            step = delivery.schedule_step + 1
            decision = decide(self.settings.schedule, step, outcome, finished, self.random)
            connection.execute(
                insert(self.tables.attempts).values(
                    webhook_id=webhook_id,
                    number=delivery.attempts + 1,
                    started_at=result.started_at,
                    duration_ms=result.duration_ms,
                    status_code=outcome.status,
                    error=outcome.error,
                    response_excerpt=result.excerpt,
                    trigger=delivery.next_trigger,
                )
            )
            connection.execute(
                update(deliveries)
                .where(deliveries.c.webhook_id == webhook_id)
                .values(
                    state=decision.state.value,
                    attempts=delivery.attempts + 1,
                    schedule_step=step,
                    next_trigger="scheduled",
                    next_attempt_at=decision.next_attempt_at,
                    last_attempt_at=result.started_at,
                )
            )
            change = endpoint_after_attempt(endpoint.failing_since, outcome, finished, self.settings.disable_after_days)
            values: dict[str, Any] = {"failing_since": change.failing_since}
            if change.disable_reason is not None and endpoint.enabled:
                disabled_reason = change.disable_reason
                values |= {"enabled": False, "disabled_reason": disabled_reason, "disabled_at": finished}
            connection.execute(update(endpoints).where(endpoints.c.id == endpoint_id).values(values))
        self._count(result, decision.state, finished, disabled=disabled_reason is not None)
        if disabled_reason is not None:
            log.warning("webhooks: endpoint %s disabled: %s", endpoint_id, disabled_reason)
            if self.on_disabled is not None:
                self.on_disabled(endpoint_id, disabled_reason)

    def _count(self, result: AttemptResult, state: DeliveryState, finished: float, *, disabled: bool) -> None:
        with self.counters.lock:
            counters = self.counters
            counters.attempts += 1
            if result.outcome.succeeded:
                counters.succeeded += 1
                counters.recent.append(finished)
            else:
                counters.failed_attempts += 1
            counters.given_up += state is DeliveryState.FAILED
            counters.disabled_endpoints += disabled
            while counters.recent and counters.recent[0] < finished - RATE_WINDOW_S:
                counters.recent.popleft()

    def health(self) -> dict[str, Any]:
        deliveries, endpoints = self.tables.deliveries, self.tables.endpoints
        try:
            with self.engine.connect() as connection:
                pending: int | None = connection.execute(
                    select(func.count()).where(deliveries.c.state == DeliveryState.PENDING.value)
                ).scalar_one()
                failing: int | None = connection.execute(
                    select(func.count()).where(
                        and_(endpoints.c.enabled.is_(True), endpoints.c.failing_since.is_not(None))
                    )
                ).scalar_one()
                disabled: int | None = connection.execute(
                    select(func.count()).where(endpoints.c.enabled.is_(False))
                ).scalar_one()
        except SQLAlchemyError:
            pending = failing = disabled = None  # the store is busy or gone: "failing" says so once it matters
        now = self.clock()
        with self.counters.lock:
            counters = self.counters
            recent = sum(1 for moment in counters.recent if moment >= now - RATE_WINDOW_S)
            return {
                "healthy": not counters.failing,
                "failing": counters.failing,
                "pending": pending,
                "failing_endpoints": failing,
                "disabled_endpoints": disabled,
                "attempts_total": counters.attempts,
                "succeeded_total": counters.succeeded,
                "failed_attempts_total": counters.failed_attempts,
                "given_up_total": counters.given_up,
                "dispatch_failures_total": counters.failures,
                "disabled_total": counters.disabled_endpoints,
                "succeeded_per_s": recent / RATE_WINDOW_S,
                "last_error": counters.last_error,
            }
