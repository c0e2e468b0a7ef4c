"""Semantic JSON diff with paths (key order ignored; byte-level equality is checked separately).

Arrays of objects that carry unique ``id``s (WordPress's collections, embeds) are aligned by id, so one
item more or a different order reads as that, and not as a difference in every later position: first
the items that moved (outside the longest run of ids in the same order), then the missing and the added
ones, then the field differences of each item present in both, under its path in WordPress's answer.
"""

from __future__ import annotations

import bisect
from collections.abc import Hashable, Iterator
from typing import Any

from proxy.parity.paths import Token, render
from proxy.parity.types import Difference

_MISSING = object()


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return "string" if isinstance(value, str) else type(value).__name__


def _summary(value: Any) -> Any:
    """Leaves as they are; containers summarised so a diff of a missing subtree stays small."""
    if isinstance(value, dict):
        return {"object_keys": sorted(value)[:20]}
    if isinstance(value, list):
        return {"array_length": len(value)}
    return value


def _ids(items: list[Any]) -> list[Hashable] | None:
    """The items' ids, when every item is an object with a distinct ``id``; as text, so that an id that
    changed type (2 and "2") still pairs its items and shows as a type difference of the field."""
    ids: list[Hashable] = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("id"), int | str) or isinstance(item["id"], bool):
            return None
        ids.append(str(item["id"]))
    return ids if len(set(ids)) == len(ids) else None


def _longest_kept_order(common: list[Hashable], where: dict[Hashable, int]) -> set[Hashable]:
    """The largest set of ids that keep their relative order in both lists: with distinct ids, the
    longest increasing run of their positions in the candidate (patience sorting, O(n log n))."""
    tails: list[int] = []  # tails[k]: index into common of the smallest tail of an increasing run of length k+1
    tail_positions: list[int] = []  # their positions in the candidate, for the binary search
    previous: list[int] = [-1] * len(common)
    for index, item_id in enumerate(common):
        position = where[item_id]
        length = bisect.bisect_left(tail_positions, position)
        if length:
            previous[index] = tails[length - 1]
        if length == len(tails):
            tails.append(index)
            tail_positions.append(position)
        else:
            tails[length] = index
            tail_positions[length] = position
    kept: set[Hashable] = set()
    cursor = tails[-1] if tails else -1
    while cursor >= 0:
        kept.add(common[cursor])
        cursor = previous[cursor]
    return kept


def _diff_by_id(
    legacy: list[Any], candidate: list[Any], left: list[Hashable], right: list[Hashable], path: tuple[Token, ...]
) -> Iterator[tuple[tuple[Token, ...], Difference]]:
    where = {item_id: index for index, item_id in enumerate(right)}
    in_order = _longest_kept_order([item_id for item_id in left if item_id in where], where)
    for index, item_id in enumerate(left):
        if item_id in where and item_id not in in_order:
            yield (*path, index), Difference(render((*path, index)), "moved", index, where[item_id])
    for index, item_id in enumerate(left):
        if item_id not in where:
            yield (*path, index), Difference(render((*path, index)), "missing", _summary(legacy[index]), None)
    known = set(left)
    for index, item_id in enumerate(right):
        if item_id not in known:
            yield (*path, index), Difference(render((*path, index)), "extra", None, _summary(candidate[index]))
    for index, item_id in enumerate(left):
        if item_id in where:
            yield from diff_json(legacy[index], candidate[where[item_id]], (*path, index))


def diff_json(
    legacy: Any, candidate: Any, path: tuple[Token, ...] = ()
) -> Iterator[tuple[tuple[Token, ...], Difference]]:
    """Yields (token path, difference) pairs; the token path serves ignore-pattern matching."""
    if isinstance(legacy, dict) and isinstance(candidate, dict):
        for key in legacy:
            if key not in candidate:
                yield (*path, key), Difference(render((*path, key)), "missing", _summary(legacy[key]), None)
            else:
                yield from diff_json(legacy[key], candidate[key], (*path, key))
        for key in candidate:
            if key not in legacy:
                yield (*path, key), Difference(render((*path, key)), "extra", None, _summary(candidate[key]))
        return
    if isinstance(legacy, list) and isinstance(candidate, list):
        left, right = _ids(legacy), _ids(candidate)
        if left is not None and right is not None and left != right:
            yield from _diff_by_id(legacy, candidate, left, right, path)
            return
        for index in range(max(len(legacy), len(candidate))):
            sub = (*path, index)
            if index >= len(candidate):
                yield sub, Difference(render(sub), "missing", _summary(legacy[index]), None)
            elif index >= len(legacy):
                yield sub, Difference(render(sub), "extra", None, _summary(candidate[index]))
            else:
                yield from diff_json(legacy[index], candidate[index], sub)
        return
    if _type_name(legacy) != _type_name(candidate):
        yield path, Difference(render(path), "type", _summary(legacy), _summary(candidate))
    elif legacy != candidate:
        yield path, Difference(render(path), "value", legacy, candidate)
