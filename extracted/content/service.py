"""Running the service: the consumer in a thread, the HTTP app in uvicorn, clean exit on SIGTERM."""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from types import FrameType

import uvicorn

from extracted.runtime import (
    Consumer,
    ConsumerState,
    RebuildReport,
    RuntimeSettings,
    Store,
    open_engine,
    rebuild,
)

from . import schema
from .app import Generation, create_app
from .errors import ConfigurationError
from .projection import ContentProjection

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServiceSettings:
    listen: str
    runtime: RuntimeSettings

    @property
    def host_port(self) -> tuple[str, int]:
        host, _, port = self.listen.rpartition(":")
        if not host or not port.isdigit():
            raise ConfigurationError(f"--listen must be HOST:PORT, got {self.listen!r}")
        return host, int(port)


class _Server(uvicorn.Server):
    """uvicorn re-raises SIGTERM after shutting down (exit status -15); the service exits 0 instead."""

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


def serve(settings: ServiceSettings) -> int:
    host, port = settings.host_port
    store = Store(open_engine(settings.runtime.store_url), schema.metadata)
    store.create()
    state = ConsumerState(settings.runtime.group)
    generation = Generation()
    consumer = Consumer(settings.runtime, ContentProjection(), store, state, on_commit=generation.bump)
    stop = threading.Event()
    thread = threading.Thread(target=consumer.run, args=(stop,), name="content-consumer", daemon=True)
    thread.start()
    app = create_app(store.engine, state, generation)
    config = uvicorn.Config(
        app, host=host, port=port, log_level="warning", access_log=False, server_header=False, lifespan="off"
    )
    try:
        _Server(config).run()  # returns after SIGTERM/SIGINT, once requests in flight are answered
    finally:
        stop.set()
        thread.join(timeout=15)
        store.engine.dispose()
    log.info("content service stopped")
    return 0


def rebuild_content(runtime: RuntimeSettings) -> RebuildReport:
    """Empty the read model and replay the topics (``strangler service rebuild content``)."""
    return rebuild(runtime, ContentProjection())
