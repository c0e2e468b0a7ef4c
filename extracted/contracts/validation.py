"""Checking events against the catalog's schemas: ``validate`` and ``parse_and_validate``.

Each type's schema is compiled once, when its catalog loads (``EventType.validator``; the shipped
catalog loads once per process). Beyond JSON Schema draft 2020-12, two rules: an ``integer`` is a
JSON integer, not ``1.0`` (plain JSON Schema accepts it and would hand consumers a float), and the
subject is ``str(data[<the aggregate's subject_field>])``, which a schema cannot express.
"""

from __future__ import annotations

from collections.abc import Iterable

from jsonschema.exceptions import ValidationError

from .catalog import Catalog, default_catalog
from .cloudevents import CloudEvent
from .errors import SchemaViolationError

__all__ = ["parse_and_validate", "validate"]

#: problems listed in one error message at most (the first is ``SchemaViolationError.path``)
MAX_PROBLEMS = 5


def _json_path(parts: Iterable[str | int]) -> str:
    return "$" + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in parts)


def _problems(error: ValidationError) -> list[tuple[str, str]]:
    """``(json_path, message)``; an unexpected property is named by its own path, not its object's."""
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        declared = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        return [
            (_json_path([*error.absolute_path, name]), "not allowed here (not in the contract)")
            for name in sorted(set(error.instance) - set(declared))
        ]
    return [(_json_path(error.absolute_path), error.message)]


def validate(event: CloudEvent, catalog: Catalog | None = None) -> None:
    """``SchemaViolationError`` (JSON paths and the type) unless ``event`` fits its type's schema;
    ``UnknownEventTypeError`` for a type the catalog lacks."""
    catalog = catalog or default_catalog()
    validator = catalog.event_type(event.type).validator
    errors = sorted(validator.iter_errors(event.to_dict()), key=lambda error: list(map(str, error.absolute_path)))
    problems = [problem for error in errors for problem in _problems(error)]
    if not problems:
        subject_field = catalog.aggregate_of(event.type).subject_field
        expected = str(event.data.get(subject_field))
        if event.subject != expected:
            problems.append(("$.subject", f"must be str(data.{subject_field}) = {expected!r}, not {event.subject!r}"))
    if problems:
        raise SchemaViolationError(event.type, event.id, tuple(problems[:MAX_PROBLEMS]))


def parse_and_validate(raw: bytes | bytearray | memoryview | str, catalog: Catalog | None = None) -> CloudEvent:
    """The event in ``raw``, checked envelope and data: ``MalformedEventError``, ``UnknownEventTypeError``
    or ``SchemaViolationError`` otherwise (all ``ContractError``)."""
    event = CloudEvent.from_json(raw)
    validate(event, catalog)
    return event
