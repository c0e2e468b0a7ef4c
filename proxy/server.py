"""Process shell: binds the public and admin sockets, runs one HTTP server per worker (ours,
`proxy.http_server`, or uvicorn; both uvloop + httptools) plus one shadow process, forwards
SIGTERM/SIGINT (graceful stop) and SIGHUP (route reload).

With one worker the parent process is that worker; with several it supervises them (restarting
any that dies). Metrics of all processes are aggregated through PROMETHEUS_MULTIPROC_DIR."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import shutil
import signal
import socket
import tempfile
import time
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import FrameType
from typing import Any

import uvloop

from proxy.dashboard.types import Component

log = logging.getLogger("proxy")
STOP_GRACE_SECONDS = 15.0
GRACEFUL_SHUTDOWN_SECONDS = 10
IN_MEMORY_STORES = ("sqlite://", "sqlite:///:memory:")  # per process: cannot be shared


@dataclass(frozen=True)
class ServeOptions:
    listen: tuple[str, int]
    admin_listen: tuple[str, int]
    wordpress: str
    routes: Path
    store: str
    admin_token: str
    workers: int = 1
    wordpress_timeout: float = 120.0
    log_level: str = "info"
    shadow_queue_size: int = 1000
    # Candidate requests in flight at once: few, so that on a busy machine shadowing sheds copies
    # (counted) rather than loading the services and WordPress's machine (measured: 16 cost visitors
    # +61% p50 on 2 cores, 2 cost +26%).
    shadow_concurrency: int = 2
    # Under light traffic each copy woke the shadow process on its own, at ~1.1 ms of CPU per
    # comparison (cold caches); read in bursts, ~0.85 ms. Heavy traffic is read without pausing.
    shadow_linger: float = 0.25
    server: str = "native"  # or "uvicorn"
    components: tuple[Component, ...] = ()  # shown on the dashboard


def bind(address: tuple[str, int]) -> socket.socket:
    family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(address)
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _ignore(_signum: int, _frame: FrameType | None) -> None:
    """uvicorn re-raises the signal that stopped it; with this handler that ends in a clean exit."""


def run_worker(options: ServeOptions, sockets: list[socket.socket], shadow_channel: Path | None = None) -> None:
    from proxy.runtime import Dispatcher, ProxyRuntime, RuntimeConfig

    logging.basicConfig(
        level=options.log_level.upper(), format="%(asctime)s %(process)d %(name)s %(levelname)s %(message)s"
    )
    runtime = ProxyRuntime(
        RuntimeConfig(
            wordpress_url=options.wordpress,
            routes_path=options.routes,
            store_url=options.store,
            admin_token=options.admin_token,
            wordpress_timeout=options.wordpress_timeout,
            shadow_channel=shadow_channel,
            components=options.components,
        )
    )
    app = Dispatcher(runtime, admin_port=sockets[1].getsockname()[1], handle_sighup=True)
    if options.server == "uvicorn":
        _run_uvicorn(app, sockets, options.log_level)
    else:
        uvloop.run(_run_native(app, sockets))


async def _run_native(app: Any, sockets: list[socket.socket]) -> None:
    from proxy.http_server import AsgiServer
    from proxy.lifespan import Lifespan, LifespanError

    lifespan = Lifespan(app)
    try:
        await lifespan.startup()
    except LifespanError as exc:
        log.error("proxy worker not started: %s", exc)
        raise SystemExit(3) from exc
    server = AsgiServer(app)
    await server.start(sockets)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await server.shutdown(GRACEFUL_SHUTDOWN_SECONDS)
    await lifespan.shutdown()


def _run_uvicorn(app: Any, sockets: list[socket.socket], log_level: str) -> None:
    import uvicorn

    config = uvicorn.Config(
        app, loop="uvloop", http="httptools", ws="none", lifespan="on", access_log=False,
        server_header=False, date_header=False, log_level=log_level,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        # X-Forwarded-* are ours to append (proxy.headers), never to trust from visitors
        proxy_headers=False,
    )  # fmt: skip
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, _ignore)
    uvicorn.Server(config).run(sockets=sockets)


def _stop(process: BaseProcess, deadline: float) -> None:
    if process.pid and process.is_alive():
        os.kill(process.pid, signal.SIGTERM)
    process.join(max(0.1, deadline - time.monotonic()))
    if process.is_alive():
        process.kill()
        process.join()


class _Supervisor:
    def __init__(self, options: ServeOptions, sockets: list[socket.socket], shadow_channel: Path) -> None:
        self.options, self.sockets, self.channel = options, sockets, shadow_channel
        self.context = multiprocessing.get_context("spawn")
        self.workers: list[BaseProcess] = []
        self.shadow: BaseProcess | None = None
        self.stopping = False

    def spawn_shadow(self) -> BaseProcess:
        from proxy.shadow_process import run_shadow_process

        process = self.context.Process(target=run_shadow_process, args=(self.options, self.channel), name="shadow")
        process.start()
        return process

    def spawn_worker(self) -> BaseProcess:
        process = self.context.Process(target=run_worker, args=(self.options, self.sockets, self.channel))
        process.start()
        return process

    def on_stop(self, _signum: int, _frame: FrameType | None) -> None:
        self.stopping = True
        for worker in self.workers:
            if worker.pid and worker.is_alive():
                os.kill(worker.pid, signal.SIGTERM)

    def on_hup(self, _signum: int, _frame: FrameType | None) -> None:
        for worker in self.workers:
            if worker.pid and worker.is_alive():
                os.kill(worker.pid, signal.SIGHUP)

    def _replace_dead(self) -> None:
        from prometheus_client import multiprocess

        for index, worker in enumerate(self.workers):
            if not worker.is_alive() and not self.stopping:
                log.error("worker %s exited with %s; restarting it", worker.pid, worker.exitcode)
                multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
                self.workers[index] = self.spawn_worker()
        if self.shadow is not None and not self.shadow.is_alive() and not self.stopping:
            log.error("shadow process exited with %s; restarting it", self.shadow.exitcode)
            self.shadow = self.spawn_shadow()

    def run(self) -> int:
        """Serves until SIGTERM/SIGINT; returns the exit status."""
        signal.signal(signal.SIGHUP, self.on_hup)
        if self.options.workers <= 1 and self.options.store in IN_MEMORY_STORES:
            run_worker(self.options, self.sockets)  # a private in-memory store: shadow in-process
            return 0
        self.shadow = self.spawn_shadow()
        if self.options.workers <= 1:
            try:
                run_worker(self.options, self.sockets, self.channel)  # this process is the worker
            finally:
                self.stopping = True
                _stop(self.shadow, time.monotonic() + STOP_GRACE_SECONDS)
            return 0
        signal.signal(signal.SIGTERM, self.on_stop)
        signal.signal(signal.SIGINT, self.on_stop)
        self.workers = [self.spawn_worker() for _ in range(self.options.workers)]
        while not self.stopping:
            time.sleep(0.2)
            self._replace_dead()
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for worker in self.workers:
            _stop(worker, deadline)
        _stop(self.shadow, deadline)
        return 0


def serve(options: ServeOptions) -> int:
    sockets = [bind(options.listen), bind(options.admin_listen)]
    metrics_dir = tempfile.mkdtemp(prefix="strangler-proxy-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir  # before anything imports prometheus_client
    try:
        return _Supervisor(options, sockets, Path(metrics_dir) / "shadow.sock").run()
    finally:
        shutil.rmtree(metrics_dir, ignore_errors=True)
