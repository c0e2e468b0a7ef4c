"""The capability registry (``extracted/capabilities.yaml``): what can be extracted, and how.

Plain data, validated at load: a mistake is reported with the file, the line and the field, and
nothing half-read is used. The registry is the single source of a service's default port
(``service.port``): the stack's port table (``cli.stack.settings``) takes it from here, under the
capability's :attr:`Capability.port_name`, so adding a capability needs no other edit.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cli.stack.errors import StackError

REGISTRY = Path(__file__).resolve().parents[1] / "extracted" / "capabilities.yaml"

_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")
_TABLE = re.compile(r"^[A-Za-z0-9_$]+$")
#: what a service may listen on: unprivileged TCP ports
PORT_RANGE = range(1024, 65536)


class RegistryError(StackError, ValueError):
    """The registry is invalid; the message is ``file:line: field: problem``.

    A :class:`StackError`, so that every ``strangler`` command reports it (the stack's port table
    reads the registry)."""


#: how a field's expected type reads in an error ("must be an integer, not str")
TYPE_NAMES: dict[type, str] = {
    int: "an integer",
    str: "a string",
    bool: "a boolean",
    float: "a number",
    list: "a list",
    dict: "a mapping",
}


@dataclass(frozen=True)
class CapabilityRoute:
    name: str
    paths: tuple[str, ...]
    methods: tuple[str, ...] = ("GET", "HEAD")
    #: query arguments the route needs (value, or ``None``: must be absent), as the proxy matches them
    query: tuple[tuple[str, str | None], ...] = ()
    #: the service answers ``X-Strangler-Dry-Run`` copies without acting, so unsafe methods may be shadowed
    dry_run: bool = False
    #: the proxy's comparison rules of the route (``headers``, ``ignore``, ``masks``), as JSON text
    compare: str = ""
    #: the proxy's priority of the route (higher wins): below 0 for catch-all patterns such as ``/*``
    priority: int = 0

    def proxy_options(self) -> dict[str, Any]:
        """The route's fields for the proxy's admin API beyond paths, service, mode and methods."""
        options: dict[str, Any] = {}
        if self.query:
            options["query"] = dict(self.query)
        if self.dry_run:
            options["shadow"] = {"dry_run": True, "methods": list(self.methods)}
        if self.compare:
            options["compare"] = json.loads(self.compare)
        if self.priority:
            options["priority"] = self.priority
        return options


@dataclass(frozen=True)
class Capability:
    name: str
    description: str
    tables: tuple[str, ...]
    module: str
    #: the service's default port (``STRANGLER_<PORT_NAME>_PORT`` overrides it at the first ``up``)
    port: int
    routes: tuple[CapabilityRoute, ...]
    parity_threshold: float = 99.9
    max_lag_events: int = 0
    readiness_timeout_s: float = 300.0
    #: aggregates of the event catalog whose domain events the service consumes (``users``)
    events: tuple[str, ...] = ()
    #: aggregates whose domain events the service publishes (another capability's ``events`` names them)
    publishes: tuple[str, ...] = ()

    def topics(self, prefix: str, database: str) -> list[str]:
        return [f"{prefix}.{database}.{table}" for table in self.tables]

    def event_topics(self, prefix: str) -> list[str]:
        """The domain-event topics the service consumes (``<prefix>.events.<aggregate>``)."""
        from extracted.contracts import events_topic

        return [events_topic(prefix, aggregate) for aggregate in self.events]

    @property
    def port_name(self) -> str:
        """The service's key in the stack's port table and ``stack.json`` (``content``)."""
        return port_name(self.name)


def port_name(capability: str) -> str:
    return capability.replace("-", "_")


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
            names = " or ".join(TYPE_NAMES.get(k, k.__name__) for k in (kind if isinstance(kind, tuple) else (kind,)))
            raise self.error(f"{field}.{key}".lstrip("."), f"must be {names}, not {type(value).__name__}")
        return value

    def names(self, values: list[Any], field: str, pattern: re.Pattern[str]) -> tuple[str, ...]:
        for index, value in enumerate(values):
            if not isinstance(value, str) or not pattern.match(value):
                raise self.error(f"{field}[{index}]", f"{value!r} is not a valid name")
        return tuple(values)


def _route(document: _Document, raw: Any, field: str) -> CapabilityRoute:
    if not isinstance(raw, dict):
        raise document.error(field, "must be a mapping with name and paths")
    known = {"name", "paths", "methods", "query", "dry_run", "compare", "priority"}
    for key in raw:
        if key not in known:
            raise document.error(f"{field}.{key}", f"unknown field (known: {', '.join(sorted(known))})")
    name = document.get(raw, "name", field, str)
    paths = document.get(raw, "paths", field, list)
    if not paths or not all(isinstance(path, str) and path.startswith("/") for path in paths):
        raise document.error(f"{field}.paths", "must list path patterns starting with '/'")
    methods = document.get(raw, "methods", field, list, ["GET", "HEAD"])
    query = document.get(raw, "query", field, dict, {})
    for key, value in query.items():
        if not isinstance(key, str) or not (value is None or isinstance(value, str)):
            raise document.error(f"{field}.query.{key}", "must map an argument name to a string, or null (absent)")
    return CapabilityRoute(
        name=name,
        paths=tuple(paths),
        methods=tuple(str(method).upper() for method in methods),
        query=tuple(query.items()),
        dry_run=document.get(raw, "dry_run", field, bool, False),
        compare=_compare(document, raw, field),
        priority=document.get(raw, "priority", field, int, 0),
    )


def _compare(document: _Document, raw: dict[str, Any], field: str) -> str:
    """The route's ``compare`` rules: ``headers`` and ``ignore`` lists, ``masks`` (header → regular
    expressions). Their meaning is the proxy's (it checks them again when the route is set)."""
    compare = document.get(raw, "compare", field, dict, {})
    where = f"{field}.compare"
    for key, value in compare.items():
        if key in ("headers", "ignore"):
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                raise document.error(f"{where}.{key}", "must be a list of strings")
        elif key == "masks":
            if not isinstance(value, dict):
                raise document.error(f"{where}.masks", "must map header names to lists of regular expressions")
            for header, patterns in value.items():
                if not isinstance(patterns, list) or not all(isinstance(item, str) for item in patterns):
                    raise document.error(f"{where}.masks.{header}", "must be a list of regular expressions")
                for index, pattern in enumerate(patterns):
                    try:
                        re.compile(pattern)
                    except re.error as error:
                        problem = f"not a regular expression: {error}"
                        raise document.error(f"{where}.masks.{header}[{index}]", problem) from None
        else:
            raise document.error(f"{where}.{key}", "unknown field (known: headers, ignore, masks)")
    return json.dumps(compare) if compare else ""


