"""Webhooks to outside systems, per Standard Webhooks 1.0 (issue #16).

Every domain event (a CloudEvent) can be delivered to endpoints that outside systems register: an
HTTP POST whose body is the event as CloudEvents structured JSON (``event.to_json()``), with the
Standard Webhooks headers ``webhook-id`` (``msg_…``, the same for every retry and replay of one event
to one endpoint: receivers dedupe by it), ``webhook-timestamp`` (the attempt's Unix time) and
``webhook-signature`` (``v1,`` HMAC-SHA256 per secret; two while a secret rotates). Content type:
``application/json`` by default (see ``settings``).

Pure cores — ``signing``, ``schedule`` (retries after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h with
jitter; Retry-After; 410 Gone and days of continuous failure disable an endpoint), ``targets`` (no
private, loopback, link-local… addresses, checked again before every delivery) — and thin shells:
``store`` (ledger tables), ``deliveries`` (:func:`enqueue` and the :class:`Dispatcher` worker),
``sending`` (one HTTP attempt), ``endpoints`` (operations) and ``routes`` (the FastAPI router).
"""

from .deliveries import Dispatcher, enqueue, matches
from .endpoints import (
    TEST_EVENT_TYPE,
    AttemptView,
    DeliveryView,
    EndpointCreated,
    EndpointDisabledError,
    Endpoints,
    EndpointView,
    InvalidEndpointError,
    NotFoundError,
)
from .routes import webhook_routes
from .schedule import DEFAULT_DELAYS_S, DeliveryState, Outcome, RetrySchedule, decide, endpoint_after_attempt
from .settings import CONTENT_TYPES, WebhookSettings
from .signing import SignatureError, new_secret, sign, verify
from .store import TABLES, WebhookTables, webhook_id_for, webhook_tables
from .targets import TargetPolicy, TargetRefusedError, system_resolver

__all__ = [
    "CONTENT_TYPES",
    "DEFAULT_DELAYS_S",
    "TABLES",
    "TEST_EVENT_TYPE",
    "AttemptView",
    "DeliveryState",
    "DeliveryView",
    "Dispatcher",
    "EndpointCreated",
    "EndpointDisabledError",
    "EndpointView",
    "Endpoints",
    "InvalidEndpointError",
    "NotFoundError",
    "Outcome",
    "RetrySchedule",
    "SignatureError",
    "TargetPolicy",
    "TargetRefusedError",
    "WebhookSettings",
    "WebhookTables",
    "decide",
    "endpoint_after_attempt",
    "enqueue",
    "matches",
    "new_secret",
    "sign",
    "system_resolver",
    "verify",
    "webhook_id_for",
    "webhook_routes",
    "webhook_tables",
]
