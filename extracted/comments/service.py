"""The comments service as the runtime kit runs it (``extracted.runtime.service``).

Beside the consumer it runs its workers: the :class:`~extracted.comments.announcer.Announcer`
(pending comments → domain events in the outbox), the
:class:`~extracted.runtime.event_relay.OutboxRelay` (the outbox → ``<prefix>.events.comments`` on
Kafka, exactly once; its ``transactional.id`` is the service's name and consumer group, as for users)
and — with a legacy database in the service's ``--settings`` — the
:class:`~extracted.comments.legacy_sync.LegacySync` (the comments the service took → WordPress's
MariaDB). The process's context (:class:`~extracted.comments.context.CommentsContext`) hands the app
the submission endpoint the workers' settings made (``/wp-comments-post.php``) and the read model's
generation, moved by every committed batch and every comment taken (the app's answer cache).
"""

from __future__ import annotations

from sqlalchemy import Engine

from extracted.contracts import events_topic
from extracted.runtime import RuntimeSettings, Worker
from extracted.runtime.event_kafka import KafkaEventSink
from extracted.runtime.event_relay import OutboxRelay
from extracted.runtime.legacy import connect_mariadb, load_settings
from extracted.runtime.service import ServiceDefinition

from . import records
from .announcer import AGGREGATE, Announcer
from .app import create_app
from .comment_view import post_permalink
from .context import CommentsContext
from .legacy_sync import LegacySync
from .projection import CommentsProjection
from .submission_endpoint import SubmissionEndpoint

__all__ = ["DEFINITION", "CommentsContext", "transactional_id", "workers"]

NAME = "comments"


def transactional_id(runtime: RuntimeSettings) -> str:
    return f"{NAME}-outbox.{runtime.group}"


def workers(engine: Engine, runtime: RuntimeSettings, context: CommentsContext) -> list[Worker]:
    topic = events_topic(runtime.prefix, AGGREGATE)
    sink = KafkaEventSink(runtime.bootstrap, transactional_id(runtime))
    relay = OutboxRelay(engine, records.outbox, sink, [topic])
    announcer = Announcer(engine, runtime.prefix, on_events=relay.wake)
    found: list[Worker] = [announcer, relay]
    settings = load_settings(runtime.settings_file)
    sync = None
    if settings.database is not None:
        sync = LegacySync(engine, connect_mariadb(settings.database), table_prefix=settings.table_prefix)
        found.append(sync)

    def recorded() -> None:
        context.changed()  # the comment is in the read model: cached answers are stale
        relay.wake()
        if sync is not None:
            sync.wake()

    context.submissions = SubmissionEndpoint(
        engine, topic=topic, auth_salt=settings.auth_salt, can_sync=sync is not None, permalink=post_permalink,
        on_recorded=recorded,
    )  # fmt: skip
    return found


DEFINITION: ServiceDefinition[CommentsContext] = ServiceDefinition(
    name=NAME,
    description="WordPress comments: REST API, visitors' submissions and domain events",
    projection=CommentsProjection,
    app=create_app,
    context=CommentsContext,
    on_commit=CommentsContext.changed,
    workers=workers,
)
