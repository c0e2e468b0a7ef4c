"""WordPress's request-wide rendering state (``RenderState``) as the content service carries it. Pure.

One REST response renders its posts in order with shared counters (``gallery-N``, ``wp-container-N``,
players, ...) and a switch that moves ``wpautop`` after the first content with blocks. A post rendered at
projection time starts from a fresh state; what its rendering added to the state is kept as a *delta*
(JSON), so a response can follow the state through posts it does not render again. ``probe`` is a state
far from fresh: a post whose output is the same from both is independent of what came before it.

Fields are handled by the type of their default: counters (int) add up, switches (bool) stay on once on,
counts by name (dict of int) add up per name; a field of any other type makes deltas unknowable.
"""

from __future__ import annotations

import dataclasses
import json
from copy import deepcopy
from typing import Any

from extracted.formatting import RenderState

Delta = dict[str, Any]
PROBE_COUNTER = 1001  # odd: also tells apart outputs that alternate with a counter's parity


class UnknownStateFieldError(Exception):
    """``RenderState`` has a field whose changes cannot be added up (the post must be rendered live)."""


def _fields() -> list[tuple[str, Any]]:
    fresh = RenderState()
    return [(f.name, getattr(fresh, f.name)) for f in dataclasses.fields(RenderState)]


def probe() -> RenderState:
    """A state no response starts with: every counter high and odd, every switch on."""
    state = RenderState()
    for name, default in _fields():
        if isinstance(default, bool):
            setattr(state, name, not default)
        elif isinstance(default, int):
            setattr(state, name, PROBE_COUNTER)
    return state


def copy(state: RenderState) -> RenderState:
    return deepcopy(state)


def is_fresh(state: RenderState) -> bool:
    return state == RenderState()


def signature(state: RenderState) -> str:
    """A hashable key of a state (for caches of renderings made from it)."""
    values = {name: getattr(state, name) for name, _ in _fields()}
    return json.dumps(values, sort_keys=True, default=str)


def delta(before: RenderState, after: RenderState) -> Delta:
    """What rendering added to ``before`` to make ``after``; raises UnknownStateFieldError if unknowable."""
    found: Delta = {}
    for name, default in _fields():
        old, new = getattr(before, name), getattr(after, name)
        if old == new:
            continue
        if isinstance(default, bool):
            if new and not old:
                found[name] = True
        elif isinstance(default, int):
            found[name] = new - old
        elif isinstance(default, dict):
            found[name] = {key: count - old.get(key, 0) for key, count in new.items() if count != old.get(key, 0)}
        else:
            raise UnknownStateFieldError(name)
    return found


def changes_names(change: Delta) -> bool:
    """Whether a delta touches counts by name (whose effect on later output a probe cannot reveal)."""
    defaults = dict(_fields())
    return any(isinstance(defaults.get(name), dict) for name in change)


def apply(state: RenderState, change: Delta) -> None:
    """Add a delta to ``state`` in place."""
    for name, value in change.items():
        current = getattr(state, name)
        if isinstance(current, bool):
            setattr(state, name, current or bool(value))
        elif isinstance(current, int):
            setattr(state, name, current + int(value))
        elif isinstance(current, dict):
            for key, count in value.items():
                current[key] = current.get(key, 0) + int(count)


def encode(change: Delta) -> str:
    return json.dumps(change, sort_keys=True) if change else ""


def decode(text: str | None) -> Delta:
    if not text:
        return {}
    value = json.loads(text)
    return value if isinstance(value, dict) else {}
