"""Wires one worker's parts together: route table, transports, shadow mirror, store, apps."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from proxy.app import ProxyApp, ProxySettings, ShadowCapture
from proxy.dashboard.types import Component
from proxy.metrics import RELOADS, TrafficObserver
from proxy.reload import RouteTableHolder
from proxy.types import Transport
from proxy.upstream import UpstreamTransport

log = logging.getLogger("proxy")
METRICS_PUBLISH_SECONDS = 0.25


class ShadowRunner(Protocol):
    dropped: int

    def submit(self, capture: ShadowCapture) -> None: ...

    def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def aclose(self) -> None: ...


@dataclass
class RuntimeConfig:
    wordpress_url: str
    routes_path: Path
    store_url: str = "sqlite://"
    admin_token: str = ""
    wordpress_timeout: float = 120.0
    shadow_queue_size: int = 1000
    shadow_concurrency: int = 8
    retention_rows: int = 100_000
    flush_interval: float = 1.0
    # Health URLs the dashboard polls (`--component NAME=URL`).
    components: tuple[Component, ...] = ()
    # Set by the server: captures go to the shadow process (this unix socket) instead of an
    # in-process ShadowMirror.
    shadow_channel: Path | None = None


class ProxyRuntime:
    def __init__(
        self,
        config: RuntimeConfig,
        legacy: Transport | None = None,
        services: Transport | None = None,
        shadow_transport: Transport | None = None,
    ) -> None:
        from proxy.admin import build_admin_app
        from proxy.dashboard.routes import dashboard_routes
        from proxy.shadow import ShadowMirror
        from proxy.store import open_store

        self.config = config
        self.started_at = time.time()
        self.routes = RouteTableHolder(
            config.routes_path, on_reload=lambda ok: RELOADS.labels("ok" if ok else "refused").inc()
        )
        self.observer = TrafficObserver()
        self.legacy: Transport = legacy or UpstreamTransport()
        self.services: Transport = services or self.legacy
        self.store = open_store(config.store_url, retention_rows=config.retention_rows)
        self.shadow: ShadowRunner
        if config.shadow_channel is not None:
            from proxy.shadow_channel import SocketShadowSink

            self.shadow = SocketShadowSink(config.shadow_channel, self.observer.shadow_dropped)
        else:
            self.shadow = ShadowMirror(
                wordpress_url=config.wordpress_url,
                transport=shadow_transport or self.services,
                legacy_transport=shadow_transport or self.legacy,
                store=self.store,
                observer=self.observer,
                queue_size=config.shadow_queue_size,
                concurrency=config.shadow_concurrency,
            )
        settings = ProxySettings(config.wordpress_url, wordpress_timeout=config.wordpress_timeout)
        self.app = ProxyApp(
            settings, self.routes, self.legacy, self.services, shadow=self.shadow, observer=self.observer
        )
        self.admin = build_admin_app(self, dashboard_routes(config.components))
        self._flusher: asyncio.Task[None] | None = None

    async def _flush_loop(self) -> None:
        flushed = time.monotonic()
        while True:
            await asyncio.sleep(min(METRICS_PUBLISH_SECONDS, self.config.flush_interval))
            self.observer.publish()
            if time.monotonic() - flushed >= self.config.flush_interval:
                flushed = time.monotonic()
                await self.flush()

    async def flush(self) -> None:
        """Moves this worker's traffic counters into the shared store."""
        pending = self.observer.take()
        if pending:
            try:
                await asyncio.to_thread(self.store.add_traffic, pending)
            except Exception:
                log.exception("could not flush traffic counters")

    async def start(self, watch_interval: float = 0.5) -> None:
        await asyncio.to_thread(self.store.create)
        self.routes.start(watch_interval)
        self.shadow.start()
        self._flusher = asyncio.get_running_loop().create_task(self._flush_loop())

    async def stop(self) -> None:
        await self.routes.stop()
        await self.shadow.stop()
        if self._flusher is not None:
            self._flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._flusher
        self.observer.publish()
        await self.flush()
        await self.legacy.aclose()
        if self.services is not self.legacy:
            await self.services.aclose()
        await self.shadow.aclose()
        self.store.dispose()


class Dispatcher:
    """ASGI entry of a worker: lifespan starts/stops the runtime; requests go to the public or the
    admin app depending on which listening socket they arrived on."""

    def __init__(self, runtime: ProxyRuntime, admin_port: int, handle_sighup: bool = False) -> None:
        self.runtime = runtime
        self.admin_port = admin_port
        self.handle_sighup = handle_sighup

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        server = scope.get("server")
        if server is not None and server[1] == self.admin_port:
            await self.runtime.admin(scope, receive, send)
        else:
            await self.runtime.app(scope, receive, send)

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.runtime.start()
                except Exception as exc:
                    log.exception("proxy failed to start")
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                if self.handle_sighup:
                    loop = asyncio.get_running_loop()
                    loop.add_signal_handler(signal.SIGHUP, self.runtime.routes.try_reload)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.runtime.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return
