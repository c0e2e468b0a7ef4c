"""CloudEvents 1.0 in structured JSON mode: the envelope every domain event travels in.

Serialization is deterministic: ``to_json`` writes UTF-8 JSON with sorted keys, no whitespace and
non-ASCII characters as themselves (not ``\\u`` escapes). Two equal events are the same bytes, so an
event re-derived from the same source change (same ``deterministic_id``, same time, same data) is
byte-identical to the first one and consumers or log compaction can treat it as a duplicate.

The envelope is closed: exactly the attributes below, no CloudEvents extension attributes (adding
one is a contract change, made in the schemas first). Parsing checks the envelope only; whether
``data`` fits the event type is ``validation``'s job.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .errors import MalformedEventError

__all__ = [
    "CONTENT_TYPE",
    "EVENT_ID_NAMESPACE",
    "SPECVERSION",
    "CloudEvent",
    "deterministic_id",
    "format_time",
    "new_event",
]

SPECVERSION = "1.0"
CONTENT_TYPE = "application/json"

#: uuid5 namespace of event ids. Never change it: ids derived before and after must stay equal.
EVENT_ID_NAMESPACE = uuid.UUID("6f1c3a52-2b7e-5d0c-9a41-7e0b52c8d913")

#: RFC 3339 in UTC with a ``Z``; ASCII digits only (Python's ``\d`` would accept other scripts' digits).
_TIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?Z$")
_ATTRIBUTES = ("specversion", "id", "source", "type", "subject", "time", "datacontenttype", "data")


def format_time(moment: datetime) -> str:
    """``moment`` as the events write time: UTC, millisecond precision, ``Z`` (``2026-12-07T06:24:18.123Z``)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise MalformedEventError(f"event times must be timezone-aware, got the naive datetime {moment.isoformat()}")
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _check_time(value: str, attribute: str) -> None:
    if not _TIME.match(value):
        raise MalformedEventError(f"{attribute} {value!r} is not an RFC 3339 UTC time ending in 'Z'")
    try:
        datetime.strptime(value[:19], "%Y-%m-%dT%H:%M:%S")
    except ValueError as error:
        raise MalformedEventError(f"{attribute} {value!r} is not a real date and time: {error}") from error


@dataclass(frozen=True)
class CloudEvent:
    """One domain event. Constructing it checks the envelope (``MalformedEventError`` if wrong)."""

    id: str
    source: str
    type: str
    subject: str
    time: str
    data: dict[str, Any] = field(hash=False)
    specversion: str = SPECVERSION
    datacontenttype: str = CONTENT_TYPE

    def __post_init__(self) -> None:
        for attribute in ("id", "source", "type", "subject", "time", "specversion", "datacontenttype"):
            value = getattr(self, attribute)
            if not isinstance(value, str) or not value:
                raise MalformedEventError(f"attribute {attribute!r} must be a non-empty string, got {value!r}")
        if self.specversion != SPECVERSION:
            raise MalformedEventError(f"specversion {self.specversion!r} is not supported (only {SPECVERSION!r})")
        if self.datacontenttype != CONTENT_TYPE:
            raise MalformedEventError(f"datacontenttype must be {CONTENT_TYPE!r}, got {self.datacontenttype!r}")
        _check_time(self.time, "time")
        if not isinstance(self.data, dict):
            raise MalformedEventError(f"data must be a JSON object, got {type(self.data).__name__}")

    def to_dict(self) -> dict[str, Any]:
        return {attribute: getattr(self, attribute) for attribute in _ATTRIBUTES}

    def to_json(self) -> bytes:
        """Structured-mode JSON: compact, keys sorted, UTF-8; the same event always gives the same bytes."""
        try:
            text = json.dumps(
                self.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
            )
        except (TypeError, ValueError) as error:
            raise MalformedEventError(f"{self.type} event {self.id!r}: data is not plain JSON: {error}") from error
        return text.encode("utf-8")

    @classmethod
    def from_json(cls, raw: bytes | bytearray | memoryview | str) -> CloudEvent:
        """The event in ``raw`` (structured-mode JSON); ``MalformedEventError`` says what is wrong."""
        try:
            text = raw if isinstance(raw, str) else bytes(raw).decode("utf-8")
            document = json.loads(text, object_pairs_hook=_refuse_duplicate_keys, parse_constant=_refuse_constant)
        except UnicodeDecodeError as error:
            raise MalformedEventError(f"not UTF-8: {error}") from error
        except json.JSONDecodeError as error:
            raise MalformedEventError(f"not JSON: {error}") from error
        if not isinstance(document, dict):
            raise MalformedEventError(f"a CloudEvent is a JSON object, got {type(document).__name__}")
        missing = [attribute for attribute in _ATTRIBUTES if attribute not in document]
        if missing:
            raise MalformedEventError(f"missing CloudEvent attribute(s): {', '.join(missing)}")
        unknown = sorted(set(document) - set(_ATTRIBUTES))
        if unknown:
            raise MalformedEventError(f"attribute(s) not in the contract: {', '.join(unknown)}")
        return cls(**document)


def _refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise MalformedEventError(f"key {key!r} appears twice in one object")
        seen.add(key)
    return dict(pairs)


def _refuse_constant(name: str) -> Any:
    raise MalformedEventError(f"{name} is not JSON")


def deterministic_id(*parts: str) -> str:
    """A uuid5 of ``parts``: the same source change always gives the same event id, so consumers can dedupe.

    Producers pass what identifies the change, e.g. ``("wordpress.wp_users", "gtid 0-1-42", "7", "user.registered")``.
    The parts are joined unambiguously (as a JSON array), so ``("a.b", "c")`` and ``("a", "b.c")`` differ.
    """
    if not parts:
        raise ValueError("deterministic_id needs at least one part")
    if not all(isinstance(part, str) for part in parts):
        raise TypeError(f"deterministic_id takes strings, got {[type(part).__name__ for part in parts]}")
    name = json.dumps(list(parts), ensure_ascii=False, separators=(",", ":"))
    return str(uuid.uuid5(EVENT_ID_NAMESPACE, name))


def new_event(
    type: str,  # the CloudEvents attribute's name
    subject: str,
    data: dict[str, Any],
    *,
    source: str,
    id: str | None = None,  # the CloudEvents attribute's name
    time: datetime | str | None = None,
) -> CloudEvent:
    """A new event; ``id`` defaults to a random UUID (pass ``deterministic_id(...)`` when derived from a
    change), ``time`` to now. It is not validated against its schema here: see ``validation.validate``."""
    if time is None:
        time = datetime.now(UTC)
    return CloudEvent(
        id=id if id is not None else str(uuid.uuid4()),
        source=source,
        type=type,
        subject=subject,
        time=format_time(time) if isinstance(time, datetime) else time,
        data=data,
    )
