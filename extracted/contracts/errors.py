"""The one family of errors the contracts raise, so a consumer can catch ``ContractError`` alone."""

from __future__ import annotations

__all__ = [
    "CatalogError",
    "ContractError",
    "MalformedEventError",
    "SchemaViolationError",
    "UnknownEventTypeError",
]


class ContractError(ValueError):
    """An event, or the catalog describing events, breaks the contract; the message says how."""


class MalformedEventError(ContractError):
    """Not a CloudEvent at all: not UTF-8 JSON, not an object, or an envelope attribute is missing or mistyped."""


class UnknownEventTypeError(ContractError):
    """A CloudEvent whose ``type`` the catalog does not define."""

    def __init__(self, event_type: str, known: tuple[str, ...]) -> None:
        super().__init__(f"unknown event type {event_type!r} (known: {', '.join(known) or 'none'})")
        self.event_type = event_type


class SchemaViolationError(ContractError):
    """A CloudEvent of a known type that its JSON Schema refuses; ``problems`` are ``(json_path, message)``."""

    def __init__(self, event_type: str, event_id: str, problems: tuple[tuple[str, str], ...]) -> None:
        listed = "; ".join(f"{path}: {message}" for path, message in problems)
        super().__init__(f"{event_type} event {event_id!r} violates its schema: {listed}")
        self.event_type = event_type
        self.event_id = event_id
        self.problems = problems

    @property
    def path(self) -> str:
        """The JSON path of the first problem, e.g. ``$.data.changed.email``."""
        return self.problems[0][0]


class CatalogError(ContractError):
    """``catalog.yaml`` (or a schema it names) is invalid; the message is ``file:line: field: problem``."""
