"""Where domain events go on Kafka: topic names, record keys and headers. The only place that says so.

- Topic: ``<prefix>.events.<aggregate>`` (``wordpress.events.users``), one per aggregate, every event
  type of that aggregate on it, so one consumer sees an aggregate's events in order.
- Key: the event's ``subject`` (the aggregate id; for users the ID as a decimal string) in UTF-8,
  so all events of one user land on one partition, in order, and log compaction keeps per-user state.
- Value: the CloudEvent in structured JSON mode (``CloudEvent.to_json``).
- Header ``content-type: application/cloudevents+json; charset=UTF-8``: the CloudEvents Kafka
  binding's mark of structured mode (readers may rely on it to tell events from other records).
"""

from __future__ import annotations

import re

from .cloudevents import CloudEvent

__all__ = [
    "EVENTS_SEGMENT",
    "STRUCTURED_CONTENT_TYPE",
    "events_topic",
    "events_topic_pattern",
    "kafka_headers",
    "kafka_key",
    "parse_events_topic",
]

EVENTS_SEGMENT = "events"
STRUCTURED_CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8"

#: Kafka's legal topic characters; the prefix may hold dots (``acme.wordpress``), the aggregate not,
#: so ``parse_events_topic`` can split from the right.
_PREFIX = re.compile(r"^[A-Za-z0-9._-]+$")
_AGGREGATE = re.compile(r"^[a-z][a-z0-9_]*$")


def events_topic(prefix: str, aggregate: str) -> str:
    """``wordpress``, ``users`` → ``wordpress.events.users``."""
    if not _PREFIX.match(prefix) or prefix.startswith(".") or prefix.endswith("."):
        raise ValueError(f"topic prefix {prefix!r} must be Kafka topic characters (letters, digits, '.', '_', '-')")
    if not _AGGREGATE.match(aggregate):
        raise ValueError(f"aggregate name {aggregate!r} must be lower-case letters, digits and '_'")
    return f"{prefix}.{EVENTS_SEGMENT}.{aggregate}"


def parse_events_topic(topic: str) -> tuple[str, str]:
    """The inverse of ``events_topic``: ``(prefix, aggregate)``; ``ValueError`` for any other topic."""
    parts = topic.rsplit(".", 2)
    if len(parts) != 3 or parts[1] != EVENTS_SEGMENT:
        raise ValueError(f"{topic!r} is not a domain-event topic (<prefix>.{EVENTS_SEGMENT}.<aggregate>)")
    prefix, _, aggregate = parts
    try:
        events_topic(prefix, aggregate)  # checks both names
    except ValueError as error:
        raise ValueError(f"{topic!r} is not a domain-event topic: {error}") from None
    return prefix, aggregate


def events_topic_pattern(prefix: str) -> str:
    """A regular expression matching every domain-event topic of ``prefix`` (and nothing else)."""
    events_topic(prefix, "x")  # validates the prefix
    return rf"^{re.escape(prefix)}\.{EVENTS_SEGMENT}\.[a-z][a-z0-9_]*$"


def kafka_key(event: CloudEvent) -> bytes:
    """The record key of ``event``: its subject, UTF-8 (``b"7"`` for user 7)."""
    return event.subject.encode("utf-8")


def kafka_headers() -> list[tuple[str, bytes]]:
    """The headers of every event record (kafka-python's and confluent-kafka's ``headers=`` shape)."""
    return [("content-type", STRUCTURED_CONTENT_TYPE.encode("ascii"))]