def _port(document: _Document, service: dict[str, Any], field: str) -> int:
    port: int = document.get(service, "port", field, int)
    if port not in PORT_RANGE:
        raise document.error(f"{field}.port", f"{port} is not a port from {PORT_RANGE.start} to {PORT_RANGE.stop - 1}")
    return port


def _events(document: _Document, aggregates: list[Any], field: str) -> tuple[str, ...]:
    """Aggregates of the event catalog (``extracted/contracts/catalog.yaml``), each once."""
    if not aggregates:
        return ()
    from extracted.contracts import ContractError, default_catalog

    try:
        known = default_catalog().aggregates
    except ContractError as error:
        raise document.error(field, f"cannot read the event catalog: {error}") from error
    for index, aggregate in enumerate(aggregates):
        if not isinstance(aggregate, str) or aggregate not in known:
            raise document.error(f"{field}[{index}]", f"{aggregate!r} is not an aggregate of the event catalog "
                                                      f"(known: {', '.join(sorted(known))})")  # fmt: skip
        if aggregate in aggregates[:index]:
            raise document.error(f"{field}[{index}]", f"{aggregate!r} is listed twice")
    return tuple(aggregates)


def _capability(document: _Document, name: str, raw: Any) -> Capability:
    field = f"capabilities.{name}"
    if not _NAME.match(name):
        raise document.error(field, "capability names are lower-case letters, digits, '-' and '_'")
    if not isinstance(raw, dict):
        raise document.error(field, "must be a mapping")
    known = {"description", "tables", "events", "publishes", "service", "readiness", "parity_threshold", "routes"}
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
        events=_events(document, document.get(raw, "events", field, list, []), f"{field}.events"),
        publishes=_events(document, document.get(raw, "publishes", field, list, []), f"{field}.publishes"),
        module=document.get(service, "module", f"{field}.service", str),
        port=_port(document, service, f"{field}.service"),
        routes=tuple(_route(document, route, f"{field}.routes[{index}]") for index, route in enumerate(routes)),
        parity_threshold=threshold,
        max_lag_events=int(document.get(readiness, "max_lag_events", f"{field}.readiness", int, 0)),
        readiness_timeout_s=float(document.get(readiness, "timeout_s", f"{field}.readiness", (int, float), 300)),
    )


