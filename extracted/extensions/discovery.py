"""Finding extensions: the Python entry point group ``wp_strangler.extensions``, and the settings' ``load``.

Each entry point (or ``load`` entry: name → ``pkg.module:attribute``, for an extension not packaged)
names an :class:`~extracted.extensions.sdk.Extension` (``pkg.module:extension``) or a module with an
``extension`` attribute. One that cannot be loaded (an import error, a wrong object, a name used twice)
does not stop the service: it is listed as broken, with why, and never run.
"""

from __future__ import annotations

import importlib.metadata
import types
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from .sdk import Extension

__all__ = ["GROUP", "Broken", "Found", "discover"]

GROUP = "wp_strangler.extensions"


@dataclass(frozen=True)
class Broken:
    """An entry point that gave no usable extension."""

    name: str
    target: str
    error: str


@dataclass(frozen=True)
class Found:
    extensions: tuple[Extension, ...]
    broken: tuple[Broken, ...]


def _as_extension(loaded: object) -> Extension:
    if isinstance(loaded, types.ModuleType):
        loaded = getattr(loaded, "extension", None)
    if not isinstance(loaded, Extension):
        raise TypeError(f"expected an extracted.extensions.sdk.Extension, got {type(loaded).__name__}")
    return loaded


def discover(
    entry_points: Callable[[], Iterable[importlib.metadata.EntryPoint]] | None = None,
    *,
    load: Mapping[str, str] | None = None,
) -> Found:
    """The extensions installed in this environment (``entry_points`` injectable for tests), plus those
    the settings name in ``load`` (name → ``pkg.module:attribute``), checked the same way."""
    points = list(entry_points() if entry_points else importlib.metadata.entry_points(group=GROUP))
    points += [importlib.metadata.EntryPoint(name, target, GROUP) for name, target in (load or {}).items()]
    found: dict[str, Extension] = {}
    broken: list[Broken] = []
    for point in sorted(points, key=lambda point: point.name):
        try:
            extension = _as_extension(point.load())
            if extension.name != point.name:
                raise ValueError(f"the entry point is named {point.name!r} but the extension {extension.name!r}")
            if extension.name in found:
                raise ValueError(f"a second extension named {extension.name!r}")
            if not extension.subscriptions:
                raise ValueError("it subscribes to no event type (no @extension.on(...))")
        except Exception as error:  # whatever an extension's import does, the service goes on without it
            broken.append(Broken(point.name, point.value, f"{type(error).__name__}: {error}"))
            continue
        found[extension.name] = extension
    return Found(tuple(found.values()), tuple(broken))
