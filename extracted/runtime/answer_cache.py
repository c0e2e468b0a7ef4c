"""Answers kept per read-model generation: what a service computed from its store stays valid until
the store changes.

A :class:`Generation` counts the changes of one process's read model: the kit's consumer bumps it
after every committed batch (``ServiceDefinition.on_commit``), and a service that writes its read
model itself (the comments service taking a visitor's comment) bumps it after its own commits. A
:class:`GenerationCache` forgets everything when the count moved. It notes the count *before* an
answer is computed and keeps the answer only if the count is still the same afterwards: since the
count moves after the commit, an answer read from a store the count has not caught up with yet is
dropped at the next lookup, and one read before a commit is never kept past it.

The cache is bounded by entries: full, it starts again empty (answers of one generation are cheap
to recompute, and a cache that outgrew its limit mostly holds one-off queries).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["Generation", "GenerationCache"]

Key = TypeVar("Key", bound=Hashable)
Value = TypeVar("Value")


class Generation:
    """Counts committed changes of a read model; a cached answer is valid while the count is unchanged."""

    def __init__(self) -> None:
        self.value = 0
        self._lock = threading.Lock()

    def bump(self) -> None:
        with self._lock:
            self.value += 1


class GenerationCache(Generic[Key, Value]):
    """Answers by key, valid for one value of ``generation()`` (at most ``limit`` of them)."""

    def __init__(self, generation: Callable[[], int], limit: int = 4096) -> None:
        self._generation = generation
        self.limit = limit
        self._seen = -1
        self._entries: dict[Key, Value] = {}
        self._lock = threading.Lock()

    def _current(self) -> int:
        """The generation now, the entries emptied if it moved (under the lock)."""
        current = self._generation()
        if current != self._seen:
            self._entries.clear()
            self._seen = current
        return current

    def get(self, key: Key) -> Value | None:
        with self._lock:
            self._current()
            return self._entries.get(key)

    def answer(self, key: Key, make: Callable[[], Value], *, keep: Callable[[Value], bool] = lambda _: True) -> Value:
        """The kept answer to ``key``, else ``make()``'s, kept if ``keep`` says so and the store did not
        change while it was made."""
        with self._lock:
            before = self._current()
            if key in self._entries:
                return self._entries[key]
        value = make()
        if keep(value):
            self.put(key, value, before)
        return value

    def put(self, key: Key, value: Value, generation: int) -> None:
        """Keep ``value`` for ``key`` if it was made at the generation that is still current."""
        with self._lock:
            if self._current() != generation:
                return
            if len(self._entries) >= self.limit:
                self._entries.clear()
            self._entries[key] = value

    def generation(self) -> int:
        """The current generation (note it before making an answer to :meth:`put`)."""
        with self._lock:
            return self._current()

    def __len__(self) -> int:
        return len(self._entries)
