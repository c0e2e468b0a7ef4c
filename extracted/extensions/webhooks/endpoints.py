"""Endpoint operations: what the API (and the CLI through it) does to endpoints and deliveries.

Secrets leave only when made (:meth:`Endpoints.add`, :meth:`Endpoints.rotate_secret`); listings never
show them. A rotation keeps the previous secret signing for ``rotation_overlap_s`` (24 h), so
receivers can switch at their pace. A replay sends a delivery again now, whatever its state, with its
webhook id unchanged (receivers dedupe by it) and a fresh retry schedule.
"""

from __future__ import annotations

import builtins
import re
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Engine, Row, and_, delete, func, select, update

from extracted.contracts import new_event
from extracted.runtime.store import begin_write

from .deliveries import Dispatcher, insert_delivery
from .schedule import DeliveryState
from .signing import new_secret
from .store import TABLES, WebhookTables, decode_event_types, encode_event_types, new_endpoint_id
from .targets import TargetPolicy

__all__ = [
    "TEST_EVENT_TYPE",
    "AttemptView",
    "DeliveryView",
    "EndpointCreated",
    "EndpointDisabledError",
    "EndpointView",
    "Endpoints",
    "InvalidEndpointError",
    "NotFoundError",
]

TEST_EVENT_TYPE = "webhook.test"
ROTATION_OVERLAP_S = 86400.0
LAST_ATTEMPTS = 5
_FILTER = re.compile(r"^(\*|[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*(\.\*)?)$")


class NotFoundError(LookupError):
    """No endpoint or delivery has that id."""


class InvalidEndpointError(ValueError):
    """An endpoint's description or event type filters are unusable (bad URLs are ``TargetRefusedError``)."""


class EndpointDisabledError(RuntimeError):
    """The operation needs an enabled endpoint."""


@dataclass(frozen=True, slots=True)
class AttemptView:
    webhook_id: str
    number: int
    started_at: float
    duration_ms: int
    status_code: int | None
    error: str | None
    response_excerpt: str
    trigger: str


@dataclass(frozen=True, slots=True)
class DeliveryView:
    webhook_id: str
    endpoint_id: str
    event_id: str
    event_type: str
    state: str
    attempts: int
    next_attempt_at: float | None
    last_attempt_at: float | None
    created_at: float
    attempt_log: tuple[AttemptView, ...] = ()


@dataclass(frozen=True, slots=True)
class EndpointView:
    id: str
    url: str
    description: str
    event_types: tuple[str, ...]
    enabled: bool
    disabled_reason: str | None
    disabled_at: float | None
    failing_since: float | None
    created_at: float
    #: until when the previous secret still signs (None: no rotation under way)
    previous_secret_expires_at: float | None
    deliveries: dict[str, int] = field(default_factory=dict)
    last_attempts: tuple[AttemptView, ...] = ()


@dataclass(frozen=True, slots=True)
class EndpointCreated:
    endpoint: EndpointView
    secret: str


def check_event_types(event_types: Sequence[str]) -> tuple[str, ...]:
    if isinstance(event_types, str) or not event_types:
        raise InvalidEndpointError("event_types: give at least one event type, 'prefix.*' or '*'")
    wrong = [item for item in event_types if not isinstance(item, str) or not _FILTER.match(item)]
    if wrong:
        raise InvalidEndpointError(
            f"event_types: {wrong} are not event types (letters, digits, '_' between dots), 'prefix.*' or '*'"
        )
    return tuple(dict.fromkeys(event_types))


def _attempt(row: Row[tuple[object, ...]]) -> AttemptView:
    return AttemptView(
        row.webhook_id,
        row.number,
        row.started_at,
        row.duration_ms,
        row.status_code,
        row.error,
        row.response_excerpt,
        row.trigger,
    )


def _delivery(row: Row[tuple[object, ...]], attempts: Sequence[AttemptView] = ()) -> DeliveryView:
    return DeliveryView(
        row.webhook_id,
        row.endpoint_id,
        row.event_id,
        row.event_type,
        row.state,
        row.attempts,
        row.next_attempt_at,
        row.last_attempt_at,
        row.created_at,
        tuple(attempts),
    )


