"""The order MariaDB 10.11's filesort gives rows with equal sort keys, reproduced in Python.

What filesort does with ties depends on the form of its sort buffer (``ANALYZE FORMAT=JSON`` names it
``r_sort_mode``), as measured against MariaDB 10.11 (``tests/extracted/content/test_tie_order_live.py``):

* ``…,rowid``: every sort key ends with the row's reference, compared bytewise after the key parts and
  never reversed for ``DESC``. For an InnoDB table the reference is the primary key as the server stores
  an integer, 8 bytes little-endian: equal keys come back ordered by ``term_id``'s *bytes*, 257 (01 01)
  before 2 (02 00). Deterministic: :func:`rowid_order`. (For an in-memory temporary table the reference
  is the record's memory address, which nothing outside the server can know.)
* ``…,addon_fields``: the row's columns travel with the key, which alone is compared. The rows are
  sorted in the order the table was read by ``my_qsort2`` (quicksort, median of three, insertion sort
  under 10 rows: :func:`mariadb_qsort`), or by an LSD radix sort (stable) when the key is at most 20
  bytes and there are 1,000 to 99,999 rows: :func:`addon_order`.
* A bounded priority queue (``r_used_priority_queue``) only when the sort is the last step before
  ``LIMIT``: a single table (measured: always, up to 500 rows, as ``LIMIT`` stays under a third of
  InnoDB's upper bound of the rows) or a join's temporary table (ties by memory address again). A
  join that sorts a table before joining the next never gets one (the join may drop rows): no term
  listing whose ties ``terms_order`` reproduces does. The queue's order: :func:`bounded_queue_order`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")

#: filesort switches from quicksort to a stable radix sort for short keys from this many rows on
RADIX_MIN_ROWS, RADIX_MAX_ROWS, RADIX_MAX_KEY_BYTES = 1000, 100_000, 20
#: below this many rows a quicksort partition is finished by insertion sort
_INSERTION_SORT_BELOW = 10


def _three_way(key: Callable[[T], Any], descending: bool) -> Callable[[T, T], int]:
    def compare(left: T, right: T) -> int:
        a, b = key(left), key(right)
        result = int(a > b) - int(a < b)
        return -result if descending else result

    return compare


def _median_of_three(items: list[T], low: int, mid: int, high: int, compare: Callable[[T, T], int]) -> None:
    """Leaves the median of the three positions in ``mid`` (and the smallest in ``low``) as my_qsort2 does."""
    if compare(items[high], items[low]) < 0:
        items[high], items[low] = items[low], items[high]
    if compare(items[mid], items[low]) < 0:
        items[mid], items[low] = items[low], items[mid]
    elif compare(items[high], items[mid]) < 0:
        items[mid], items[high] = items[high], items[mid]


def _insertion_sort(items: list[T], low: int, high: int, compare: Callable[[T, T], int]) -> None:
    for start in range(low + 1, high + 1):
        position = start
        while position > low and compare(items[position - 1], items[position]) > 0:
            items[position - 1], items[position] = items[position], items[position - 1]
            position -= 1


def _partition(items: list[T], low: int, high: int, compare: Callable[[T, T], int]) -> tuple[int, int]:
    """One quicksort step over ``items[low..high]``: the ends of the left part and of the right part."""
    count = high - low + 1
    mid = low + count // 2
    if count > 40:  # the median of three medians of three
        step = count // 8
        _median_of_three(items, low, low + step, low + 2 * step, compare)
        _median_of_three(items, mid - step, mid, mid + step, compare)
        _median_of_three(items, high - 2 * step, high - step, high, compare)
        _median_of_three(items, low + step, mid, high - step, compare)
        left, right = low, high
    else:  # the ends are already on their side of the pivot
        _median_of_three(items, low, mid, high, compare)
        left, right = low + 1, high - 1
    pivot = items[mid]  # a copy of the value: swaps below may move the element itself
    while True:
        while compare(items[left], pivot) < 0:
            left += 1
        while compare(pivot, items[right]) < 0:
            right -= 1
        if left < right:
            items[left], items[right] = items[right], items[left]
            left, right = left + 1, right - 1
            if left <= right:
                continue
        elif left == right:
            left, right = left + 1, right - 1
        return right, left


def mariadb_qsort(rows: Sequence[T], key: Callable[[T], Any], *, descending: bool = False) -> list[T]:
    """``rows`` sorted by ``key`` as MariaDB's ``my_qsort2`` leaves them (not stable: ties move)."""
    items = list(rows)
    compare = _three_way(key, descending)
    if len(items) <= 1:
        return items
    pending: list[tuple[int, int]] = []
    low, high = 0, len(items) - 1
    while True:
        if high - low + 1 < _INSERTION_SORT_BELOW:
            _insertion_sort(items, low, high, compare)
            if not pending:
                return items
            low, high = pending.pop()
            continue
        left_end, right_start = _partition(items, low, high, compare)
        # Parts of one row need no sorting; the larger part waits, the smaller is sorted first.
        if left_end - low <= 0:
            if high - right_start <= 0:
                if not pending:
                    return items
                low, high = pending.pop()
            else:
                low = right_start
        elif high - right_start <= 0:
            high = left_end
        elif left_end - low > high - right_start:
            pending.append((low, left_end))
            low = right_start
        else:
            pending.append((right_start, high))
            high = left_end


