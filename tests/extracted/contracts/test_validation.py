"""Every event type's JSON Schema: what it accepts, what it refuses, and how refusals read."""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Iterator
from typing import Any

import pytest
from contract_examples import EXAMPLE_DATA, FORBIDDEN_FIELDS, example_data, example_event

from extracted.contracts import (
    ContractError,
    MalformedEventError,
    SchemaViolationError,
    UnknownEventTypeError,
    default_catalog,
    parse_and_validate,
    validate,
)

TYPES = sorted(EXAMPLE_DATA)


def test_the_examples_cover_the_catalog() -> None:
    assert set(TYPES) == set(default_catalog().event_types)


@pytest.mark.parametrize("event_type", TYPES)
def test_valid_examples_pass(event_type: str) -> None:
    event = example_event(event_type)
    validate(event)
    assert parse_and_validate(event.to_json()) == event


def _object_paths(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every object inside ``data`` (``data`` itself included), as a key path."""
    if isinstance(value, dict):
        yield path
        for key, child in value.items():
            yield from _object_paths(child, (*path, key))


@pytest.mark.parametrize("forbidden", FORBIDDEN_FIELDS)
@pytest.mark.parametrize("event_type", TYPES)
def test_secrets_are_refused_anywhere_in_data(event_type: str, forbidden: str) -> None:
    for where in _object_paths(EXAMPLE_DATA[event_type]):
        data = example_data(event_type)
        target = data
        for key in where:
            target = target[key]
        target[forbidden] = "$P$Bsecret"
        with pytest.raises(SchemaViolationError) as caught:
            validate(example_event(event_type, data=data))
        expected_path = "$.data." + "".join(f"{key}." for key in where) + forbidden
        assert caught.value.path == expected_path
        assert caught.value.event_type == event_type
        assert expected_path in str(caught.value) and event_type in str(caught.value)


def _declared_properties(schema: Any) -> Iterator[str]:
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "properties" and isinstance(value, dict):
                yield from value
            yield from _declared_properties(value)
    elif isinstance(schema, list):
        for item in schema:
            yield from _declared_properties(item)


def test_no_schema_declares_a_secret() -> None:
    for event_type in default_catalog().event_types.values():
        declared = set(_declared_properties(event_type.schema))
        assert not declared & set(FORBIDDEN_FIELDS), event_type.name


def _with(event_type: str, path: str, value: Any) -> dict[str, Any]:
    data = example_data(event_type)
    *parents, last = path.split(".")
    target = data
    for key in parents:
        target = target[key]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return data


@pytest.mark.parametrize(
    ("event_type", "path", "value", "json_path", "message"),
    [
        ("user.registered", "email", ..., "$.data", "'email' is a required property"),
        ("user.registered", "id", 7.0, "$.data.id", "7.0 is not of type 'integer'"),
        ("user.registered", "id", True, "$.data.id", "True is not of type 'integer'"),
        ("user.registered", "id", 0, "$.data.id", "0 is less than the minimum of 1"),
        ("user.registered", "roles", "author", "$.data.roles", "'author' is not of type 'array'"),
        ("user.registered", "roles", ["author", "author"], "$.data.roles", "has non-unique elements"),
        ("user.registered", "registered", "2024-02-29 23:59:59", "$.data.registered", "does not match"),
        ("user.registered", "login", "", "$.data.login", "should be non-empty"),
        ("user.profile_updated", "changed", {}, "$.data.changed", "should be non-empty"),
        ("user.profile_updated", "changed.login", "renamed", "$.data.changed.login", "not allowed here"),
        ("user.profile_updated", "changed.roles", ["editor"], "$.data.changed.roles", "not allowed here"),
        ("user.profile_updated", "changed.email", None, "$.data.changed.email", "None is not of type 'string'"),
        ("user.role_changed", "previous_roles", ..., "$.data", "'previous_roles' is a required property"),
        ("user.deleted", "login", "zoe", "$.data.login", "not allowed here"),
        ("comment.posted", "status", "1", "$.data.status", "is not one of"),
        ("comment.posted", "date", "2026-12-07 08:24:18", "$.data.date", "does not match"),
        ("comment.posted", "author_ip", ..., "$.data", "'author_ip' is a required property"),
        ("comment.updated", "changed", {}, "$.data.changed", "should be non-empty"),
        ("comment.updated", "changed.status", "spam", "$.data.changed.status", "not allowed here"),
        ("comment.status_changed", "status", "unapproved", "$.data.status", "is not one of"),
    ],
)
def test_schema_violations_name_the_json_path(
    event_type: str, path: str, value: Any, json_path: str, message: str
) -> None:
    with pytest.raises(SchemaViolationError) as caught:
        validate(example_event(event_type, data=_with(event_type, path, value)))
    assert caught.value.path == json_path
    assert message in caught.value.problems[0][1]


def test_an_empty_email_and_url_are_valid() -> None:
    validate(example_event("user.registered", data=_with("user.registered", "email", "")))
    validate(example_event("user.profile_updated", data={"id": 7, "changed": {"email": "", "url": ""}}))


def test_the_subject_is_the_user_id() -> None:
    with pytest.raises(SchemaViolationError) as caught:
        validate(example_event("user.deleted", subject="8"))
    assert caught.value.path == "$.subject"
    assert "str(data.id) = '7'" in str(caught.value)
    with pytest.raises(SchemaViolationError) as caught:
        validate(example_event("user.deleted", data={"id": 7}, subject="07"))
    assert caught.value.path == "$.subject"


def test_the_envelope_is_validated_too() -> None:
    document = json.loads(example_event("user.deleted").to_json())
    document["type"] = "user.registered"  # a user.registered envelope around user.deleted data
    with pytest.raises(SchemaViolationError) as caught:
        parse_and_validate(json.dumps(document).encode())
    assert caught.value.path == "$.data"


def test_unknown_types_and_malformed_bytes() -> None:
    with pytest.raises(UnknownEventTypeError, match=r"unknown event type 'user\.renamed' \(known: user\.registered"):
        validate(dataclasses.replace(example_event("user.deleted"), type="user.renamed"))
    with pytest.raises(MalformedEventError):
        parse_and_validate(b"not json")
    for error in (UnknownEventTypeError, MalformedEventError, SchemaViolationError):
        assert issubclass(error, ContractError)


def test_several_problems_are_listed_and_the_event_is_untouched() -> None:
    data = {"id": "7", "roles": "x", "previous_roles": [], "extra": 1}
    event = example_event("user.role_changed", data=copy.deepcopy(data))
    with pytest.raises(SchemaViolationError) as caught:
        validate(event)
    paths = [path for path, _ in caught.value.problems]
    assert paths == ["$.data.extra", "$.data.id", "$.data.roles"]
    assert event.data == data
