"""The change-event contract shared by the CDC producer and every consumer (stdlib only).

Records on a table topic follow Debezium's MySQL/MariaDB connector with the JSON converter and
``schemas.enable=false``:

* topic  ``<prefix>.<db>.<table>`` (see :func:`topic_name`), e.g. ``wordpress.wordpress.wp_posts``;
* key    JSON object of the primary-key columns, e.g. ``{"ID": 42}`` (null for tables without a
  primary key and for truncates);
* value  JSON object ``{"before", "after", "source", "op", "ts_ms", "transaction"}``, or ``null``
  for the *tombstone* that follows every delete (so log compaction can drop the row's history).

``op`` is one of ``c`` (insert), ``u`` (update), ``d`` (delete), ``r`` (snapshot read) and
``t`` (truncate; key and before/after are empty). Column values use Debezium's default mapping
(DATETIME as epoch milliseconds read as UTC, DATE as days since the epoch, DECIMAL as a string
like ``decimal.handling.mode=string``); see ``cdc/columns.py`` for the full table.

Consumers read with ``isolation_level="read_committed"``: the producer writes events and its
source offset in one Kafka transaction, so a committed event is delivered exactly once.

Typical consumer loop::

    for record in consumer:
        event = decode(record.topic, record.key, record.value)
        if isinstance(event, Tombstone):
            continue
        row = event.row  # `after` for c/u/r, `before` for d
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "OPERATIONS",
    "ChangeEvent",
    "EventDecodeError",
    "Op",
    "Tombstone",
    "decode",
    "encode",
    "parse_topic",
    "schema_change_topic",
    "topic_name",
]

Op = Literal["c", "u", "d", "r", "t"]
OPERATIONS: frozenset[str] = frozenset({"c", "u", "d", "r", "t"})

Row = dict[str, Any]


class EventDecodeError(ValueError):
    """A record on a change topic is not a valid change event."""


@dataclass(frozen=True, slots=True)
class ChangeEvent:
    """One row change (or a truncate) on one table.

    ``source`` is Debezium's source block (``db``, ``table``, ``gtid``, ``file``, ``pos``,
    ``row``, ``snapshot``, ``ts_ms`` ...). ``ts_ms`` is when the CDC process handled the event;
    ``source["ts_ms"]`` is when the database committed it.
    """

    topic: str
    key: Row
    op: Op
    before: Row | None
    after: Row | None
    source: dict[str, Any]
    ts_ms: int
    transaction: dict[str, Any] | None = None

    @property
    def row(self) -> Row | None:
        """The row as it is after the change, or as it was for a delete."""
        return self.before if self.op == "d" else self.after

    @property
    def table(self) -> str:
        return str(self.source.get("table", ""))

    @property
    def is_snapshot(self) -> bool:
        return self.op == "r"

    def value(self) -> dict[str, Any]:
        """The record value as Debezium writes it (schemas disabled)."""
        return {
            "before": self.before,
            "after": self.after,
            "source": self.source,
            "op": self.op,
            "ts_ms": self.ts_ms,
            "transaction": self.transaction,
        }


@dataclass(frozen=True, slots=True)
class Tombstone:
    """The null-valued record that follows a delete, carrying the deleted row's key."""

    topic: str
    key: Row = field(default_factory=dict)


def topic_name(prefix: str, db: str, table: str) -> str:
    """``<prefix>.<db>.<table>``, the topic of one table's change events."""
    return f"{prefix}.{db}.{table}"


def schema_change_topic(prefix: str) -> str:
    """Debezium writes DDL (schema change events) to a topic named just ``<prefix>``."""
    return prefix


def parse_topic(topic: str) -> tuple[str, str, str]:
    """Split ``<prefix>.<db>.<table>`` back into its parts (the prefix may contain dots)."""
    prefix, _, rest = topic.rpartition(".")
    prefix, _, db = prefix.rpartition(".")
    if not prefix or not db or not rest:
        raise EventDecodeError(f"topic {topic!r} is not <prefix>.<db>.<table>")
    return prefix, db, rest


def _json_bytes(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def encode(event: ChangeEvent | Tombstone) -> tuple[bytes | None, bytes | None]:
    """The (key, value) bytes of a Kafka record.

    The value is None for a tombstone; the key is None when there is no key (a table without
    primary key, or a truncate), as Debezium writes it.
    """
    key = _json_bytes(event.key) if event.key else None
    if isinstance(event, Tombstone):
        return key, None
    return key, _json_bytes(event.value())


def _as_row(value: Any, name: str, topic: str) -> Row | None:
    if value is None or isinstance(value, dict):
        return value
    raise EventDecodeError(f"{topic}: field {name!r} must be an object or null, got {type(value).__name__}")


def decode(topic: str, key_bytes: bytes | None, value_bytes: bytes | None) -> ChangeEvent | Tombstone:
    """Parse one record of a table topic; raises :class:`EventDecodeError` on malformed input."""
    try:
        key = json.loads(key_bytes) if key_bytes else {}
        if value_bytes is None:
            return Tombstone(topic=topic, key=dict(key))
        value = json.loads(value_bytes)
    except (ValueError, TypeError) as exc:
        raise EventDecodeError(f"{topic}: record is not JSON: {exc}") from exc
    if not isinstance(key, dict) or not isinstance(value, dict):
        raise EventDecodeError(f"{topic}: key and value must be JSON objects")
    op = value.get("op")
    if op not in OPERATIONS:
        raise EventDecodeError(f"{topic}: op {op!r} is not one of c/u/d/r/t")
    source = value.get("source")
    if not isinstance(source, dict):
        raise EventDecodeError(f"{topic}: source must be an object")
    transaction = value.get("transaction")
    return ChangeEvent(
        topic=topic,
        key=key,
        op=op,
        before=_as_row(value.get("before"), "before", topic),
        after=_as_row(value.get("after"), "after", topic),
        source=source,
        ts_ms=int(value.get("ts_ms") or 0),
        transaction=transaction if isinstance(transaction, dict) else None,
    )