def registry_path() -> Path:
    """``$STRANGLER_CAPABILITIES``, else the registry shipped in extracted/."""
    return Path(os.environ.get("STRANGLER_CAPABILITIES") or REGISTRY)


def load_registry(path: Path | None = None) -> dict[str, Capability]:
    """The registry at ``path``, else :func:`registry_path`."""
    document = _Document(path or registry_path())
    if not isinstance(document.data, dict):
        raise document.error("", "the registry must be a mapping with 'capabilities'")
    version = document.get(document.data, "version", "", int, 1)
    if version != 1:
        raise document.error("version", f"unsupported version {version} (this wp-strangler reads 1)")
    capabilities = document.get(document.data, "capabilities", "", dict)
    loaded = {name: _capability(document, name, raw) for name, raw in capabilities.items()}
    _check_ports(document, loaded)
    _check_publishers(document, loaded)
    seen: dict[str, str] = {}
    for capability in loaded.values():
        for route in capability.routes:
            if route.name in seen:
                raise document.error(
                    f"capabilities.{capability.name}.routes", f"route {route.name!r} is also in {seen[route.name]}"
                )
            seen[route.name] = capability.name
    return loaded


def publisher_of(registry: dict[str, Capability], aggregate: str) -> Capability | None:
    """The capability whose service publishes ``aggregate``'s domain events."""
    return next((capability for capability in registry.values() if aggregate in capability.publishes), None)


def _check_publishers(document: _Document, loaded: dict[str, Capability]) -> None:
    """Each aggregate has at most one publisher, and every consumed one has one."""
    owners: dict[str, str] = {}
    for capability in loaded.values():
        for aggregate in capability.publishes:
            if aggregate in owners:
                raise document.error(
                    f"capabilities.{capability.name}.publishes",
                    f"{aggregate!r} is also published by {owners[aggregate]}",
                )
            owners[aggregate] = capability.name
    for capability in loaded.values():
        for index, aggregate in enumerate(capability.events):
            if aggregate not in owners:
                raise document.error(
                    f"capabilities.{capability.name}.events[{index}]",
                    f"no capability publishes {aggregate!r} (add it to one's 'publishes')",
                )


def _check_ports(document: _Document, loaded: dict[str, Capability]) -> None:
    """Each service's port (number and name) is its own: no other capability's, none of the stack's."""
    from cli.stack.settings import FIXED_PORTS

    fixed_by_port = {port: name for name, port in FIXED_PORTS.items()}
    owners: dict[int, str] = {}
    names: dict[str, str] = {}
    for capability in loaded.values():
        field = f"capabilities.{capability.name}.service.port"
        if capability.port_name in FIXED_PORTS:
            raise document.error(
                f"capabilities.{capability.name}", f"the name is taken by the stack's {capability.port_name} port"
            )
        if capability.port_name in names:
            raise document.error(
                f"capabilities.{capability.name}", f"its port setting is also {names[capability.port_name]}'s"
            )
        if capability.port in fixed_by_port:
            raise document.error(field, f"{capability.port} is the stack's {fixed_by_port[capability.port]} port")
        if capability.port in owners:
            raise document.error(field, f"{capability.port} is also the port of {owners[capability.port]}")
        owners[capability.port] = names[capability.port_name] = capability.name
