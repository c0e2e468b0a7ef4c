"""Route table file: YAML -> validated RouteTable, with errors naming file, line and field.

The schema is documented in proxy/README.md ("Route table").
"""

from __future__ import annotations

import math
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from proxy.errors import RouteConfigError
from proxy.parity.paths import parse_pattern
from proxy.routing import compile_pattern
from proxy.types import SAFE_METHODS, CompareRules, Mode, QueryRule, RequestClass, Route, RouteTable, ShadowRules

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_ROUTE_FIELDS = frozenset(
    {
        "name",
        "paths",
        "methods",
        "service",
        "mode",
        "canary_percent",
        "priority",
        "timeout",
        "fallback",
        "shadow",
        "compare",
        "personal",
        "query",
    }
)
# what PHP registers as a plain name: '.', ' ' and '[' would be turned into '_' or an array
_ARGUMENT_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
_SHADOW_FIELDS = frozenset({"sample_percent", "methods", "forward_credentials", "noise_sample_percent", "dry_run"})
_COMPARE_FIELDS = frozenset({"headers", "ignore", "masks"})
_TOP_FIELDS = frozenset({"version", "canary_cookie", "services", "routes"})


def _json_path_problem(pattern: str) -> str | None:
    """An ignore pattern that does not parse would raise inside every comparison that differs, and
    those comparisons would be dropped: parity would look better than it is. Refuse it at load."""
    try:
        parse_pattern(pattern)
    except ValueError as error:
        return str(error)
    return None


