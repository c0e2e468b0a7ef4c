"""The catalog as an AsyncAPI 3.0.0 document, for people and tools that read event contracts.

One channel per aggregate (address = its topic), one message per event type (payload = the type's
JSON Schema, in ``components.schemas``), one ``send`` operation per channel (the producers' view),
Kafka bindings for the record key, and the personal-data note in each message's description.

Payloads use AsyncAPI's default schema format (a superset of JSON Schema draft-07) with the
``$schema`` line dropped: our draft 2020-12 schemas use only keywords that mean the same in
draft-07 (``tests/extracted/contracts/test_asyncapi.py`` holds them to that).
"""

from __future__ import annotations

from typing import Any

from .catalog import Catalog, EventType, default_catalog
from .topics import STRUCTURED_CONTENT_TYPE

__all__ = ["ASYNCAPI_VERSION", "DEFAULT_BOOTSTRAP", "KAFKA_BINDING_VERSION", "asyncapi_document"]

ASYNCAPI_VERSION = "3.0.0"
KAFKA_BINDING_VERSION = "0.5.0"
DEFAULT_BOOTSTRAP = "localhost:9092"
_MEDIA_TYPE = STRUCTURED_CONTENT_TYPE.split(";", 1)[0]


def _payload_schema(event_type: EventType) -> dict[str, Any]:
    return {key: value for key, value in event_type.schema.items() if key != "$schema"}


def _personal_data_note(event_type: EventType) -> str:
    if not event_type.personal_data:
        return "Personal data: none beyond the user's ID."
    fields = ", ".join(f"`{name}`" for name in event_type.personal_data)
    return (
        f"**Personal data**: {fields} (in `data`). Why it is carried: {event_type.personal_data_reason}\n\n"
        f"**Retention**: {event_type.retention_advice}"
    )


def _message(catalog: Catalog, event_type: EventType) -> dict[str, Any]:
    aggregate = catalog.aggregates[event_type.aggregate]
    return {
        "name": event_type.name,
        "title": event_type.name,
        "summary": event_type.description,
        "description": f"{event_type.description}\n\n{_personal_data_note(event_type)}",
        "contentType": _MEDIA_TYPE,
        "headers": {
            "type": "object",
            "properties": {"content-type": {"type": "string", "const": STRUCTURED_CONTENT_TYPE}},
            "required": ["content-type"],
        },
        "payload": {"$ref": f"#/components/schemas/{event_type.name}"},
        "bindings": {
            "kafka": {
                "key": {**event_type.schema["properties"]["subject"], "description": aggregate.key},
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
    }


def asyncapi_document(
    prefix: str, *, bootstrap: str = DEFAULT_BOOTSTRAP, catalog: Catalog | None = None
) -> dict[str, Any]:
    """The AsyncAPI 3.0.0 document of ``catalog``'s events on topics of ``prefix``, with one Kafka
    server at ``bootstrap`` (a placeholder unless you pass the real one)."""
    catalog = catalog or default_catalog()
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for aggregate in catalog.aggregates.values():
        types = catalog.types_of(aggregate.name)
        topic = aggregate.topic(prefix)
        channels[aggregate.name] = {
            "address": topic,
            "title": topic,
            "description": aggregate.description,
            "messages": {t.name: {"$ref": f"#/components/messages/{t.name}"} for t in types},
            "bindings": {"kafka": {"topic": topic, "bindingVersion": KAFKA_BINDING_VERSION}},
        }
        operations[f"publish_{aggregate.name}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{aggregate.name}"},
            "title": f"Publish {aggregate.name} events",
            "summary": f"Services publish {aggregate.name} events to {topic}, keyed by {aggregate.subject_field}.",
            "messages": [{"$ref": f"#/channels/{aggregate.name}/messages/{t.name}"} for t in types],
        }
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": "wp-strangler domain events",
            "version": f"{catalog.version}.0.0",
            "description": (
                "Domain events the extracted services publish: CloudEvents 1.0 in structured JSON mode, "
                f"one Kafka topic per aggregate ({prefix}.events.<aggregate>), keyed by the aggregate id."
            ),
        },
        "defaultContentType": _MEDIA_TYPE,
        "servers": {
            "kafka": {
                "host": bootstrap,
                "protocol": "kafka",
                "description": "Kafka bootstrap server (read_committed consumers see only committed events)",
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {
            "schemas": {t.name: _payload_schema(t) for t in catalog.event_types.values()},
            "messages": {t.name: _message(catalog, t) for t in catalog.event_types.values()},
        },
    }