class Endpoints:
    """The operations, on one engine; the clock is injectable (the dispatcher's, in tests)."""

    def __init__(
        self,
        engine: Engine,
        policy: TargetPolicy,
        *,
        tables: WebhookTables = TABLES,
        clock: Callable[[], float] = time.time,
        rotation_overlap_s: float = ROTATION_OVERLAP_S,
        make_secret: Callable[[], str] = new_secret,
    ) -> None:
        self.engine, self.policy, self.tables, self.clock = engine, policy, tables, clock
        self.rotation_overlap_s, self.make_secret = rotation_overlap_s, make_secret

    def add(self, url: str, event_types: Sequence[str] = ("*",), description: str = "") -> EndpointCreated:
        """A new enabled endpoint; raises ``TargetRefusedError`` or :class:`InvalidEndpointError`."""
        target = self.policy.check(url)
        types = check_event_types(event_types)
        if len(description) > 1000:
            raise InvalidEndpointError("description: at most 1000 characters")
        endpoint_id, secret = new_endpoint_id(), self.make_secret()
        with begin_write(self.engine) as connection:
            connection.execute(
                self.tables.endpoints.insert().values(
                    id=endpoint_id,
                    url=target.url,
                    description=description,
                    event_types=encode_event_types(types),
                    secret=secret,
                    enabled=True,
                    created_at=self.clock(),
                )
            )
        return EndpointCreated(self.get(endpoint_id), secret)

    def _view(self, row: Row[tuple[object, ...]]) -> EndpointView:
        deliveries, attempts = self.tables.deliveries, self.tables.attempts
        with self.engine.connect() as connection:
            counts = connection.execute(
                select(deliveries.c.state, func.count())
                .where(deliveries.c.endpoint_id == row.id)
                .group_by(deliveries.c.state)
            ).all()
            last = connection.execute(
                select(attempts)
                .select_from(attempts.join(deliveries, deliveries.c.webhook_id == attempts.c.webhook_id))
                .where(deliveries.c.endpoint_id == row.id)
                .order_by(attempts.c.id.desc())
                .limit(LAST_ATTEMPTS)
            ).all()
        now = self.clock()
        expires = row.previous_secret_expires_at
        return EndpointView(
            id=row.id,
            url=row.url,
            description=row.description,
            event_types=tuple(decode_event_types(row.event_types)),
            enabled=bool(row.enabled),
            disabled_reason=row.disabled_reason,
            disabled_at=row.disabled_at,
            failing_since=row.failing_since,
            created_at=row.created_at,
            previous_secret_expires_at=expires if row.previous_secret and expires and expires > now else None,
            deliveries={str(state): int(count) for state, count in counts},
            last_attempts=tuple(_attempt(item) for item in last),
        )

    def _row(self, endpoint_id: str) -> Row[tuple[object, ...]]:
        endpoints = self.tables.endpoints
        with self.engine.connect() as connection:
            row = connection.execute(select(endpoints).where(endpoints.c.id == endpoint_id)).first()
        if row is None:
            raise NotFoundError(f"no webhook endpoint {endpoint_id!r}")
        return row

    def get(self, endpoint_id: str) -> EndpointView:
        return self._view(self._row(endpoint_id))

    def list(self) -> list[EndpointView]:
        endpoints = self.tables.endpoints
        with self.engine.connect() as connection:
            rows = connection.execute(select(endpoints).order_by(endpoints.c.created_at, endpoints.c.id)).all()
        return [self._view(row) for row in rows]

    def remove(self, endpoint_id: str) -> None:
        """Forget the endpoint, its deliveries and their attempts."""
        self._row(endpoint_id)
        tables = self.tables
        with begin_write(self.engine) as connection:
            ids = select(tables.deliveries.c.webhook_id).where(tables.deliveries.c.endpoint_id == endpoint_id)
            connection.execute(delete(tables.attempts).where(tables.attempts.c.webhook_id.in_(ids)))
            connection.execute(delete(tables.deliveries).where(tables.deliveries.c.endpoint_id == endpoint_id))
            connection.execute(delete(tables.endpoints).where(tables.endpoints.c.id == endpoint_id))

    def enable(self, endpoint_id: str) -> EndpointView:
        """Enable it, clearing its failure record; its held deliveries are due at once (wake the dispatcher)."""
        self._row(endpoint_id)
        tables, now = self.tables, self.clock()
        with begin_write(self.engine) as connection:
            connection.execute(
                update(tables.endpoints)
                .where(tables.endpoints.c.id == endpoint_id)
                .values(enabled=True, disabled_reason=None, disabled_at=None, failing_since=None)
            )
            held = and_(
                tables.deliveries.c.endpoint_id == endpoint_id,
                tables.deliveries.c.state == DeliveryState.PENDING.value,
                tables.deliveries.c.next_attempt_at > now,
            )
            connection.execute(update(tables.deliveries).where(held).values(next_attempt_at=now))
        return self.get(endpoint_id)

    def disable(self, endpoint_id: str, reason: str = "disabled by an operator") -> EndpointView:
        """Stop deliveries to it (they wait, pending, until it is enabled again)."""
        self._row(endpoint_id)
        endpoints = self.tables.endpoints
        with begin_write(self.engine) as connection:
            connection.execute(
                update(endpoints)
                .where(and_(endpoints.c.id == endpoint_id, endpoints.c.enabled.is_(True)))
                .values(enabled=False, disabled_reason=reason, disabled_at=self.clock())
            )
        return self.get(endpoint_id)

    def rotate_secret(self, endpoint_id: str) -> EndpointCreated:
        """A new secret; the current one keeps signing too for ``rotation_overlap_s``."""
        row = self._row(endpoint_id)
        secret = self.make_secret()
        with begin_write(self.engine) as connection:
            connection.execute(
                update(self.tables.endpoints)
                .where(self.tables.endpoints.c.id == endpoint_id)
                .values(
                    secret=secret,
                    previous_secret=row.secret,
                    previous_secret_expires_at=self.clock() + self.rotation_overlap_s,
                )
            )
        return EndpointCreated(self.get(endpoint_id), secret)

    def _replay_where(self, condition: ColumnElement[bool]) -> builtins.list[str]:
        deliveries = self.tables.deliveries
        with begin_write(self.engine) as connection:
            ids = list(connection.execute(select(deliveries.c.webhook_id).where(condition)).scalars())
            if ids:
                connection.execute(
                    update(deliveries)
                    .where(deliveries.c.webhook_id.in_(ids))
                    .values(
                        state=DeliveryState.PENDING.value,
                        next_attempt_at=self.clock(),
                        next_trigger="replay",
                        schedule_step=0,
                    )
                )
        return ids

    def replay(self, webhook_id: str) -> DeliveryView:
        """Send the delivery again now (same webhook id); wake the dispatcher afterwards."""
        delivery = self.delivery(webhook_id)
        if not self._row(delivery.endpoint_id).enabled:
            raise EndpointDisabledError(f"endpoint {delivery.endpoint_id} is disabled: enable it to replay")
        self._replay_where(self.tables.deliveries.c.webhook_id == webhook_id)
        return self.delivery(webhook_id)

    def replay_since(self, endpoint_id: str, since: float) -> builtins.list[str]:
        """Send again every delivery of the endpoint created at or after ``since``; their webhook ids."""
        if not self._row(endpoint_id).enabled:
            raise EndpointDisabledError(f"endpoint {endpoint_id} is disabled: enable it to replay")
        deliveries = self.tables.deliveries
        return self._replay_where(and_(deliveries.c.endpoint_id == endpoint_id, deliveries.c.created_at >= since))

    def test(self, endpoint_id: str, dispatcher: Dispatcher) -> DeliveryView:
        """Send a synthetic ``webhook.test`` event now (disabled endpoints too: to see a receiver is back)."""
        self._row(endpoint_id)
        now = self.clock()
        data = {"endpoint_id": endpoint_id, "message": "a test delivery: no action is needed"}
        event = new_event(
            TEST_EVENT_TYPE,
            endpoint_id,
            data,
            source="wp-strangler/webhooks",
            id=str(uuid.uuid4()),
            time=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)),
        )
        with begin_write(self.engine) as connection:
            # claimed from the start (due after the lease): the attempt is ours, the dispatcher takes retries
            webhook_id = insert_delivery(
                connection, self.tables, endpoint_id, event, now=now, due_at=now + dispatcher.lease_s, trigger="test"
            )
        dispatcher.attempt_claimed(webhook_id)
        return self.delivery(webhook_id)

    def deliveries(
        self, endpoint_id: str | None = None, state: str | None = None, limit: int = 50
    ) -> builtins.list[DeliveryView]:
        """The latest deliveries, newest first, optionally of one endpoint and in one state."""
        deliveries = self.tables.deliveries
        conditions = []
        if endpoint_id is not None:
            conditions.append(deliveries.c.endpoint_id == endpoint_id)
        if state is not None:
            conditions.append(deliveries.c.state == DeliveryState(state).value)
        query = select(deliveries).where(and_(True, *conditions))
        query = query.order_by(deliveries.c.created_at.desc(), deliveries.c.webhook_id).limit(limit)
        with self.engine.connect() as connection:
            return [_delivery(row) for row in connection.execute(query).all()]

    def delivery(self, webhook_id: str) -> DeliveryView:
        """One delivery with all its attempts, oldest first."""
        deliveries, attempts = self.tables.deliveries, self.tables.attempts
        with self.engine.connect() as connection:
            row = connection.execute(select(deliveries).where(deliveries.c.webhook_id == webhook_id)).first()
            if row is None:
                raise NotFoundError(f"no webhook delivery {webhook_id!r}")
            log = connection.execute(
                select(attempts).where(attempts.c.webhook_id == webhook_id).order_by(attempts.c.id)
            ).all()
        return _delivery(row, [_attempt(item) for item in log])
