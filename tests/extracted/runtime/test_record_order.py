"""The order records of several partitions are applied in."""

from __future__ import annotations

from extracted.runtime.record_order import in_commit_order
from extracted.runtime.types import Record


def _record(topic: str, partition: int, offset: int, timestamp_ms: int) -> Record:
    return Record(topic, partition, offset, b"k", b"v", timestamp_ms)


def test_partitions_are_merged_by_commit_time() -> None:
    users = [_record("wp_users", 0, 0, 10), _record("wp_users", 0, 1, 30)]
    meta = [_record("wp_usermeta", 2, 0, 20), _record("wp_usermeta", 2, 1, 40)]
    merged = in_commit_order([users, meta])
    assert [(r.topic, r.offset) for r in merged] == [
        ("wp_users", 0), ("wp_usermeta", 0), ("wp_users", 1), ("wp_usermeta", 1),
    ]  # fmt: skip


def test_equal_times_go_by_topic_then_partition() -> None:
    merged = in_commit_order([[_record("b", 1, 0, 5)], [_record("a", 2, 0, 5)], [_record("b", 0, 0, 5)]])
    assert [(r.topic, r.partition) for r in merged] == [("a", 2), ("b", 0), ("b", 1)]


def test_one_partition_keeps_its_offset_order_when_its_clock_steps_back() -> None:
    stepped_back = [_record("t", 0, 0, 100), _record("t", 0, 1, 50), _record("t", 0, 2, 60)]
    other = [_record("t", 1, 0, 70)]
    merged = in_commit_order([stepped_back, other])
    assert [r.offset for r in merged if r.partition == 0] == [0, 1, 2]
    assert len(merged) == 4
