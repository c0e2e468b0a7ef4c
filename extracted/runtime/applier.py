"""Applying a batch of records: decode, project, store with positions, derive; one transaction.

Redelivered records (at or below the stored offset of their partition) are skipped. A record whose
decoding or projection fails is rolled back alone (a savepoint), becomes a dead letter, and its
offset is still recorded so that consumption continues past it. Dead letters are written to the
store's outbox in the same transaction; publishing them is ``dead_letters.publish_dead_letters``'s job,
after the commit.

Records of a domain-event topic the projection consumes (``<prefix>.events.<aggregate>``, see
``EventProjection``) are CloudEvents: one that is not, or that its type's schema refuses, is a dead
letter like a poison change event. An event whose id was applied before (another offset, the same
event published again) is skipped; its id is stored with the changes it made, in the same savepoint.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from cdc.events import ChangeEvent, decode
from extracted.contracts import MalformedEventError, parse_and_validate, parse_events_topic

from .store import Store, begin_write
from .types import Change, DeadLetter, EventProjection, Position, Projection, Record, StoreError, source_events

log = logging.getLogger(__name__)


@dataclass
class BatchResult:
    applied: int = 0
    skipped: int = 0
    dead: list[DeadLetter] = field(default_factory=list)
    by_topic: Counter[str] = field(default_factory=Counter)
    #: when the database committed the newest applied change (``source.ts_ms``), if any
    newest_source_ms: int | None = None


DeadLetterSink = Callable[[Sequence[DeadLetter]], None]


#: what one record made: its changes and when the source database committed them (if it says)
Applied = tuple[Sequence[Change], int | None]


def _is_domain_event(record: Record, aggregates: frozenset[str]) -> bool:
    """Whether ``record`` is on the events topic of an aggregate the projection consumes."""
    if not aggregates:
        return False
    try:
        return parse_events_topic(record.topic)[1] in aggregates
    except ValueError:  # a change-event topic
        return False


def _apply_change_event(store: Store, connection: Connection, projection: Projection, record: Record) -> Applied:
    event = decode(record.topic, record.key, record.value)
    changes = projection.project(event)
    store.apply(connection, changes)
    source_ms = event.source.get("ts_ms") if isinstance(event, ChangeEvent) else None
    return changes, int(source_ms) if isinstance(source_ms, int) else None


def _apply_domain_event(store: Store, connection: Connection, projection: Projection, record: Record) -> Applied | None:
    """Validate, dedupe and apply one domain event; None when its id was applied before. Raises when invalid."""
    if record.value is None:
        raise MalformedEventError("an empty record (tombstone) on a domain-event topic is not a CloudEvent")
    event = parse_and_validate(record.value)
    if store.is_consumed(connection, event.id):
        return None
    assert isinstance(projection, EventProjection)  # it names this topic's aggregate among its source_events
    changes = projection.project_event(event)
    store.apply(connection, changes)
    store.record_consumed(connection, event.id, event.type, record.position)
    # An event's time is when its producer derived it, not a source commit: it says nothing of CDC lag.
    return changes, None


def apply_batch(
    store: Store, projection: Projection, records: Sequence[Record], on_dead_letters: DeadLetterSink | None = None
) -> BatchResult:
    """Apply ``records`` in one transaction, their dead letters kept in the store's outbox.

    Anything raised rolls the whole batch back (positions included), so applying it again later is
    exactly like applying it the first time. ``on_dead_letters`` is told the batch's dead letters
    once, after the commit (an observer: the outbox still holds them for publishing).
    """
    result = BatchResult()
    if not records:
        return result
    aggregates = frozenset(source_events(projection))
    try:
        applied = store.stored_positions()
        newest: dict[tuple[str, int], int] = {}
        changes: list[Change] = []
        with begin_write(store.engine) as connection:
            for record in records:
                seen = newest.get((record.topic, record.partition), -1) >= record.offset
                if seen or store.is_applied(applied, record.position):
                    result.skipped += 1
                    continue
                newest[(record.topic, record.partition)] = record.offset
                apply = _apply_domain_event if _is_domain_event(record, aggregates) else _apply_change_event
                try:
                    with connection.begin_nested():
                        outcome = apply(store, connection, projection, record)
                except Exception as error:  # any failure of one event makes it a dead letter
                    log.warning("dead letter %s/%d@%d: %s", record.topic, record.partition, record.offset, error)
                    result.dead.append(DeadLetter(record, f"{type(error).__name__}: {error}"))
                    continue
                if outcome is None:  # a domain event applied before, from another offset
                    result.skipped += 1
                    continue
                event_changes, source_ms = outcome
                changes.extend(event_changes)
                result.applied += 1
                result.by_topic[record.topic] += 1
                if source_ms is not None:
                    result.newest_source_ms = max(result.newest_source_ms or 0, source_ms)
            for (topic, partition), offset in newest.items():
                store.record_position(connection, Position(topic, partition, offset))
            store.keep_dead_letters(connection, result.dead)
            projection.after_batch(connection, changes)
    except SQLAlchemyError as error:
        raise StoreError(f"cannot apply a batch of {len(records)} records: {error}") from error
    if result.dead and on_dead_letters is not None:
        on_dead_letters(result.dead)
    return result
