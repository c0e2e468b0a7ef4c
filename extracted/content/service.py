"""The content service as the runtime kit runs it (``extracted.runtime.service``).

Per process, a :class:`~extracted.runtime.answer_cache.Generation` counts committed batches: the consumer
bumps it after each one (``on_commit``) and the app drops its response cache when it changed.

Beside the consumer it runs its workers: the :class:`~extracted.content.post_announcer.Announcer`
(pending posts → ``post.*`` events in the outbox) and the
:class:`~extracted.runtime.event_relay.OutboxRelay` (the outbox → ``<prefix>.events.posts`` on Kafka,
exactly once; its ``transactional.id`` is the service's name and consumer group, as for users and comments),
and, with ``wordpress_php`` settings, the pages' :class:`~extracted.content.pages.PiecesRefresher`.
"""

from __future__ import annotations

from sqlalchemy import Engine

from extracted.contracts import events_topic
from extracted.runtime import RuntimeSettings, Worker
from extracted.runtime.answer_cache import Generation
from extracted.runtime.event_kafka import KafkaEventSink
from extracted.runtime.event_relay import OutboxRelay
from extracted.runtime.service import ServiceDefinition

from . import post_records
from .app import create_app
from .errors import ContentError
from .pages import PiecesRefresher, php_settings
from .post_announcer import AGGREGATE, Announcer
from .projection import ContentProjection

__all__ = ["DEFINITION", "transactional_id", "workers"]

NAME = "content"


def transactional_id(runtime: RuntimeSettings) -> str:
    return f"{NAME}-outbox.{runtime.group}"


def workers(engine: Engine, runtime: RuntimeSettings, generation: Generation) -> list[Worker]:
    sink = KafkaEventSink(runtime.bootstrap, transactional_id(runtime), partitions=runtime.topic_partitions)
    relay = OutboxRelay(engine, post_records.outbox, sink, [events_topic(runtime.prefix, AGGREGATE)])
    found: list[Worker] = [Announcer(engine, runtime.prefix, on_events=relay.wake), relay]
    php = php_settings(runtime.settings_file)  # WordPress renders the pages' site-wide pieces (pages)
    return found if php is None else [*found, PiecesRefresher(engine, php, generation)]


DEFINITION: ServiceDefinition[Generation] = ServiceDefinition(
    name=NAME,
    description="WordPress content REST API and post events",
    projection=ContentProjection,
    app=create_app,
    context=Generation,
    on_commit=Generation.bump,
    errors=(ContentError,),
    workers=workers,
)
