"""The event catalog: the shipped one, and every kind of mistake reported as file:line: field."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from extracted.contracts import CatalogError, UnknownEventTypeError, default_catalog, load_catalog
from extracted.contracts.catalog import CATALOG

SCHEMAS = CATALOG.parent / "schemas"

GOOD = """\
version: 1
aggregates:
  users:
    topic_suffix: users
    key: the user ID
    subject_field: id
    description: user accounts
events:
  user.deleted:
    aggregate: users
    schema: schemas/user.deleted.schema.json
    description: gone
    personal_data: []
  user.registered:
    aggregate: users
    schema: schemas/user.registered.schema.json
    description: created
    personal_data: [email]
    personal_data_reason: avatars
    retention_advice: compact and erase
"""


def test_the_shipped_catalog() -> None:
    catalog = default_catalog()
    assert list(catalog.aggregates) == ["users", "comments", "posts"]
    assert list(catalog.event_types) == [
        "user.registered", "user.profile_updated", "user.role_changed", "user.deleted",
        "comment.posted", "comment.approved", "comment.status_changed", "comment.updated", "comment.deleted",
        "post.published", "post.updated", "post.unpublished", "post.deleted",
    ]  # fmt: skip
    assert catalog.topic_of("wordpress", "user.role_changed") == "wordpress.events.users"
    assert catalog.topic_of("wordpress", "comment.approved") == "wordpress.events.comments"
    assert catalog.topics("acme") == ["acme.events.users", "acme.events.comments", "acme.events.posts"]
    assert catalog.topic_of("wordpress", "post.published") == "wordpress.events.posts"
    assert "author_ip" in catalog.event_type("comment.posted").personal_data
    registered = catalog.event_type("user.registered")
    assert registered.schema_path == SCHEMAS / "user.registered.schema.json"
    assert "email" in registered.personal_data
    assert "Gravatar" in registered.personal_data_reason and "event-carried state transfer" in (
        registered.personal_data_reason.lower()
    )
    assert "retention.ms=-1" in registered.retention_advice and "erases" in registered.retention_advice
    assert "changed.email" in catalog.event_type("user.profile_updated").personal_data
    assert catalog.event_type("user.deleted").personal_data == ()
    with pytest.raises(UnknownEventTypeError):
        catalog.event_type("user.renamed")
    assert default_catalog() is catalog  # loaded once per process


def test_every_schema_file_is_in_the_catalog() -> None:
    named = {event_type.schema_path.name for event_type in default_catalog().event_types.values()}
    assert named == {path.name for path in SCHEMAS.glob("*.schema.json")}
    for name in named:
        assert name == f"{json.loads((SCHEMAS / name).read_text())['title']}.schema.json"


def _write(tmp_path: Path, text: str) -> Path:
    shutil.copytree(SCHEMAS, tmp_path / "schemas", dirs_exist_ok=True)
    path = tmp_path / "catalog.yaml"
    path.write_text(text)
    return path


def test_a_minimal_catalog_loads(tmp_path: Path) -> None:
    catalog = load_catalog(_write(tmp_path, GOOD))
    assert list(catalog.event_types) == ["user.deleted", "user.registered"]
    assert catalog.source == tmp_path / "catalog.yaml"


def _edit(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


# (catalog text, the text of the line the error must point at, the field named, a fragment of the problem)
BAD = {
    "yaml syntax": (_edit("    key: the user ID\n", "    key: [the user ID\n"), "subject_field: id", "", "YAML"),
    "version": (_edit("version: 1", "version: 2"), "version: 2", "version", "unsupported version 2"),
    "unknown field": (
        _edit("    description: gone\n", "    description: gone\n    retention: forever\n"),
        "retention: forever",
        "events.user.deleted.retention",
        "unknown field",
    ),
    "wrong kind": (
        _edit("description: gone", "description: 5"),
        "description: 5",
        "events.user.deleted.description",
        "must be a string, not integer",
    ),
    "missing field": (
        _edit("    subject_field: id\n", ""),
        "  users:",
        "aggregates.users",
        "missing field 'subject_field'",
    ),
    "unknown aggregate": (
        _edit(
            "    aggregate: users\n    schema: schemas/user.deleted",
            "    aggregate: posts\n    schema: schemas/user.deleted",
        ),
        "aggregate: posts",
        "events.user.deleted.aggregate",
        "no aggregate 'posts'",
    ),
    "personal data that is no field": (
        _edit("personal_data: [email]", "personal_data:\n      - email\n      - user_pass"),
        "- user_pass",
        "events.user.registered.personal_data[1]",
        "'user_pass' is not a field of data",
    ),
    "personal data without reason": (
        _edit("    personal_data_reason: avatars\n", ""),
        "  user.registered:",
        "events.user.registered",
        "need personal_data_reason and retention_advice",
    ),
    "missing schema file": (
        _edit("schemas/user.deleted.schema.json", "schemas/user.gone.schema.json"),
        "schema: schemas/user.gone.schema.json",
        "events.user.deleted.schema",
        "cannot read",
    ),
    "schema of another type": (
        _edit("schemas/user.deleted.schema.json", "schemas/user.registered.schema.json"),
        "schema: schemas/user.registered.schema.json",
        "events.user.deleted.schema",
        "must fix the CloudEvent type",
    ),
    "duplicate key": (
        _edit("    description: gone\n", "    description: gone\n    description: again\n"),
        "description: again",
        "events.user.deleted.description",
        "appears twice",
    ),
    "bad event name": (
        _edit("  user.deleted:", "  UserDeleted:"),
        "UserDeleted:",
        "events.UserDeleted",
        "dotted lower-case names",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_mistakes_name_file_line_and_field(tmp_path: Path, case: str) -> None:
    text, line_text, field, problem = BAD[case]
    path = _write(tmp_path, text)
    expected_line = next(number for number, line in enumerate(text.splitlines(), 1) if line_text in line)
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    message = str(caught.value)
    prefix = re.escape(f"{path}:{expected_line}: ")
    assert re.match(prefix, message), message
    if field:
        assert message.startswith(f"{path}:{expected_line}: {field}: "), message
    assert problem in message


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ("open data", "properties.data must set additionalProperties: false"),
        ("open nested", "properties.data.properties.changed must set additionalProperties: false"),
        ("not json", "is not JSON"),
        ("invalid schema", "is not a valid JSON Schema"),
        ("other dialect", "$schema https://json-schema.org/draft/2020-12/schema"),
    ],
)
def test_schemas_are_checked_at_load(tmp_path: Path, change: str, problem: str) -> None:
    text = _edit("schemas/user.deleted.schema.json", "schemas/user.profile_updated.schema.json").replace(
        "  user.deleted:", "  user.profile_updated:"
    )
    path = _write(tmp_path, text)
    schema_file = tmp_path / "schemas" / "user.profile_updated.schema.json"
    schema = json.loads(schema_file.read_text())
    if change == "open data":
        del schema["properties"]["data"]["additionalProperties"]
    elif change == "open nested":
        schema["properties"]["data"]["properties"]["changed"]["additionalProperties"] = True
    elif change == "invalid schema":
        schema["properties"]["data"]["minProperties"] = "one"
    elif change == "other dialect":
        schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    schema_file.write_text("{" if change == "not json" else json.dumps(schema))
    expected_line = next(n for n, line in enumerate(text.splitlines(), 1) if "user.profile_updated.schema" in line)
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    assert str(caught.value).startswith(f"{path}:{expected_line}: events.user.profile_updated.schema: ")
    assert problem in str(caught.value)


def test_an_unreadable_catalog(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match=r"catalog\.yaml: cannot read"):
        load_catalog(tmp_path / "catalog.yaml")
    with pytest.raises(CatalogError, match=r"catalog\.yaml:1: \(top level\): must be a mapping, not list"):
        load_catalog(_write(tmp_path, "- 1\n"))
