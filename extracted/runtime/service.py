"""The process shell of an extracted service: its consumer in a thread, its HTTP app in uvicorn.

A service declares itself once, as a :class:`ServiceDefinition`; :func:`serve` runs it and ``cli``
gives it its command line. What the consumer and the app share within one process (e.g. a counter
of committed batches that invalidates the app's response cache) is the service's *context*: made
once per process by ``definition.context()``, handed to ``definition.on_commit`` after every
committed batch and to ``definition.app`` when the app is built::

    DEFINITION = ServiceDefinition(
        name="content",
        description="WordPress content REST API",
        projection=ContentProjection,
        context=Generation,           # one per process
        on_commit=Generation.bump,    # called with that Generation after each committed batch
        app=create_app,               # create_app(engine, state, generation) -> ASGI app
    )

A service with background work (the users service's announcer and outbox relay) also declares
``workers``: ``workers(engine, runtime_settings, context)`` makes its :class:`~extracted.runtime.types.Worker`
objects once per process; :func:`serve` runs each in its own thread (``workers`` module: health on
``/healthz``, metrics on ``/metrics``).

With ``ServiceSettings.read_only`` (``serve --read-only``) the process is a read-only replica of a store
another process of the service writes (``follower``): no consumer, no workers, no table created; a
:class:`~extracted.runtime.follower.StoreFollower` tells the context (``on_commit``) when the store moved.

:func:`serve` exits 0 on SIGTERM/SIGINT, once requests in flight are answered and the consumer
thread and the workers have stopped.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from types import FrameType
from typing import Generic, TypeVar

import uvicorn
from sqlalchemy import Engine
from starlette.types import ASGIApp

from .consumer import Consumer
from .follower import StoreFollower
from .metrics import ConsumerState
from .rebuild import RebuildReport, rebuild
from .store import Store, open_engine
from .types import Broker, ConfigurationError, Projection, RuntimeSettings, Worker
from .workers import WorkerPool

log = logging.getLogger(__name__)
Context = TypeVar("Context")
#: how long a stopping service waits for its consumer thread, then as long for its workers
STOP_TIMEOUT_S = 15.0


def _nothing(_: object) -> None:
    pass


@dataclass(frozen=True)
class ServiceDefinition(Generic[Context]):
    """Everything the kit needs to run a service; the read model's tables are ``projection().metadata``."""

    #: the capability's name: the default consumer group and store (``sqlite:///<name>.db``)
    name: str
    #: a new projection (the service's pure event → read-model changes, plus ``after_batch``)
    projection: Callable[[], Projection]
    #: the service's HTTP app, from the store's engine, the consumer's state and the context
    app: Callable[[Engine, ConsumerState, Context], ASGIApp]
    #: makes the per-process context shared by ``on_commit`` and ``app``
    context: Callable[[], Context]
    #: after every committed batch, in the consumer thread (a failure is retried like the batch's)
    on_commit: Callable[[Context], None] = _nothing
    #: one line for ``--help``
    description: str = ""
    #: the service's own exceptions that mean "cannot run with these settings": reported, exit 2
    errors: tuple[type[Exception], ...] = ()
    #: the package run as ``python -m``, for ``--help`` (default ``extracted.<name>``)
    module: str = ""
    #: the background workers, made once per process from the store's engine, the settings and the context
    workers: Callable[[Engine, RuntimeSettings, Context], Sequence[Worker]] | None = None

    @property
    def program(self) -> str:
        return f"python -m {self.module or 'extracted.' + self.name}"


@dataclass(frozen=True)
class ServiceSettings:
    listen: str
    runtime: RuntimeSettings
    #: answer from a store another process of the service writes (``follower``): consume and publish nothing
    read_only: bool = False

    @property
    def host_port(self) -> tuple[str, int]:
        host, _, port = self.listen.rpartition(":")
        if not host or not port.isdigit():
            raise ConfigurationError(f"--listen must be HOST:PORT, got {self.listen!r}")
        return host, int(port)


class SignalExitServer(uvicorn.Server):
    """uvicorn re-raises SIGTERM after shutting down (exit status -15); a server of ours exits 0 instead
    (the services, and the stack's own processes such as its mail sink)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        def stop(signum: int, frame: FrameType | None) -> None:
            self.should_exit = True

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def serve(definition: ServiceDefinition[Context], settings: ServiceSettings, *, broker: Broker | None = None) -> int:
    """Run the service until SIGTERM/SIGINT; returns the exit status (0). Call from the main thread.

    ``broker`` defaults to Kafka at ``settings.runtime.bootstrap``.
    """
    host, port = settings.host_port
    projection = definition.projection()
    store = Store(open_engine(settings.runtime.store_url), projection.metadata)
    state = ConsumerState(settings.runtime.group)
    context = definition.context()
    loop: Consumer | StoreFollower
    workers: Sequence[Worker]
    if settings.read_only:  # the projector creates the tables and runs the workers
        loop, workers = StoreFollower(store, state, on_change=lambda: definition.on_commit(context)), ()
    else:
        store.create()
        loop = Consumer(
            settings.runtime, projection, store, state, on_commit=lambda: definition.on_commit(context), broker=broker
        )
        workers = definition.workers(store.engine, settings.runtime, context) if definition.workers else ()
    state.workers = WorkerPool(workers, definition.name) if workers else None
    stop = threading.Event()
    thread = threading.Thread(target=loop.run, args=(stop,), name=f"{definition.name}-consumer", daemon=True)
    thread.start()
    if state.workers is not None:
        state.workers.start(stop)
    config = uvicorn.Config(
        definition.app(store.engine, state, context),
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        server_header=False,
        lifespan="off",
    )
    try:
        SignalExitServer(config).run()  # returns after SIGTERM/SIGINT, once requests in flight are answered
    finally:
        stop.set()
        thread.join(timeout=STOP_TIMEOUT_S)
        if thread.is_alive():
            log.warning("the %s consumer did not stop within %.0f s", definition.name, STOP_TIMEOUT_S)
        if state.workers is not None and (stuck := state.workers.join(STOP_TIMEOUT_S)):
            log.warning("the %s workers %s did not stop within %.0f s", definition.name, stuck, STOP_TIMEOUT_S)
        store.engine.dispose()
    log.info("%s service stopped", definition.name)
    return 0


def rebuild_service(
    definition: ServiceDefinition[Context], runtime: RuntimeSettings, *, broker: Broker | None = None
) -> RebuildReport:
    """Empty the read model and replay the topics (``strangler service rebuild <name>``)."""
    return rebuild(runtime, definition.projection(), broker=broker)
