"""Semantic JSON diff with paths (key order ignored; byte-level equality is checked separately)."""

from __future__ import annotations

from collections.abc import Iterator
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
