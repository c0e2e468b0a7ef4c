"""The webhooks inside the extensions service: the built-in ``webhooks`` extension, its dispatcher, its API.

Webhooks are an extension like any other: ``webhooks`` subscribes to every event type and queues
each event for the endpoints whose filters want it (``webhooks.enqueue``, idempotent: the runner's
at-most-one repeat after a crash queues nothing twice), in the service's store; the
:class:`~.webhooks.Dispatcher` worker sends the deliveries on their schedule. Disabling the extension
stops new events being queued; deliveries already queued still go out.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter
from sqlalchemy import Engine

from extracted.contracts import CloudEvent
from extracted.runtime.store import begin_write

from . import schema
from .sdk import Extension, ExtensionContext
from .webhooks import Dispatcher, WebhookSettings, enqueue, webhook_routes

__all__ = ["WebhookWiring", "extension", "webhook_wiring"]

extension = Extension(
    "webhooks",
    description="Delivers the site's events to the webhook endpoints (Standard Webhooks 1.0)",
)

#: the dispatcher of each store (one per service process), woken when an event is queued
_dispatchers: dict[int, Dispatcher] = {}


@extension.on("*")
def queue_for_endpoints(event: CloudEvent, context: ExtensionContext) -> None:
    engine = context.engine
    with begin_write(engine) as connection:
        queued = enqueue(connection, event, tables=schema.webhooks)
    if queued and (dispatcher := _dispatchers.get(id(engine))) is not None:
        dispatcher.wake()


@dataclass(frozen=True)
class WebhookWiring:
    dispatcher: Dispatcher
    router: APIRouter


def webhook_wiring(engine: Engine, settings: WebhookSettings) -> WebhookWiring:
    dispatcher = Dispatcher(engine, settings, tables=schema.webhooks)
    _dispatchers[id(engine)] = dispatcher
    return WebhookWiring(dispatcher, webhook_routes(engine, dispatcher, dispatcher.policy))
