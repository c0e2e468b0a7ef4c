"""The event catalog (``catalog.yaml`` beside this module): aggregates, event types, their schemas.

Plain data, validated whole at load: a mistake is a ``CatalogError`` naming the file, the line and
the field (``catalog.yaml:31: events.user.registered.schema: …``), and nothing half-read is used.
Beyond the shapes of the YAML, loading checks each schema it names: a valid draft 2020-12 schema,
for that very type, with ``data`` closed (``additionalProperties: false`` on every object in it),
and ``personal_data`` naming fields the schema really has.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import SchemaError
from jsonschema.protocols import Validator

from .errors import CatalogError, UnknownEventTypeError
from .topics import events_topic

__all__ = ["CATALOG", "Aggregate", "Catalog", "EventType", "default_catalog", "load_catalog"]

CATALOG = Path(__file__).resolve().parent / "catalog.yaml"
CATALOG_VERSION = 1
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

_AGGREGATE = re.compile(r"^[a-z][a-z0-9_]*$")
_EVENT_TYPE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")

FieldPath = tuple[str | int, ...]


def _strict_integer(checker: Any, instance: object) -> bool:
    return isinstance(instance, int) and not isinstance(instance, bool)


#: draft 2020-12, except that ``integer`` means a JSON integer: ``1.0`` would reach consumers as a float
StrictValidator: type[Validator] = validators.extend(  # type: ignore[no-untyped-call]  # untyped in the stubs
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _strict_integer),
)


@dataclass(frozen=True)
class Aggregate:
    name: str
    topic_suffix: str
    #: how the Kafka record key is made, in words (the rule itself is ``topics.kafka_key``)
    key: str
    #: the field of ``data`` whose value, as a string, is every event's subject (and key)
    subject_field: str
    description: str

    def topic(self, prefix: str) -> str:
        return events_topic(prefix, self.topic_suffix)


@dataclass(frozen=True)
class EventType:
    name: str
    aggregate: str
    description: str
    schema_path: Path
    schema: Mapping[str, Any] = field(repr=False, compare=False, hash=False)
    #: dotted paths inside ``data`` of the fields that are personal data
    personal_data: tuple[str, ...] = ()
    personal_data_reason: str = ""
    retention_advice: str = ""
    #: the schema, compiled once at load (see ``validation.validate``)
    validator: Validator = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "validator", StrictValidator(dict(self.schema)))


@dataclass(frozen=True)
class Catalog:
    source: Path
    version: int
    aggregates: Mapping[str, Aggregate]
    event_types: Mapping[str, EventType]

    def event_type(self, name: str) -> EventType:
        try:
            return self.event_types[name]
        except KeyError:
            raise UnknownEventTypeError(name, tuple(self.event_types)) from None

    def aggregate_of(self, event_type: str) -> Aggregate:
        return self.aggregates[self.event_type(event_type).aggregate]

    def topic_of(self, prefix: str, event_type: str) -> str:
        return self.aggregate_of(event_type).topic(prefix)

    def topics(self, prefix: str) -> list[str]:
        return [aggregate.topic(prefix) for aggregate in self.aggregates.values()]

    def types_of(self, aggregate: str) -> list[EventType]:
        return [event_type for event_type in self.event_types.values() if event_type.aggregate == aggregate]


class _MarkedYaml:
    """YAML composed into plain values, keeping each field's line so errors can point at it."""

    def __init__(self, source: Path) -> None:
        self.source = source
        self.lines: dict[FieldPath, int] = {}
        self._scalars = yaml.SafeLoader("")  # builds scalars from nodes with YAML's safe types
        try:
            node = yaml.compose(source.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
        except OSError as error:
            raise CatalogError(f"{source}: cannot read: {error}") from error
        except yaml.MarkedYAMLError as error:
            line = error.problem_mark.line + 1 if error.problem_mark else 1
            raise CatalogError(f"{source}:{line}: not valid YAML: {error.problem}") from error
        except yaml.YAMLError as error:
            raise CatalogError(f"{source}: not valid YAML: {error}") from error
        self.data: Any = self._plain(node, ()) if node is not None else None

    def _plain(self, node: yaml.Node, path: FieldPath, key_line: int | None = None) -> Any:
        # a field's line is its key's: a mapping or block text as value starts on the next line
        self.lines[path] = key_line or node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            mapping: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = key_node.value
                if not isinstance(key_node, yaml.ScalarNode) or not isinstance(key, str):
                    raise self.error(path, "keys must be plain strings")
                if key in mapping:
                    self.lines[(*path, key)] = key_node.start_mark.line + 1
                    raise self.error((*path, key), "appears twice")
                mapping[key] = self._plain(value_node, (*path, key), key_node.start_mark.line + 1)
            return mapping
        if isinstance(node, yaml.SequenceNode):
            return [self._plain(item, (*path, index)) for index, item in enumerate(node.value)]
        return self._scalars.construct_object(node, deep=True)

    def error(self, path: FieldPath, problem: str) -> CatalogError:
        line = next((self.lines[path[:end]] for end in range(len(path), -1, -1) if path[:end] in self.lines), 1)
        return CatalogError(f"{self.source}:{line}: {_dotted(path) or '(top level)'}: {problem}")

    def get(self, mapping: dict[str, Any], key: str, path: FieldPath, kind: type, default: Any = ...) -> Any:
        if key not in mapping:
            if default is ...:
                raise self.error(path, f"missing field {key!r}")
            return default
        value = mapping[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise self.error((*path, key), f"must be a {_kind_name(kind)}, not {_kind_name(type(value))}")
        if isinstance(value, str) and not value.strip():
            raise self.error((*path, key), "must not be empty")
        return value

    def mapping(self, value: Any, path: FieldPath, known: set[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.error(path, f"must be a mapping, not {_kind_name(type(value))}")
        for key in value:
            if key not in known:
                raise self.error((*path, key), f"unknown field (known: {', '.join(sorted(known))})")
        return value


def _dotted(path: FieldPath) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path).lstrip(".")


def _kind_name(kind: type) -> str:
    return {dict: "mapping", list: "list", str: "string", int: "integer", type(None): "null"}.get(kind, kind.__name__)


def _aggregate(document: _MarkedYaml, name: str, raw: Any) -> Aggregate:
    path: FieldPath = ("aggregates", name)
    if not _AGGREGATE.match(name):
        raise document.error(path, "aggregate names are lower-case letters, digits and '_'")
    raw = document.mapping(raw, path, {"topic_suffix", "key", "subject_field", "description"})
    suffix = document.get(raw, "topic_suffix", path, str)
    if not _AGGREGATE.match(suffix):
        raise document.error((*path, "topic_suffix"), f"{suffix!r}: lower-case letters, digits and '_' only")
    return Aggregate(
        name=name,
        topic_suffix=suffix,
        key=document.get(raw, "key", path, str),
        subject_field=document.get(raw, "subject_field", path, str),
        description=document.get(raw, "description", path, str),
    )


def _load_schema(document: _MarkedYaml, name: str, relative: str) -> tuple[Path, dict[str, Any]]:
    path: FieldPath = ("events", name, "schema")
    schema_path = (document.source.parent / relative).resolve()
    try:
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
    except OSError as error:
        raise document.error(path, f"cannot read {schema_path}: {error.strerror or error}") from error
    except ValueError as error:
        raise document.error(path, f"{schema_path} is not JSON: {error}") from error
    if not isinstance(schema, dict) or schema.get("$schema") != SCHEMA_DIALECT:
        raise document.error(path, f"{schema_path}: must be a JSON Schema object with $schema {SCHEMA_DIALECT}")
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as error:
        raise document.error(path, f"{schema_path} is not a valid JSON Schema: {error.message}") from error
    if schema.get("properties", {}).get("type") != {"const": name}:
        raise document.error(path, f"{schema_path} must fix the CloudEvent type: properties.type = {{const: {name}}}")
    data = schema.get("properties", {}).get("data")
    if not isinstance(data, dict) or "data" not in schema.get("required", []):
        raise document.error(path, f"{schema_path} must require a 'data' object")
    for where, subschema in _object_schemas(data, "properties.data"):
        if subschema.get("additionalProperties") is not False:
            raise document.error(path, f"{schema_path}: {where} must set additionalProperties: false")
    return schema_path, schema


def _object_schemas(schema: Mapping[str, Any], where: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every schema of type object inside ``schema`` (itself included), with where it is."""
    if schema.get("type") == "object":
        yield where, schema
    for name, subschema in schema.get("properties", {}).items():
        yield from _object_schemas(subschema, f"{where}.properties.{name}")
    if isinstance(schema.get("items"), dict):
        yield from _object_schemas(schema["items"], f"{where}.items")


def _data_field(schema: Mapping[str, Any], dotted: str) -> Mapping[str, Any] | None:
    """The subschema of ``data``'s field at ``dotted`` (``changed.email``), if the schema declares it."""
    current: Mapping[str, Any] = schema["properties"]["data"]
    for part in dotted.split("."):
        found = current.get("properties", {}).get(part)
        if not isinstance(found, dict):
            return None
        current = found
    return current


def _event_type(document: _MarkedYaml, name: str, raw: Any, aggregates: Mapping[str, Aggregate]) -> EventType:
    path: FieldPath = ("events", name)
    if not _EVENT_TYPE.match(name):
        raise document.error(path, "event types are dotted lower-case names, e.g. user.registered")
    known = {"aggregate", "schema", "description", "personal_data", "personal_data_reason", "retention_advice"}
    raw = document.mapping(raw, path, known)
    aggregate = document.get(raw, "aggregate", path, str)
    if aggregate not in aggregates:
        raise document.error((*path, "aggregate"), f"no aggregate {aggregate!r} (known: {', '.join(aggregates)})")
    schema_path, schema = _load_schema(document, name, document.get(raw, "schema", path, str))
    subject_field = aggregates[aggregate].subject_field
    if subject_field not in schema["properties"]["data"].get("required", []):
        raise document.error((*path, "schema"), f"{schema_path}: data must require {subject_field!r} (the subject)")
    personal = document.get(raw, "personal_data", path, list)
    for index, entry in enumerate(personal):
        if not isinstance(entry, str) or _data_field(schema, entry) is None:
            raise document.error((*path, "personal_data", index), f"{entry!r} is not a field of data in {schema_path}")
    reason = document.get(raw, "personal_data_reason", path, str, "")
    advice = document.get(raw, "retention_advice", path, str, "")
    if personal and not (reason and advice):
        raise document.error(path, "events with personal_data need personal_data_reason and retention_advice")
    return EventType(
        name=name,
        aggregate=aggregate,
        description=document.get(raw, "description", path, str),
        schema_path=schema_path,
        schema=schema,
        personal_data=tuple(personal),
        personal_data_reason=reason,
        retention_advice=advice,
    )


def load_catalog(path: Path | None = None) -> Catalog:
    """The catalog at ``path`` (default: the one shipped beside this module), validated whole."""
    document = _MarkedYaml((path or CATALOG).resolve())
    root = document.mapping(document.data, (), {"version", "aggregates", "events"})
    version = document.get(root, "version", (), int)
    if version != CATALOG_VERSION:
        raise document.error(("version",), f"unsupported version {version} (this package reads {CATALOG_VERSION})")
    raw_aggregates = document.get(root, "aggregates", (), dict)
    aggregates = {name: _aggregate(document, name, raw) for name, raw in raw_aggregates.items()}
    if not aggregates:
        raise document.error(("aggregates",), "must define at least one aggregate")
    raw_events = document.get(root, "events", (), dict)
    event_types = {name: _event_type(document, name, raw, aggregates) for name, raw in raw_events.items()}
    if not event_types:
        raise document.error(("events",), "must define at least one event type")
    return Catalog(source=document.source, version=version, aggregates=aggregates, event_types=event_types)


@functools.cache
def default_catalog() -> Catalog:
    """The shipped catalog, loaded once per process."""
    return load_catalog()
