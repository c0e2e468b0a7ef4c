"""The AsyncAPI 3.0.0 document: the 3.0 structure (fixed fields, required keys, resolvable $refs) and
what it says about topics, keys, payloads and personal data."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from contract_examples import EXAMPLE_DATA, example_data, example_event
from jsonschema import Draft7Validator, Draft202012Validator

from extracted.contracts import asyncapi_document, default_catalog, events_topic

# Fixed fields of the AsyncAPI 3.0.0 objects used here (the specification's tables).
ROOT = {"asyncapi", "id", "info", "servers", "defaultContentType", "channels", "operations", "components"}
INFO = {"title", "version", "description", "termsOfService", "contact", "license", "tags", "externalDocs"}
SERVER = {"host", "protocol", "protocolVersion", "pathname", "description", "title", "summary", "variables"}
SERVER |= {"security", "tags", "externalDocs", "bindings"}
CHANNEL = {"address", "messages", "title", "summary", "description", "servers", "parameters", "tags"}
CHANNEL |= {"externalDocs", "bindings"}
OPERATION = {"action", "channel", "title", "summary", "description", "security", "tags", "externalDocs"}
OPERATION |= {"bindings", "traits", "messages", "reply"}
MESSAGE = {"headers", "payload", "correlationId", "contentType", "name", "title", "summary", "description"}
MESSAGE |= {"tags", "externalDocs", "bindings", "examples", "traits"}
COMPONENTS = {"schemas", "servers", "channels", "operations", "messages", "securitySchemes", "serverVariables"}
COMPONENTS |= {"parameters", "correlationIds", "replies", "replyAddresses", "externalDocs", "tags"}
COMPONENTS |= {"operationTraits", "messageTraits", "serverBindings", "channelBindings", "operationBindings"}
COMPONENTS |= {"messageBindings"}
KAFKA_MESSAGE_BINDING = {"key", "schemaIdLocation", "schemaIdPayloadEncoding", "schemaLookupStrategy", "bindingVersion"}
KAFKA_CHANNEL_BINDING = {"topic", "partitions", "replicas", "topicConfiguration", "bindingVersion"}
COMPONENT_KEY = re.compile(r"^[a-zA-Z0-9\.\-_]+$")

#: keywords meaning the same in JSON Schema draft-07 (AsyncAPI's default format) and 2020-12
SHARED_KEYWORDS = {"$schema", "title", "description", "type", "properties", "required", "additionalProperties"}
SHARED_KEYWORDS |= {"const", "pattern", "minLength", "minimum", "items", "uniqueItems", "minProperties", "enum"}


def _only(fields: set[str], obj: dict[str, Any], where: str) -> None:
    extra = {key for key in obj if not key.startswith("x-")} - fields
    assert not extra, f"{where}: not AsyncAPI 3.0 fields: {sorted(extra)}"


def _resolve(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    target: Any = document
    for escaped in ref[2:].split("/"):
        part = escaped.replace("~1", "/").replace("~0", "~")
        assert isinstance(target, dict) and part in target, f"$ref {ref} does not resolve"
        target = target[part]
    return target


def _refs(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        if "$ref" in value:
            assert set(value) == {"$ref"}, f"a Reference Object has only $ref: {value}"
            yield value["$ref"]
        for child in value.values():
            yield from _refs(child)
    elif isinstance(value, list):
        for child in value:
            yield from _refs(child)


def check_asyncapi_3(document: dict[str, Any]) -> None:
    """The structural rules of AsyncAPI 3.0.0 that this document can break."""
    _only(ROOT, document, "document")
    assert document["asyncapi"] == "3.0.0"
    _only(INFO, document["info"], "info")
    assert isinstance(document["info"]["title"], str) and isinstance(document["info"]["version"], str)
    for name, server in document.get("servers", {}).items():
        _only(SERVER, server, f"servers.{name}")
        assert isinstance(server["host"], str) and isinstance(server["protocol"], str)
    for name, channel in document.get("channels", {}).items():
        _only(CHANNEL, channel, f"channels.{name}")
        assert isinstance(channel["address"], str)
        assert isinstance(channel["messages"], dict) and channel["messages"]
        _only(KAFKA_CHANNEL_BINDING, channel.get("bindings", {}).get("kafka", {}), f"channels.{name}.bindings")
    for name, operation in document.get("operations", {}).items():
        _only(OPERATION, operation, f"operations.{name}")
        assert operation["action"] in {"send", "receive"}
        channel_ref = operation["channel"]["$ref"]
        assert channel_ref.startswith("#/channels/")
        _resolve(document, channel_ref)
        for message in operation.get("messages", []):
            # 3.0: an operation's messages are a subset of its channel's
            assert message["$ref"].startswith(f"{channel_ref}/messages/"), message
    components = document.get("components", {})
    _only(COMPONENTS, components, "components")
    for kind, entries in components.items():
        for key in entries:
            assert COMPONENT_KEY.match(key), f"components.{kind}: {key!r} is not a valid component key"
    for name, message in components.get("messages", {}).items():
        _only(MESSAGE, message, f"components.messages.{name}")
        assert "payload" in message
        _only(KAFKA_MESSAGE_BINDING, message.get("bindings", {}).get("kafka", {}), f"messages.{name}.bindings")
    for ref in _refs(document):
        _resolve(document, ref)


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return asyncapi_document("wordpress", bootstrap="127.0.0.1:19092")


def test_it_is_an_asyncapi_3_document(document: dict[str, Any]) -> None:
    check_asyncapi_3(document)
    assert yaml.safe_load(yaml.safe_dump(document)) == document
    assert json.loads(json.dumps(document)) == document


def test_channels_are_the_aggregate_topics(document: dict[str, Any]) -> None:
    assert document["servers"]["kafka"] == {
        "host": "127.0.0.1:19092",
        "protocol": "kafka",
        "description": document["servers"]["kafka"]["description"],
    }
    assert set(document["channels"]) == {"users", "comments", "posts"}
    for aggregate in ("users", "comments", "posts"):
        channel = document["channels"][aggregate]
        assert channel["address"] == events_topic("wordpress", aggregate) == f"wordpress.events.{aggregate}"
        types = {name for name in EXAMPLE_DATA if _aggregate_of(name) == aggregate}
        assert set(channel["messages"]) == types
        operation = document["operations"][f"publish_{aggregate}"]
        assert operation["action"] == "send"
        assert operation["channel"] == {"$ref": f"#/channels/{aggregate}"}
        assert len(operation["messages"]) == len(types)
    assert asyncapi_document("acme.blog")["channels"]["users"]["address"] == "acme.blog.events.users"


def _aggregate_of(event_type: str) -> str:
    return default_catalog().event_type(event_type).aggregate


@pytest.mark.parametrize("event_type", sorted(EXAMPLE_DATA))
def test_messages_carry_the_schema_key_and_personal_data_note(document: dict[str, Any], event_type: str) -> None:
    channel = document["channels"][_aggregate_of(event_type)]
    message = _resolve(document, channel["messages"][event_type]["$ref"])
    assert message["name"] == event_type
    assert message["contentType"] == "application/cloudevents+json"
    payload = _resolve(document, message["payload"]["$ref"])
    schema = dict(default_catalog().event_type(event_type).schema)
    del schema["$schema"]
    assert payload == schema
    key = message["bindings"]["kafka"]["key"]
    assert key["type"] == "string" and re.match(key["pattern"], "7") and not re.match(key["pattern"], "07")
    assert "Personal data" in message["description"]
    if event_type in {"user.registered", "user.profile_updated", "comment.posted", "comment.updated"}:
        assert "email" in message["description"] and "Gravatar" in message["description"]
        assert "**Retention**" in message["description"]


def _keywords(schema: dict[str, Any]) -> Iterator[str]:
    yield from schema
    for subschema in schema.get("properties", {}).values():
        yield from _keywords(subschema)
    if isinstance(schema.get("items"), dict):
        yield from _keywords(schema["items"])


@pytest.mark.parametrize("event_type", sorted(EXAMPLE_DATA))
def test_payload_schemas_read_the_same_as_draft_07(event_type: str) -> None:
    """AsyncAPI's default schema format is draft-07 based: our 2020-12 schemas must mean the same there."""
    schema = dict(default_catalog().event_type(event_type).schema)
    assert set(_keywords(schema)) <= SHARED_KEYWORDS
    draft7 = Draft7Validator({key: value for key, value in schema.items() if key != "$schema"})
    draft2020 = Draft202012Validator(schema)
    bad = example_data(event_type)
    bad["user_pass"] = "x"
    for data in (example_data(event_type), bad, {}):
        document = example_event(event_type, data=data).to_dict()
        assert draft7.is_valid(document) == draft2020.is_valid(document)
