"""Domain event contracts: what extracted services publish on Kafka, and how to read it safely.

Every service and consumer imports this package; it depends on nothing of the project (only the
standard library, ``jsonschema`` and ``yaml``), so importing it never drags a service along.

Public surface:

- ``CloudEvent`` (frozen; ``to_json() -> bytes``, deterministic; ``CloudEvent.from_json(raw)``),
  ``new_event(type, subject, data, *, source, id=None, time=None)``, ``deterministic_id(*parts)``,
  ``format_time(datetime)``: the CloudEvents 1.0 envelope (structured JSON mode).
- ``events_topic(prefix, aggregate)``, ``parse_events_topic(topic)``, ``events_topic_pattern(prefix)``,
  ``kafka_key(event)``, ``kafka_headers()``: where events go (``<prefix>.events.<aggregate>``, key =
  subject in UTF-8).
- ``validate(event, catalog=None)``, ``parse_and_validate(raw, catalog=None)``: the JSON Schema check.
- ``load_catalog(path=None)``, ``default_catalog()``, ``Catalog``, ``Aggregate``, ``EventType``: the
  event types (``catalog.yaml``), their schemas (``schemas/<type>.schema.json``) and personal data.
- ``asyncapi_document(prefix, *, bootstrap=..., catalog=None)``: the catalog as AsyncAPI 3.0.0.
- Errors, all ``ContractError`` (a ``ValueError``): ``MalformedEventError``, ``UnknownEventTypeError``,
  ``SchemaViolationError`` (``.event_type``, ``.path``, ``.problems``), ``CatalogError``.

Event types today (subject = the aggregate's ID as a decimal string): aggregate ``users`` (the user ID):
``user.registered``, ``user.profile_updated``, ``user.role_changed``, ``user.deleted``; aggregate
``comments`` (the comment ID): ``comment.posted``, ``comment.approved``, ``comment.status_changed``,
``comment.updated``, ``comment.deleted``; aggregate ``posts`` (the post ID, posts and pages, published by
the content service): ``post.published``, ``post.updated``, ``post.unpublished``, ``post.deleted``.
"""

from .asyncapi import asyncapi_document
from .catalog import Aggregate, Catalog, EventType, default_catalog, load_catalog
from .cloudevents import CONTENT_TYPE, SPECVERSION, CloudEvent, deterministic_id, format_time, new_event
from .errors import CatalogError, ContractError, MalformedEventError, SchemaViolationError, UnknownEventTypeError
from .topics import events_topic, events_topic_pattern, kafka_headers, kafka_key, parse_events_topic
from .validation import parse_and_validate, validate

__all__ = [
    "CONTENT_TYPE",
    "SPECVERSION",
    "Aggregate",
    "Catalog",
    "CatalogError",
    "CloudEvent",
    "ContractError",
    "EventType",
    "MalformedEventError",
    "SchemaViolationError",
    "UnknownEventTypeError",
    "asyncapi_document",
    "default_catalog",
    "deterministic_id",
    "events_topic",
    "events_topic_pattern",
    "format_time",
    "kafka_headers",
    "kafka_key",
    "load_catalog",
    "new_event",
    "parse_and_validate",
    "parse_events_topic",
    "validate",
]
