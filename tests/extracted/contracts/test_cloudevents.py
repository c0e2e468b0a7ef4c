"""The CloudEvents envelope: deterministic JSON, strict parsing, ids derived from the source change."""

from __future__ import annotations

import ast
import json
import sys
import uuid
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from contract_examples import TIME, example_event

from extracted.contracts import (
    CloudEvent,
    ContractError,
    MalformedEventError,
    deterministic_id,
    format_time,
    new_event,
)

PACKAGE = Path(__file__).resolve().parents[3] / "extracted" / "contracts"


def test_to_json_is_compact_sorted_utf8_and_round_trips() -> None:
    event = example_event("user.registered")
    raw = event.to_json()
    text = raw.decode("utf-8")
    assert "Zoë Ångström" in text  # non-ASCII as itself, not \u escapes
    assert ": " not in text and ", " not in text
    assert list(json.loads(raw)) == sorted(json.loads(raw))
    assert text.startswith('{"data":{"description":')
    assert CloudEvent.from_json(raw) == event
    assert CloudEvent.from_json(text) == event


def test_the_same_event_is_always_the_same_bytes() -> None:
    first = example_event("user.profile_updated")
    data = {"changed": {"display_name": "Zoë Å.", "email": "zoe@example.test"}, "id": 7}  # other key order
    again = example_event("user.profile_updated", data=data)
    assert again.to_json() == first.to_json()


def test_envelope_attributes() -> None:
    event = example_event("user.deleted")
    assert json.loads(event.to_json()) == {
        "specversion": "1.0",
        "id": deterministic_id("tests", "user.deleted", "7"),
        "source": "/wp-strangler/tests",
        "type": "user.deleted",
        "subject": "7",
        "time": TIME,
        "datacontenttype": "application/json",
        "data": {"id": 7},
    }


def _envelope(**changes: object) -> bytes:
    document = json.loads(example_event("user.deleted").to_json())
    for key, value in changes.items():
        if value is ...:
            del document[key]
        else:
            document[key] = value
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\xff\xfe{}", "not UTF-8"),
        (b'{"id": ', "not JSON"),
        (b"[1, 2]", "a CloudEvent is a JSON object, got list"),
        (_envelope(subject=...), "missing CloudEvent attribute(s): subject"),
        (_envelope(traceparent="00-abc"), "attribute(s) not in the contract: traceparent"),
        (_envelope(specversion="0.3"), "specversion '0.3' is not supported"),
        (_envelope(datacontenttype="text/plain"), "datacontenttype must be 'application/json'"),
        (_envelope(id=""), "attribute 'id' must be a non-empty string"),
        (_envelope(subject=7), "attribute 'subject' must be a non-empty string, got 7"),
        (_envelope(time="2026-12-07T06:24:18+01:00"), "is not an RFC 3339 UTC time ending in 'Z'"),
        (_envelope(time="2026-12-07 06:24:18Z"), "is not an RFC 3339 UTC time"),
        (_envelope(time="2026-02-30T06:24:18Z"), "is not a real date and time"),
        (_envelope(time="２026-12-07T06:24:18Z"), "is not an RFC 3339 UTC time"),  # full-width digit
        (_envelope(data=[1]), "data must be a JSON object, got list"),
        (b'{"id": "a", "id": "b"}', "key 'id' appears twice in one object"),
        (_envelope(data={"id": float("nan")}), "NaN is not JSON"),
    ],
)
def test_from_json_refuses_what_is_not_a_contract_cloudevent(raw: bytes, message: str) -> None:
    with pytest.raises(MalformedEventError) as caught:
        CloudEvent.from_json(raw)
    assert message in str(caught.value)
    assert isinstance(caught.value, ContractError) and isinstance(caught.value, ValueError)


def test_to_json_refuses_data_that_is_not_plain_json() -> None:
    with pytest.raises(MalformedEventError, match="data is not plain JSON"):
        new_event("user.deleted", "7", {"id": 7, "when": datetime.now(UTC)}, source="s").to_json()
    with pytest.raises(MalformedEventError, match="data is not plain JSON"):
        new_event("user.deleted", "7", {"id": float("inf")}, source="s").to_json()


def test_format_time_is_utc_milliseconds_with_z() -> None:
    moment = datetime(2026, 12, 7, 7, 24, 18, 123999, tzinfo=timezone(timedelta(hours=1)))
    assert format_time(moment) == "2026-12-07T06:24:18.123Z"
    with pytest.raises(MalformedEventError, match="timezone-aware"):
        format_time(datetime(2026, 12, 7, 6, 24, 18))


def test_new_event_defaults_a_random_id_and_now() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    first = new_event("user.deleted", "7", {"id": 7}, source="s")
    second = new_event("user.deleted", "7", {"id": 7}, source="s")
    assert first.id != second.id
    assert uuid.UUID(first.id).version == 4
    assert datetime.fromisoformat(first.time.replace("Z", "+00:00")) >= before
    assert first.time.endswith("Z") and len(first.time) == len("2026-12-07T06:24:18.123Z")


def test_new_event_takes_an_aware_datetime_or_a_formatted_time() -> None:
    moment = datetime(2026, 12, 7, 6, 24, 18, 123000, tzinfo=UTC)
    assert new_event("user.deleted", "7", {"id": 7}, source="s", time=moment).time == TIME
    assert new_event("user.deleted", "7", {"id": 7}, source="s", time=TIME).time == TIME
    with pytest.raises(MalformedEventError):
        new_event("user.deleted", "7", {"id": 7}, source="s", time="yesterday")


def test_deterministic_id_is_stable_across_versions_and_unambiguous() -> None:
    # Pinned: a change of namespace or joining would give re-derived events new ids and break dedupe.
    assert deterministic_id("wordpress.wp_users", "0-1-42", "7") == "74a93b7c-1444-54c1-ae6a-05268669f60e"
    by_hand = uuid.uuid5(uuid.UUID("6f1c3a52-2b7e-5d0c-9a41-7e0b52c8d913"), '["wordpress.wp_users","0-1-42","7"]')
    assert deterministic_id("wordpress.wp_users", "0-1-42", "7") == str(by_hand)  # uuid5 over the JSON array
    assert deterministic_id("a.b", "c") != deterministic_id("a", "b.c")
    assert deterministic_id("ab") != deterministic_id("a", "b")
    assert uuid.UUID(deterministic_id("x")).version == 5
    with pytest.raises(ValueError, match="at least one part"):
        deterministic_id()
    with pytest.raises(TypeError):
        deterministic_id("a", 7)  # type: ignore[arg-type]


def test_events_are_immutable() -> None:
    event = example_event("user.deleted")
    with pytest.raises(AttributeError):
        event.subject = "8"  # type: ignore[misc]


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_the_package_imports_only_the_standard_library_jsonschema_and_yaml() -> None:
    allowed = set(sys.stdlib_module_names) | {"jsonschema", "yaml"}
    for module in sorted(PACKAGE.glob("*.py")):
        outside = _imported_modules(module) - allowed
        assert not outside, f"{module.name} imports {sorted(outside)}: the contracts must stay importable alone"
