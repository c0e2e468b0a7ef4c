"""The users service as the runtime kit runs it (``extracted.runtime.service``).

Beside the consumer it runs its workers: the :class:`~extracted.users.announcer.Announcer` (pending
users → domain events in the outbox), the :class:`~extracted.runtime.event_relay.OutboxRelay` (the
outbox → ``<prefix>.events.users`` on Kafka, exactly once), which the announcer and registration wake
after writing events, and — with a legacy database in the service's ``--settings`` — the
:class:`~extracted.users.registration.legacy_sync.LegacySync` (the users the service registered →
WordPress's MariaDB; the site-emails extension sends WordPress's mails, with a set-password key of
the internal API's :class:`~extracted.users.registration.set_password_key.SetPasswordKeys`). The
relay's Kafka ``transactional.id`` is the service's name and consumer group (:func:`transactional_id`),
the same for every run of one deployment: a restarted process fences the one it replaces, and two
deployments (their own groups and stores) never fence each other.

The process's context (:class:`UsersContext`) hands the app what the workers' settings made: the
registration endpoint (``/wp-login.php?action=register``), the set-password keys and the token of the
internal API (``/internal``).
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
from .internal_api import internal_token
from .projection import UsersProjection
from .registration.endpoint import RegistrationEndpoint
from .registration.legacy_sync import LegacySync, connect_mariadb
from .registration.set_password_key import SetPasswordKeys

__all__ = ["DEFINITION", "UsersContext", "transactional_id", "workers"]

NAME = "users"


@dataclass
class UsersContext:
    """What the workers and the app of one process share."""

    #: made with the workers (it needs the service's settings); None before
    registration: RegistrationEndpoint | None = None
    #: with a legacy database: the internal API's keys (None: it answers 503)
    set_password_keys: SetPasswordKeys | None = None
    #: the internal API's bearer token ("" = the API is off)
    internal_token: str = ""


def transactional_id(runtime: RuntimeSettings) -> str:
    return f"{NAME}-outbox.{runtime.group}"


def workers(engine: Engine, runtime: RuntimeSettings, context: UsersContext) -> list[Worker]:
    settings = load_settings(runtime.settings_file)
    topic = events_topic(runtime.prefix, NAME)
    sink = KafkaEventSink(runtime.bootstrap, transactional_id(runtime), partitions=runtime.topic_partitions)
    relay = OutboxRelay(engine, schema.outbox, sink, [topic])
    announcer = Announcer(engine, runtime.prefix, on_events=relay.wake)
    found: list[Worker] = [announcer, relay]
    sync = None
    context.internal_token = internal_token(runtime.settings_file)
    if settings.database is not None:
        connect = connect_mariadb(settings.database)
        sync = LegacySync(engine, connect, table_prefix=settings.table_prefix)
        context.set_password_keys = SetPasswordKeys(engine, connect, table_prefix=settings.table_prefix)
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
