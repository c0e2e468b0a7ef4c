"""The order a consumer applies records of several partitions in: pure.

Within a partition Kafka's order is the truth (offsets); across partitions the records are merged by
their timestamps (CDC stamps each with the time the database committed it), so a user's row and its
meta, on different topics, are applied in the order WordPress wrote them. The merge never reorders one
partition's records, even if their timestamps go backwards (a clock stepped back on the producer):
the order of one key's changes is what must hold.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence

from .types import Record

__all__ = ["in_commit_order"]


def in_commit_order(partitions: Iterable[Sequence[Record]]) -> list[Record]:
    """The records of ``partitions`` (each in offset order), merged by timestamp, ties by topic and
    partition; each partition's own order kept."""
    return list(heapq.merge(*partitions, key=lambda r: (r.timestamp_ms, r.topic, r.partition)))