def _line_map(node: yaml.Node, path: str, lines: dict[str, int]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = f"{path}.{key.value}" if path else str(key.value)
            lines[child] = key.start_mark.line + 1
            _line_map(value, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _line_map(item, f"{path}[{index}]", lines)


class _Checker:
    def __init__(self, source: str, lines: dict[str, int]) -> None:
        self.source, self.lines = source, lines

    def fail(self, field: str, message: str) -> RouteConfigError:
        line = self.lines.get(field)
        parent = field
        while line is None and parent:
            parent = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", parent) if re.search(r"[.\[]", parent) else ""
            line = self.lines.get(parent)
        return RouteConfigError(self.source, line, field or "(document)", message)

    def mapping(self, value: Any, field: str, allowed: frozenset[str]) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(field, "must be a mapping")
        for key in value:
            if key not in allowed:
                raise self.fail(
                    f"{field}.{key}" if field else str(key),
                    f"unknown field (allowed: {', '.join(sorted(allowed))})",
                )
        return value

    def number(self, value: Any, field: str, low: float, high: float = math.inf) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
            raise self.fail(field, f"must be a number between {low} and {high}")
        return float(value)

    def boolean(self, value: Any, field: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(field, "must be true or false")
        return value

    def strings(self, value: Any, field: str, check: Callable[[str], str | None] | None = None) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(field, "must be a list of strings")
        for index, item in enumerate(value):
            problem = check(item) if check else None
            if problem:
                raise self.fail(f"{field}[{index}]", problem)
        return value

    def methods(self, value: Any, field: str) -> frozenset[str]:
        def check(item: str) -> str | None:
            return None if item.upper() in _METHODS else f"unknown method {item!r}"

        return frozenset(m.upper() for m in self.strings(value, field, check))

    def request_classes(self, value: Any, field: str) -> frozenset[RequestClass]:
        known = ", ".join(c.value for c in RequestClass)

        def check(item: str) -> str | None:
            return None if item in RequestClass._value2member_map_ else f"unknown request class {item!r} ({known})"

        return frozenset(RequestClass(c) for c in self.strings(value, field, check))


def _regex_problem(pattern: str) -> str | None:
    try:
        re.compile(pattern)
    except re.error as error:
        return f"not a regular expression: {error}"
    return None


def _masks(check: _Checker, raw: Any, field: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``compare.masks``: header name → regular expressions masked in both answers' values."""
    if not isinstance(raw, dict):
        raise check.fail(field, "must be a mapping of header names to lists of regular expressions")
    return tuple(
        (str(name).lower(), tuple(check.strings(patterns, f"{field}.{name}", _regex_problem)))
        for name, patterns in raw.items()
    )


def _shadow_rules(check: _Checker, raw: Any, field: str) -> ShadowRules:
    shadow = check.mapping(raw, field, _SHADOW_FIELDS)
    methods = check.methods(shadow.get("methods", sorted(SAFE_METHODS)), f"{field}.methods")
    dry_run = check.boolean(shadow.get("dry_run", False), f"{field}.dry_run")
    unsafe = sorted(methods - SAFE_METHODS)
    if unsafe and not dry_run:
        # a shadow copy of a write would do it twice: once at WordPress, once at the service
        raise check.fail(
            f"{field}.methods",
            f"shadows unsafe method(s) {', '.join(unsafe)}: only a service with a dry-run contract may get "
            "copies of writes (set dry_run: true once it answers X-Strangler-Dry-Run: 1 without acting)",
        )
    return ShadowRules(
        sample_percent=check.number(shadow.get("sample_percent", 100), f"{field}.sample_percent", 0, 100),
        methods=methods,
        forward_credentials=check.boolean(shadow.get("forward_credentials", False), f"{field}.forward_credentials"),
        noise_sample_percent=check.number(
            shadow.get("noise_sample_percent", 10), f"{field}.noise_sample_percent", 0, 100
        ),
        dry_run=dry_run,
    )


def _query_rule(check: _Checker, raw: Any, field: str) -> QueryRule:
    """``query: {action: register, key: null}``: exact string values; null = the argument must be absent.
    An empty ``query:`` is refused, not read as "any arguments": that would route every action."""
    if not isinstance(raw, dict):
        raise check.fail(field, "must map argument names to values, e.g. {action: register}")
    if not raw:
        raise check.fail(field, "must name at least one argument (leave query out to match any arguments)")
    rule: list[tuple[str, str | None]] = []
    for name, value in raw.items():
        if not isinstance(name, str) or not _ARGUMENT_NAME.match(name):
            raise check.fail(
                f"{field}.{name}",
                "argument names are letters, digits, '_' and '-' (PHP reads '.', ' ' as '_' and '[' as an array)",
            )
        if value is not None and not isinstance(value, str):
            raise check.fail(
                f"{field}.{name}", "must be a string (quote numbers and booleans: '2'), or null for 'absent'"
            )
        rule.append((name, value))
    return tuple(sorted(rule))


def _pattern_problem(pattern: str) -> str | None:
    if not pattern.startswith("/"):
        return "path patterns start with '/'"
    try:
        compile_pattern(pattern)
    except ValueError as exc:
        return str(exc)
    return None


def _route(check: _Checker, raw: Any, field: str, services: dict[str, str]) -> Route:
    data = check.mapping(raw, field, _ROUTE_FIELDS)
    for required in ("name", "paths", "service"):
        if required not in data:
            raise check.fail(field, f"missing required field {required!r}")
    name = data["name"]
    if not isinstance(name, str) or not _NAME.match(name):
        raise check.fail(f"{field}.name", "must be a name of letters, digits, '_', '.', '-'")
    if data["service"] not in services:
        raise check.fail(f"{field}.service", f"unknown service {data['service']!r} (not in services:)")
    paths = check.strings(data["paths"], f"{field}.paths", _pattern_problem)
    if not paths:
        raise check.fail(f"{field}.paths", "must list at least one path pattern")
    try:
        mode = Mode(data.get("mode", "legacy"))
    except ValueError:
        raise check.fail(f"{field}.mode", "must be one of legacy, shadow, canary, cutover") from None
    priority = data.get("priority", 0)
    if isinstance(priority, bool) or not isinstance(priority, int):
        raise check.fail(f"{field}.priority", "must be an integer")
    compare = check.mapping(data.get("compare"), f"{field}.compare", _COMPARE_FIELDS)
    cf = f"{field}.compare"
    return Route(
        name=name,
        paths=tuple(paths),
        service=data["service"],
        service_url=services[data["service"]],
        methods=check.methods(data.get("methods", ["GET", "HEAD"]), f"{field}.methods"),
        mode=mode,
        canary_percent=check.number(data.get("canary_percent", 0), f"{field}.canary_percent", 0, 100),
        priority=priority,
        timeout=check.number(data.get("timeout", 5.0), f"{field}.timeout", 0.001, 3600),
        fallback=check.boolean(data.get("fallback", True), f"{field}.fallback"),
        shadow=_shadow_rules(check, data.get("shadow"), f"{field}.shadow"),
        compare=CompareRules(
            headers=tuple(h.lower() for h in check.strings(compare.get("headers", ["content-type"]), f"{cf}.headers")),
            ignore=tuple(check.strings(compare.get("ignore", []), f"{cf}.ignore", _json_path_problem)),
            masks=_masks(check, compare.get("masks", {}), f"{cf}.masks"),
        ),
        personal=check.request_classes(data.get("personal", []), f"{field}.personal"),
        query=_query_rule(check, data["query"], f"{field}.query") if "query" in data else (),
        line=check.lines.get(field),
    )


def table_from_data(data: Any, source: str, lines: dict[str, int] | None = None) -> RouteTable:
    """Validates plain data (parsed YAML or JSON from the admin API) into a RouteTable."""
    check = _Checker(source, lines or {})
    top = check.mapping(data, "", _TOP_FIELDS)
    if top.get("version", 1) != 1:
        raise check.fail("version", "only version 1 is supported")
    cookie = top.get("canary_cookie", "strangler_visitor")
    if not isinstance(cookie, str) or not _NAME.match(cookie):
        raise check.fail("canary_cookie", "must be a cookie name")
    services_raw = top.get("services") or {}
    if not isinstance(services_raw, dict):
        raise check.fail("services", "must map service names to base URLs")
    services: dict[str, str] = {}
    for name, url in services_raw.items():
        if not isinstance(url, str) or not re.match(r"^https?://[^/\s]+(/\S*)?$", url):
            raise check.fail(f"services.{name}", "must be an http:// or https:// base URL")
        services[str(name)] = url.rstrip("/")
    routes_raw = top.get("routes") or []
    if not isinstance(routes_raw, list):
        raise check.fail("routes", "must be a list of routes")
    routes = [_route(check, raw, f"routes[{i}]", services) for i, raw in enumerate(routes_raw)]
    seen: set[str] = set()
    for index, route in enumerate(routes):
        if route.name in seen:
            raise check.fail(f"routes[{index}].name", f"duplicate route name {route.name!r}")
        seen.add(route.name)
    return RouteTable(tuple(routes), tuple(services.items()), cookie, source)


def parse_table(text: str, source: str) -> RouteTable:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RouteConfigError(source, mark.line + 1 if mark else None, "(syntax)", str(exc)) from exc
    if node is None:
        return RouteTable(source=source)
    lines: dict[str, int] = {}
    _line_map(node, "", lines)
    data = yaml.SafeLoader("").construct_document(node)
    return table_from_data(data, source, lines)


def load_table(path: Path) -> RouteTable:
    """The table in `path`; a missing file is an empty table (everything goes to WordPress)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return RouteTable(source=str(path))
    except OSError as exc:
        raise RouteConfigError(str(path), None, "(file)", f"cannot read: {exc}") from exc
    return parse_table(text, str(path))


def table_to_data(table: RouteTable) -> dict[str, Any]:
    defaults = Route(name="x", paths=("/",), service="x", service_url="x")
    routes: list[dict[str, Any]] = []
    for r in table.routes:
        item: dict[str, Any] = {
            "name": r.name,
            "paths": list(r.paths),
            "methods": sorted(r.methods),
            "service": r.service,
            "mode": r.mode.value,
        }
        if r.query:
            item["query"] = dict(r.query)
        for key in ("canary_percent", "priority", "timeout", "fallback"):
            if getattr(r, key) != getattr(defaults, key) or (key == "canary_percent" and r.mode is Mode.CANARY):
                item[key] = getattr(r, key)
        item["shadow"] = {
            "sample_percent": r.shadow.sample_percent,
            "methods": sorted(r.shadow.methods),
            "forward_credentials": r.shadow.forward_credentials,
            "noise_sample_percent": r.shadow.noise_sample_percent,
            "dry_run": r.shadow.dry_run,
        }
        if r.personal:
            item["personal"] = sorted(c.value for c in r.personal)
        item["compare"] = {"headers": list(r.compare.headers), "ignore": list(r.compare.ignore)}
        if r.compare.masks:
            item["compare"]["masks"] = {name: list(patterns) for name, patterns in r.compare.masks}
        routes.append(item)
    return {
        "version": 1,
        "canary_cookie": table.canary_cookie,
        "services": dict(table.services),
        "routes": routes,
    }


def write_table(path: Path, table: RouteTable) -> None:
    """Atomically replaces the file (rename), so watchers never see a half-written table."""
    text = "# Written by the proxy admin API; hand edits are welcome (schema: proxy/README.md).\n"
    text += yaml.safe_dump(table_to_data(table), sort_keys=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".routes.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)
