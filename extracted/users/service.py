"""The users service as the runtime kit runs it (``extracted.runtime.service``).

Beside the consumer it runs its workers: the :class:`~extracted.users.announcer.Announcer` (pending
users → domain events in the outbox), the :class:`~extracted.runtime.event_relay.OutboxRelay` (the
outbox → ``<prefix>.events.users`` on Kafka, exactly once), which the announcer and registration wake
after writing events, and — with a legacy database in the service's ``--settings`` — the
:class:`~extracted.users.registration.legacy_sync.LegacySync` (the users the service registered →
WordPress's MariaDB, then the set-password mail). The relay's Kafka ``transactional.id`` is the
service's name and consumer group (:func:`transactional_id`), the same for every run of one
deployment: a restarted process fences the one it replaces, and two deployments (their own groups
and stores) never fence each other.

The process's context (:class:`UsersContext`) hands the app the registration endpoint the workers'
settings made (``/wp-login.php?action=register``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from extracted.contracts import events_topic
from extracted.runtime import RuntimeSettings, Worker
from extracted.runtime.event_kafka import KafkaEventSink
from extracted.runtime.event_relay import OutboxRelay
from extracted.runtime.legacy import load_settings
from extracted.runtime.service import ServiceDefinition

from . import schema
from .announcer import Announcer
from .app import create_app
from .projection import UsersProjection
from .registration.endpoint import RegistrationEndpoint
from .registration.legacy_sync import LegacySync, connect_mariadb
from .registration.mail import Mailer

__all__ = ["DEFINITION", "UsersContext", "transactional_id", "workers"]

NAME = "users"


@dataclass
class UsersContext:
    """What the workers and the app of one process share."""

    #: made with the workers (it needs the service's settings); None before
    registration: RegistrationEndpoint | None = None


def transactional_id(runtime: RuntimeSettings) -> str:
    return f"{NAME}-outbox.{runtime.group}"


def workers(engine: Engine, runtime: RuntimeSettings, context: UsersContext) -> list[Worker]:
    settings = load_settings(runtime.settings_file)
    topic = events_topic(runtime.prefix, NAME)
    sink = KafkaEventSink(runtime.bootstrap, transactional_id(runtime))
    relay = OutboxRelay(engine, schema.outbox, sink, [topic])
    announcer = Announcer(engine, runtime.prefix, on_events=relay.wake)
    found: list[Worker] = [announcer, relay]
    sync = None
    if settings.database is not None:
        mailer = Mailer(settings.smtp) if settings.smtp is not None else None
        sync = LegacySync(engine, connect_mariadb(settings.database), table_prefix=settings.table_prefix,
                          mailer=mailer)  # fmt: skip
        found.append(sync)

    def registered() -> None:
        relay.wake()
        if sync is not None:
            sync.wake()

    context.registration = RegistrationEndpoint(
        engine, topic=topic, table_prefix=settings.table_prefix, can_sync=sync is not None, on_registered=registered,
    )  # fmt: skip
    return found


DEFINITION: ServiceDefinition[UsersContext] = ServiceDefinition(
    name=NAME,
    description="WordPress users: REST API, domain events and registration",
    projection=UsersProjection,
    app=create_app,
    context=UsersContext,
    workers=workers,
)
