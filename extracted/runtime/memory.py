"""An in-memory :class:`Broker` for fast, deterministic tests of the consumer loop.

Topics have numbered partitions of records appended by the test; every record gets the next value
of one logical clock as its timestamp, so a poll returns records across partitions in the order they
were appended (as Kafka's ordering by CDC timestamps does). Thread-safe: the test appends while the
consumer thread polls, and a poll returns as soon as a record arrives. Failures are injected per
operation (:meth:`InMemoryBroker.fail`) and raised as :class:`BrokerError`, as the Kafka broker does.
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .record_order import in_commit_order
from .types import BrokerError, DeadLetter, Record, TopicPartition

#: the operations :meth:`InMemoryBroker.fail` can make fail
OPERATIONS = frozenset(
    {"session", "topics", "partitions", "assign", "poll", "positions", "end_offsets", "commit", "publish"}
)


@dataclass
class _Failure:
    remaining: int
    error: BrokerError


class InMemoryBroker:
    """Topics → partitions → records; published dead letters kept per topic."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._partitions: dict[str, list[list[Record]]] = {}
        self._clock = 0
        self._failures: dict[str, _Failure] = {}
        self._published: dict[str, list[DeadLetter]] = defaultdict(list)
        self._committed: dict[str | None, dict[TopicPartition, int]] = defaultdict(dict)
        self.calls: Counter[str] = Counter()
        self.sessions_opened = 0
        self.closed = False

    # -- what tests do -------------------------------------------------------------------------

    def create_topic(self, topic: str, partitions: int = 1) -> None:
        with self._condition:
            existing = self._partitions.setdefault(topic, [])
            existing.extend([] for _ in range(partitions - len(existing)))

    def append(self, topic: str, key: bytes | None, value: bytes | None, partition: int = 0) -> Record:
        """Append a record (creating the topic, or its partitions up to ``partition``, if absent)."""
        with self._condition:
            partitions = self._partitions.setdefault(topic, [])
            partitions.extend([] for _ in range(partition + 1 - len(partitions)))
            self._clock += 1
            record = Record(topic, partition, len(partitions[partition]), key, value, self._clock)
            partitions[partition].append(record)
            self._condition.notify_all()
            return record

    def fail(self, operation: str, times: int = 1, message: str = "injected failure") -> None:
        """Make the next ``times`` calls of ``operation`` (see ``OPERATIONS``) raise BrokerError."""
        if operation not in OPERATIONS:
            raise ValueError(f"unknown operation {operation!r} (known: {', '.join(sorted(OPERATIONS))})")
        with self._condition:
            self._failures[operation] = _Failure(times, BrokerError(f"{operation}: {message}"))

    def published(self, topic: str) -> list[DeadLetter]:
        with self._condition:
            return list(self._published[topic])

    def committed(self, group: str | None) -> dict[TopicPartition, int]:
        with self._condition:
            return dict(self._committed[group])

    # -- the Broker protocol -------------------------------------------------------------------

    def session(self, group: str | None) -> InMemorySession:
        self._enter("session")
        with self._condition:
            self.sessions_opened += 1
        return InMemorySession(self, group)

    def publish(self, topic: str, letters: Sequence[DeadLetter]) -> None:
        self._enter("publish")
        with self._condition:
            self._published[topic].extend(letters)

    def close(self) -> None:
        self.closed = True

    # -- for the sessions ----------------------------------------------------------------------

    def _enter(self, operation: str) -> None:
        with self._condition:
            self.calls[operation] += 1
            failure = self._failures.get(operation)
            if failure is None:
                return
            failure.remaining -= 1
            if failure.remaining <= 0:
                del self._failures[operation]
            raise failure.error

    def _topics(self) -> set[str]:
        with self._condition:
            return set(self._partitions)

    def _partition_count(self, topic: str) -> int:
        with self._condition:
            return len(self._partitions.get(topic, ()))

    def _end(self, tp: TopicPartition) -> int:
        with self._condition:
            partitions = self._partitions.get(tp.topic, [])
            return len(partitions[tp.partition]) if tp.partition < len(partitions) else 0

    def _read(self, positions: dict[TopicPartition, int], max_records: int, timeout_s: float) -> list[Record]:
        """Records after ``positions`` in clock order (advancing them); waits up to ``timeout_s`` for one."""
        with self._condition:
            self._condition.wait_for(lambda: any(self._end(tp) > at for tp, at in positions.items()), timeout_s)
            available = [self._partitions[tp.topic][tp.partition][at:] for tp, at in positions.items()]
            records = in_commit_order(available)[:max_records]
            for record in records:
                positions[TopicPartition(record.topic, record.partition)] = record.offset + 1
            return records

    def _commit(self, group: str | None, positions: Mapping[TopicPartition, int]) -> None:
        with self._condition:
            self._committed[group].update(positions)


class InMemorySession:
    """A :class:`BrokerSession` of an :class:`InMemoryBroker`."""

    def __init__(self, broker: InMemoryBroker, group: str | None) -> None:
        self.broker = broker
        self.group = group
        self._positions: dict[TopicPartition, int] = {}
        self.closed = False

    def _enter(self, operation: str) -> None:
        if self.closed:
            raise BrokerError(f"{operation}: the session is closed")
        self.broker._enter(operation)

    def topics(self) -> set[str]:
        self._enter("topics")
        return self.broker._topics()

    def partitions(self, topic: str) -> list[int]:
        self._enter("partitions")
        return list(range(self.broker._partition_count(topic)))

    def assignment(self) -> set[TopicPartition]:
        return set(self._positions)

    def assign(self, starts: Mapping[TopicPartition, int | None]) -> None:
        self._enter("assign")
        for tp, offset in starts.items():
            if tp not in self._positions:
                self._positions[TopicPartition(*tp)] = offset or 0

    def poll(self, timeout_ms: int, max_records: int) -> list[Record]:
        self._enter("poll")
        return self.broker._read(self._positions, max_records, timeout_ms / 1000)

    def positions(self) -> dict[TopicPartition, int]:
        self._enter("positions")
        return dict(self._positions)

    def end_offsets(self) -> dict[TopicPartition, int]:
        self._enter("end_offsets")
        return {tp: self.broker._end(tp) for tp in self._positions}

    def lag(self) -> int:
        ends = self.end_offsets()
        return sum(max(0, end - self._positions[tp]) for tp, end in ends.items())

    def commit(self) -> None:
        self._enter("commit")
        self.broker._commit(self.group, self._positions)

    def close(self) -> None:
        self.closed = True
