"""The capability registry (``extracted/capabilities.yaml``): what can be extracted, and how.

Plain data, validated at load: a mistake is reported with the file, the line and the field, and
nothing half-read is used.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REGISTRY = Path(__file__).resolve().parents[1] / "extracted" / "capabilities.yaml"

_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")
_TABLE = re.compile(r"^[A-Za-z0-9_$]+$")


class RegistryError(ValueError):
    """The registry is invalid; the message is ``file:line: field: problem``."""


@dataclass(frozen=True)
class CapabilityRoute:
    name: str
    paths: tuple[str, ...]
    methods: tuple[str, ...] = ("GET", "HEAD")


@dataclass(frozen=True)
class Capability:
    name: str
    description: str
    tables: tuple[str, ...]
    module: str
    port: str
    routes: tuple[CapabilityRoute, ...]
    parity_threshold: float = 99.9
    max_lag_events: int = 0
    readiness_timeout_s: float = 300.0

    def topics(self, prefix: str, database: str) -> list[str]:
        return [f"{prefix}.{database}.{table}" for table in self.tables]


class _Document:
    """YAML loaded into plain values, remembering the line of every field for error messages."""

    def __init__(self, source: Path) -> None:
        self.source = source
        self.lines: dict[str, int] = {}
        try:
            node = yaml.compose(source.read_text())
        except (OSError, yaml.YAMLError) as error:
            raise RegistryError(f"{source}: cannot read: {error}") from error
        self.data = self._value(node, "") if node is not None else {}

    def _value(self, node: yaml.Node, field: str) -> Any:
        self.lines[field] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            return {key.value: self._value(value, f"{field}.{key.value}".lstrip(".")) for key, value in node.value}
        if isinstance(node, yaml.SequenceNode):
            return [self._value(item, f"{field}[{index}]") for index, item in enumerate(node.value)]
        return yaml.safe_load(yaml.serialize(node))

    def error(self, field: str, problem: str) -> RegistryError:
        line = self.lines.get(field) or self.lines.get(field.rsplit(".", 1)[0]) or 1
        return RegistryError(f"{self.source}:{line}: {field}: {problem}")

    def get(
        self, mapping: dict[str, Any], key: str, field: str, kind: type | tuple[type, ...], default: Any = ...
    ) -> Any:
        if key not in mapping:
            if default is ...:
                raise self.error(field, f"missing field {key!r}")
            return default
        value = mapping[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            names = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
            raise self.error(f"{field}.{key}".lstrip("."), f"must be a {names}, not {type(value).__name__}")
        return value

    def names(self, values: list[Any], field: str, pattern: re.Pattern[str]) -> tuple[str, ...]:
        for index, value in enumerate(values):
            if not isinstance(value, str) or not pattern.match(value):
                raise self.error(f"{field}[{index}]", f"{value!r} is not a valid name")
        return tuple(values)


def _route(document: _Document, raw: Any, field: str) -> CapabilityRoute:
    if not isinstance(raw, dict):
        raise document.error(field, "must be a mapping with name and paths")
    name = document.get(raw, "name", field, str)
    paths = document.get(raw, "paths", field, list)
    if not paths or not all(isinstance(path, str) and path.startswith("/") for path in paths):
        raise document.error(f"{field}.paths", "must list path patterns starting with '/'")
    methods = document.get(raw, "methods", field, list, ["GET", "HEAD"])
    return CapabilityRoute(name=name, paths=tuple(paths), methods=tuple(str(method).upper() for method in methods))


def _capability(document: _Document, name: str, raw: Any) -> Capability:
    field = f"capabilities.{name}"
    if not _NAME.match(name):
        raise document.error(field, "capability names are lower-case letters, digits, '-' and '_'")
    if not isinstance(raw, dict):
        raise document.error(field, "must be a mapping")
    known = {"description", "tables", "service", "readiness", "parity_threshold", "routes"}
    for key in raw:
        if key not in known:
            raise document.error(f"{field}.{key}", f"unknown field (known: {', '.join(sorted(known))})")
    service = document.get(raw, "service", field, dict)
    readiness = document.get(raw, "readiness", field, dict, {})
    threshold = float(document.get(raw, "parity_threshold", field, (int, float), 99.9))
    if not 0 <= threshold <= 100:
        raise document.error(f"{field}.parity_threshold", "must be a percentage between 0 and 100")
    routes = document.get(raw, "routes", field, list)
    return Capability(
        name=name,
        description=document.get(raw, "description", field, str, ""),
        tables=document.names(document.get(raw, "tables", field, list), f"{field}.tables", _TABLE),
        module=document.get(service, "module", f"{field}.service", str),
        port=document.get(service, "port", f"{field}.service", str),
        routes=tuple(_route(document, route, f"{field}.routes[{index}]") for index, route in enumerate(routes)),
        parity_threshold=threshold,
        max_lag_events=int(document.get(readiness, "max_lag_events", f"{field}.readiness", int, 0)),
        readiness_timeout_s=float(document.get(readiness, "timeout_s", f"{field}.readiness", (int, float), 300)),
    )


def load_registry(path: Path | None = None) -> dict[str, Capability]:
    """The registry at ``path``, else ``$STRANGLER_CAPABILITIES``, else the one shipped in extracted/."""
    document = _Document(path or Path(os.environ.get("STRANGLER_CAPABILITIES") or REGISTRY))
    if not isinstance(document.data, dict):
        raise document.error("", "the registry must be a mapping with 'capabilities'")
    version = document.get(document.data, "version", "", int, 1)
    if version != 1:
        raise document.error("version", f"unsupported version {version} (this wp-strangler reads 1)")
    capabilities = document.get(document.data, "capabilities", "", dict)
    loaded = {name: _capability(document, name, raw) for name, raw in capabilities.items()}
    seen: dict[str, str] = {}
    for capability in loaded.values():
        for route in capability.routes:
            if route.name in seen:
                raise document.error(
                    f"capabilities.{capability.name}.routes", f"route {route.name!r} is also in {seen[route.name]}"
                )
            seen[route.name] = capability.name
    return loaded
