"""The extensions service as the runtime kit runs it: the site projection, one runner per extension.

Its own consumer builds what it knows of the site (``site``); each extension found through the entry
point group ``wp_strangler.extensions`` (``discovery``) runs as a worker of its own (``runner``), with
its consumer group and dead-letter topic, reading the event topics of the aggregates it subscribes
to. The webhooks' dispatcher is one more worker. The process's :class:`ExtensionsContext` hands the
management API (``api``) the extensions, their switchboard and the workers.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Engine

from extracted.contracts import default_catalog, events_topic
from extracted.runtime import Broker, RuntimeSettings, Worker
from extracted.runtime.service import ServiceDefinition

from .app import create_app
from .discovery import Found, discover
from .runner import ExtensionRunner, Switchboard
from .sdk import ExtensionContext
from .settings import ExtensionsSettings, load_settings
from .site import SiteProjection, StoreSiteView
from .webhook_wiring import WebhookWiring, webhook_wiring
from .webhook_wiring import extension as webhooks_extension

__all__ = ["DEFINITION", "ExtensionsContext", "workers"]

NAME = "extensions"


@dataclass
class ExtensionsContext:
    """What the workers and the app of one process share (set when the workers are made)."""

    found: Found = field(default_factory=lambda: Found((), ()))
    runners: dict[str, ExtensionRunner] = field(default_factory=dict)
    switchboard: Switchboard | None = None
    settings: ExtensionsSettings = field(default_factory=ExtensionsSettings)
    webhooks: WebhookWiring | None = None


def _broker(runtime: RuntimeSettings) -> Broker:
    from extracted.runtime.kafka_io import KafkaBroker  # the client library only where Kafka is used

    return KafkaBroker(runtime)


def _mailer(settings: ExtensionsSettings) -> object:
    if settings.smtp is None:
        return None
    from extracted.runtime.mail import Mailer

    return Mailer(settings.smtp)


def workers(
    engine: Engine, runtime: RuntimeSettings, context: ExtensionsContext, *, broker: Broker | None = None
) -> Sequence[Worker]:
    settings = context.settings = load_settings(runtime.settings_file)
    found = discover(load=settings.load)
    context.found = Found(tuple(ext for ext in found.extensions if settings.runs(ext.name)), found.broken)
    context.webhooks = webhook_wiring(engine, settings.webhooks)
    defaults = {extension.name: extension.enabled_by_default for extension in context.found.extensions}
    context.switchboard = Switchboard(engine, defaults)
    aggregates = {name: event_type.aggregate for name, event_type in default_catalog().event_types.items()}
    shared_broker = broker or _broker(runtime)
    site, mailer = StoreSiteView(engine), _mailer(settings)
    made: list[Worker] = []
    for extension in context.found.extensions:
        extension_context = ExtensionContext(
            extension.name, site, settings.of(extension.name), logging.getLogger(f"extensions.{extension.name}"),
            mailer=mailer, engine=engine,
        )  # fmt: skip
        topics = [events_topic(runtime.prefix, aggregate) for aggregate in extension.aggregates(aggregates)]
        runner = ExtensionRunner(
            extension, extension_context, engine=engine, broker=shared_broker, topics=topics, group=runtime.group,
            prefix=runtime.prefix, switchboard=context.switchboard, poll_ms=runtime.poll_ms,
        )  # fmt: skip
        context.runners[extension.name] = runner
        made.append(runner)
    if settings.runs(webhooks_extension.name):  # its deliveries are made where the built-in extension runs
        made.append(context.webhooks.dispatcher)
    return made


DEFINITION: ServiceDefinition[ExtensionsContext] = ServiceDefinition(
    name=NAME,
    description="Extensions: subscribers to the site's domain events (webhooks, site emails, your own)",
    projection=SiteProjection,
    app=create_app,
    context=ExtensionsContext,
    workers=workers,
)
