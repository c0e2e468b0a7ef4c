"""Applying a batch of records: decode, project, store with positions, derive; one transaction.

Redelivered records (at or below the stored offset of their partition) are skipped. A record whose
decoding or projection fails is rolled back alone (a savepoint), becomes a dead letter, and its
offset is still recorded so that consumption continues past it. Dead letters are written to the
store's outbox in the same transaction; publishing them is ``dead_letters.publish_dead_letters``'s job,
after the commit.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy.exc import SQLAlchemyError

from cdc.events import ChangeEvent, decode

from .store import Store
from .types import Change, DeadLetter, Position, Projection, Record, StoreError

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


def _project(projection: Projection, record: Record) -> tuple[Sequence[Change], int | None]:
    event = decode(record.topic, record.key, record.value)
    source_ms = event.source.get("ts_ms") if isinstance(event, ChangeEvent) else None
    return projection.project(event), int(source_ms) if isinstance(source_ms, int) else None


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
    try:
        applied = store.stored_positions()
        newest: dict[tuple[str, int], int] = {}
        changes: list[Change] = []
        with store.engine.begin() as connection:
            for record in records:
                seen = newest.get((record.topic, record.partition), -1) >= record.offset
                if seen or store.is_applied(applied, record.position):
                    result.skipped += 1
                    continue
                newest[(record.topic, record.partition)] = record.offset
                try:
                    with connection.begin_nested():
                        event_changes, source_ms = _project(projection, record)
                        store.apply(connection, event_changes)
                except Exception as error:  # any failure of one event makes it a dead letter
                    log.warning("dead letter %s/%d@%d: %s", record.topic, record.partition, record.offset, error)
                    result.dead.append(DeadLetter(record, f"{type(error).__name__}: {error}"))
                    continue
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
