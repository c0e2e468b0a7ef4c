"""The webhook tables: endpoints, deliveries and attempts (SQLAlchemy Core, ledger tables).

They are the system of record of what was promised to outside systems, so every table is a ledger
(``extracted.runtime.store.ledger_table``): rebuilding the read model keeps them. Times are Unix
seconds (floats). A delivery is one event for one endpoint: its ``webhook_id`` (``msg_…``) is
derived from the pair, so every retry and replay carries the same id and receivers can dedupe, and
``(endpoint_id, event_id)`` is unique, so enqueueing an event twice makes one delivery.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from extracted.runtime.store import ledger_table

__all__ = [
    "ENDPOINTS",
    "EXCERPT_BYTES",
    "TABLES",
    "WebhookTables",
    "decode_event_types",
    "encode_event_types",
    "new_endpoint_id",
    "webhook_id_for",
    "webhook_tables",
]

ENDPOINTS = "webhook_endpoints"
DELIVERIES = "webhook_deliveries"
ATTEMPTS = "webhook_attempts"
#: how much of a receiver's answer each attempt keeps
EXCERPT_BYTES = 1024


def new_endpoint_id() -> str:
    return "ep_" + secrets.token_hex(12)


def webhook_id_for(endpoint_id: str, event_id: str) -> str:
    """The stable ``webhook-id`` of ``event_id`` sent to ``endpoint_id``: ``msg_`` + 26 base32 characters."""
    digest = hashlib.sha256(json.dumps([endpoint_id, event_id]).encode()).digest()
    return "msg_" + base64.b32encode(digest).decode("ascii").lower().rstrip("=")[:26]


def encode_event_types(event_types: Sequence[str]) -> str:
    return json.dumps(list(event_types))


def decode_event_types(stored: str) -> list[str]:
    return [str(item) for item in json.loads(stored)]


@dataclass(frozen=True)
class WebhookTables:
    endpoints: Table
    deliveries: Table
    attempts: Table


def webhook_tables(metadata: MetaData | None = None) -> WebhookTables:
    """The three tables on ``metadata`` (a new one when None); reused when ``metadata`` has them already."""
    metadata = metadata if metadata is not None else MetaData()
    if ENDPOINTS in metadata.tables:
        return WebhookTables(metadata.tables[ENDPOINTS], metadata.tables[DELIVERIES], metadata.tables[ATTEMPTS])
    endpoints = Table(
        ENDPOINTS,
        metadata,
        Column("id", String(40), primary_key=True),
        Column("url", Text, nullable=False),
        Column("description", Text, nullable=False, default=""),
        #: a JSON list: exact types, ``prefix.*`` or ``*``
        Column("event_types", Text, nullable=False),
        Column("secret", String(128), nullable=False),
        #: the secret before the last rotation, still signing until ``previous_secret_expires_at``
        Column("previous_secret", String(128)),
        Column("previous_secret_expires_at", Float),
        Column("enabled", Boolean, nullable=False, default=True),
        Column("disabled_reason", Text),
        Column("disabled_at", Float),
        #: the first failure since the last success (None: not failing)
        Column("failing_since", Float),
        Column("created_at", Float, nullable=False),
    )
    deliveries = Table(
        DELIVERIES,
        metadata,
        Column("webhook_id", String(40), primary_key=True),
        Column("endpoint_id", String(40), nullable=False),
        Column("event_id", String(255), nullable=False),
        Column("event_type", String(255), nullable=False),
        Column("body", LargeBinary, nullable=False),
        #: pending, succeeded or failed (``schedule.DeliveryState``)
        Column("state", String(16), nullable=False),
        #: every attempt made, whatever triggered it
        Column("attempts", Integer, nullable=False, default=0),
        #: the attempts of the current schedule (a replay starts a new one)
        Column("schedule_step", Integer, nullable=False, default=0),
        #: what the next attempt is: scheduled, replay or test
        Column("next_trigger", String(16), nullable=False, default="scheduled"),
        #: when a pending delivery is due; moved ahead while a dispatcher holds it (its claim)
        Column("next_attempt_at", Float),
        Column("last_attempt_at", Float),
        Column("created_at", Float, nullable=False),
        UniqueConstraint("endpoint_id", "event_id", name="uq_webhook_deliveries_endpoint_event"),
        Index("ix_webhook_deliveries_due", "state", "next_attempt_at"),
    )
    attempts = Table(
        ATTEMPTS,
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("webhook_id", String(40), nullable=False, index=True),
        Column("number", Integer, nullable=False),
        Column("started_at", Float, nullable=False),
        Column("duration_ms", Integer, nullable=False),
        Column("status_code", Integer),
        Column("error", Text),
        #: the first EXCERPT_BYTES of the answer, decoded leniently
        Column("response_excerpt", Text, nullable=False, default=""),
        #: scheduled, replay or test
        Column("trigger", String(16), nullable=False),
    )
    return WebhookTables(ledger_table(endpoints), ledger_table(deliveries), ledger_table(attempts))


#: the tables on a metadata of their own, for callers that keep webhooks in a database of their own
TABLES = webhook_tables()