def addon_order(rows: Sequence[T], key: Callable[[T], Any], *, descending: bool = False, key_bytes: int = 8) -> list[T]:
    """Filesort with the columns in the buffer: radix (stable) for many rows of short keys, else quicksort."""
    if key_bytes <= RADIX_MAX_KEY_BYTES and RADIX_MIN_ROWS <= len(rows) < RADIX_MAX_ROWS:
        return sorted(rows, key=key, reverse=descending)  # Python's sort is stable, in both directions
    return mariadb_qsort(rows, key, descending=descending)


def bounded_queue_order(rows: Sequence[T], key: Callable[[T], Any], limit: int, *, descending: bool = False) -> list[T]:
    """The first ``limit`` rows as filesort's priority queue (``Bounded_queue``) leaves them.

    The queue has ``limit + 1`` slots, filled in scan order; once full, each row overwrites the slot at
    the heap's top (the greatest key, ties kept where they are) and sinks. The slots, in slot order, are
    then sorted as a buffer of that many rows is (:func:`addon_order`) and the first ``limit`` kept. With
    row references in the key (``…,rowid``) there are no ties: pass a key that ends with the reference.
    """
    compare = _three_way(key, descending)
    slots: list[T] = []
    heap = [0]  # 1-based, as mysys's QUEUE: heap[i] is a slot number, the greatest key at heap[1]
    for row in rows:
        if len(slots) == limit + 1:
            slots[heap[1]] = row
            _sink(heap, slots, compare)
        else:
            slots.append(row)
            _rise(heap, slots, compare, len(slots) - 1)
    return addon_order(slots, key, descending=descending)[:limit]


def _rise(heap: list[int], slots: list[T], compare: Callable[[T, T], int], slot: int) -> None:
    """Insert ``slot``: it climbs while its key is strictly greater than its parent's."""
    heap.append(slot)
    index = len(heap) - 1
    while index > 1 and compare(slots[slot], slots[heap[index // 2]]) > 0:
        heap[index] = heap[index // 2]
        index //= 2
    heap[index] = slot


def _sink(heap: list[int], slots: list[T], compare: Callable[[T, T], int]) -> None:
    """The top's key changed: it sinks while a child's key is strictly greater (the right child on ties
    only if strictly greater than the left)."""
    count = len(heap) - 1
    top, index = heap[1], 1
    while index <= count // 2:
        child = 2 * index
        if child < count and compare(slots[heap[child]], slots[heap[child + 1]]) < 0:
            child += 1
        if compare(slots[heap[child]], slots[top]) <= 0:
            break
        heap[index] = heap[child]
        index = child
    heap[index] = top


def innodb_rowid(primary_key: int) -> bytes:
    """An InnoDB row's reference for a ``BIGINT UNSIGNED`` primary key, as filesort compares it."""
    return primary_key.to_bytes(8, "little")


def rowid_order(
    rows: Sequence[T], key: Callable[[T], Any], rowid: Callable[[T], bytes], *, descending: bool = False
) -> list[T]:
    """Filesort with row references: by ``key`` (reversed for ``DESC``), equal keys by reference bytes."""
    by_reference = sorted(rows, key=rowid)
    return sorted(by_reference, key=key, reverse=descending)  # stable: references stay ascending


__all__ = ["addon_order", "bounded_queue_order", "innodb_rowid", "mariadb_qsort", "rowid_order"]
