"""The consumer runtime's core without Kafka: batches applied with their positions, exactly once."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

import pytest
from sqlalchemy import Column, Connection, Integer, MetaData, String, Table, select

from cdc.events import ChangeEvent, Tombstone, encode
from extracted.runtime import Change, DeadLetter, Delete, Record, Store, Upsert, apply_batch, open_engine
from extracted.runtime.metrics import ConsumerState, prometheus_text, registry_for

TOPIC = "wordpress.wordpress.wp_things"


class Things:
    """A projection of a ``wp_things`` table; ``name == "boom"`` makes it fail."""

    def __init__(self) -> None:
        self.metadata = MetaData()
        self.table = Table("things", self.metadata, Column("id", Integer, primary_key=True), Column("name", String))
        self.batches: list[int] = []

    def source_tables(self) -> Sequence[str]:
        return ["wp_things"]

    def project(self, event: ChangeEvent | Tombstone) -> Sequence[Change]:
        if isinstance(event, Tombstone):
            return []
        row = event.row or {}
        if row.get("name") == "boom":
            raise ValueError("cannot project boom")
        if event.op == "d":
            return [Delete("things", {"id": row["id"]})]
        return [Upsert("things", {"id": row["id"]}, {"name": row["name"]})]

    def after_batch(self, connection: Connection, changes: Sequence[Change]) -> None:
        self.batches.append(len(changes))


def record(offset: int, op: str, row: dict[str, object] | None, *, tombstone: bool = False) -> Record:
    if tombstone:
        key, value = encode(Tombstone(TOPIC, {"id": 1}))
    else:
        before, after = (row, None) if op == "d" else (None, row)
        event = ChangeEvent(TOPIC, {"id": 1}, op, before, after, {"table": "wp_things", "ts_ms": 1000}, 1000)  # type: ignore[arg-type]
        key, value = encode(event)
    return Record(TOPIC, 0, offset, key, value)


@pytest.fixture
def projection() -> Things:
    return Things()


@pytest.fixture
def store(store_url: str, projection: Things) -> Iterator[Store]:
    """On SQLite and on PostgreSQL (``conftest.store_url``)."""
    store = Store(open_engine(store_url), projection.metadata)
    store.create()
    yield store
    store.engine.dispose()


def names(store: Store) -> dict[int, str]:
    with store.engine.connect() as connection:
        return {row.id: row.name for row in connection.execute(select(store.metadata.tables["things"]))}


def test_snapshot_update_delete_and_tombstone_apply_in_order(store: Store, projection: Things) -> None:
    records = [
        record(0, "r", {"id": 1, "name": "one"}),
        record(1, "c", {"id": 2, "name": "two"}),
        record(2, "u", {"id": 1, "name": "uno"}),
        record(3, "d", {"id": 2, "name": "two"}),
        record(4, "d", None, tombstone=True),
    ]
    result = apply_batch(store, projection, records, lambda letters: None)
    assert (result.applied, result.skipped, result.dead) == (5, 0, [])
    assert names(store) == {1: "uno"}
    assert store.stored_positions() == {(TOPIC, 0): 4}
    assert result.newest_source_ms == 1000


def test_redelivered_records_are_skipped(store: Store, projection: Things) -> None:
    first = [record(0, "c", {"id": 1, "name": "one"}), record(1, "u", {"id": 1, "name": "two"})]
    apply_batch(store, projection, first, lambda letters: None)
    again = apply_batch(store, projection, [*first, record(2, "u", {"id": 1, "name": "three"})], lambda x: None)
    assert (again.applied, again.skipped) == (1, 2)
    assert names(store) == {1: "three"}


def test_a_poison_record_is_a_dead_letter_and_consumption_continues(store: Store, projection: Things) -> None:
    letters: list[DeadLetter] = []
    garbage = Record(TOPIC, 0, 1, b'{"id":1}', b"not json")
    records = [record(0, "c", {"id": 1, "name": "boom"}), garbage, record(2, "c", {"id": 3, "name": "ok"})]
    result = apply_batch(store, projection, records, letters.extend)
    assert [letter.record.offset for letter in letters] == [0, 1]
    assert "cannot project boom" in letters[0].error and "EventDecodeError" in letters[1].error
    assert names(store) == {3: "ok"}
    assert store.stored_positions() == {(TOPIC, 0): 2}
    assert result.applied == 1
    assert [letter for _, letter in store.pending_dead_letters()] == letters  # in the outbox, to publish


def test_a_failing_after_batch_rolls_the_whole_batch_back(store: Store, projection: Things) -> None:
    """Changes, positions and dead letters: nothing of the batch stays (SQLite included: its driver
    used to commit each event's savepoint on its own)."""

    def broken(connection: Connection, changes: Sequence[Change]) -> None:
        raise RuntimeError("derived data failed")

    projection.after_batch = broken  # type: ignore[method-assign]
    records = [record(0, "c", {"id": 1, "name": "one"}), record(1, "c", {"id": 2, "name": "boom"})]
    with pytest.raises(RuntimeError, match="derived data failed"):
        apply_batch(store, projection, records)
    assert names(store) == {} and store.stored_positions() == {} and store.pending_dead_letters() == []
    del projection.after_batch
    result = apply_batch(store, projection, records)  # the retry is a first application
    assert (result.applied, result.skipped, len(result.dead)) == (1, 0, 1)
    assert names(store) == {1: "one"} and store.count_pending_dead_letters() == 1


def test_a_rebuild_keeps_the_dead_letter_outbox(store: Store, projection: Things) -> None:
    apply_batch(store, projection, [record(0, "c", {"id": 1, "name": "boom"}), record(1, "c", {"id": 2, "name": "b"})])
    store.drop()
    store.create()
    assert names(store) == {} and store.stored_positions() == {}
    assert [letter.record.offset for _, letter in store.pending_dead_letters()] == [0]


def test_metrics_report_lag_and_counts() -> None:
    state = ConsumerState("content", connected=True, running=True, lag_events=3, newest_source_ms=1)
    text = prometheus_text(registry_for(state)).decode()
    assert 'consumer_lag_events{group="content"} 3.0' in text
    assert 'consumer_failing{group="content"} 0.0' in text and 'consumer_failures_total{group="content"} 0.0' in text
    assert state.snapshot()["healthy"] is True
    assert state.snapshot()["lag_ms"] > 0
    assert json.dumps(state.snapshot())


def test_a_failure_makes_the_state_unhealthy_until_a_success() -> None:
    state = ConsumerState("content", connected=True, running=True)
    state.record_failure(ValueError("bad"), 0.5, disconnected=False)
    state.record_failure(ValueError("worse"), 1.0, disconnected=False)
    snapshot = state.snapshot()
    assert snapshot["healthy"] is False and snapshot["failing"] is True and snapshot["connected"] is True
    assert (snapshot["consecutive_failures"], snapshot["retry_in_s"], snapshot["last_error"]) == (
        2,
        1.0,
        "ValueError: worse",
    )
    text = prometheus_text(registry_for(state)).decode()
    assert 'consumer_failing{group="content"} 1.0' in text and 'consumer_failures_total{group="content"} 2.0' in text
    assert 'consumer_up{group="content"} 0.0' in text
    state.record_success()
    assert state.healthy() and state.consecutive_failures == 0 and state.failures == 2
    assert state.snapshot()["last_error"] == "ValueError: worse"  # kept for the record
