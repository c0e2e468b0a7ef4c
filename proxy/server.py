"""Process shell: binds the public and admin sockets, runs one uvicorn (uvloop + httptools) per
worker, forwards SIGTERM/SIGINT (graceful stop) and SIGHUP (route reload) from the parent."""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import signal
import socket
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import uvicorn

log = logging.getLogger("proxy")


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


def run_worker(options: ServeOptions, sockets: list[socket.socket]) -> None:
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
        )
    )
    app = Dispatcher(runtime, admin_port=sockets[1].getsockname()[1], handle_sighup=True)
    config = uvicorn.Config(
        app,
        loop="uvloop",
        http="httptools",
        ws="none",
        lifespan="on",
        access_log=False,
        server_header=False,
        date_header=False,
        log_level=options.log_level,
        timeout_graceful_shutdown=10,
    )
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, _ignore)
    uvicorn.Server(config).run(sockets=sockets)


class _Supervisor:
    def __init__(self, options: ServeOptions, sockets: list[socket.socket]) -> None:
        self.options, self.sockets = options, sockets
        self.context = multiprocessing.get_context("spawn")
        self.workers: list[multiprocessing.process.BaseProcess] = []
        self.stopping = False

    def spawn(self) -> multiprocessing.process.BaseProcess:
        process = self.context.Process(target=run_worker, args=(self.options, self.sockets), daemon=False)
        process.start()
        return process

    def on_stop(self, signum: int, _frame: FrameType | None) -> None:
        self.stopping = True
        for worker in self.workers:
            if worker.pid and worker.is_alive():
                os.kill(worker.pid, signal.SIGTERM)

    def on_hup(self, _signum: int, _frame: FrameType | None) -> None:
        for worker in self.workers:
            if worker.pid and worker.is_alive():
                os.kill(worker.pid, signal.SIGHUP)

    def run(self) -> int:
        from prometheus_client import multiprocess

        signal.signal(signal.SIGTERM, self.on_stop)
        signal.signal(signal.SIGINT, self.on_stop)
        signal.signal(signal.SIGHUP, self.on_hup)
        self.workers = [self.spawn() for _ in range(self.options.workers)]
        while not self.stopping:
            time.sleep(0.2)
            for index, worker in enumerate(self.workers):
                if not worker.is_alive() and not self.stopping:
                    log.error("worker %s exited with %s; restarting it", worker.pid, worker.exitcode)
                    if worker.pid:
                        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
                    self.workers[index] = self.spawn()
        deadline = time.monotonic() + 15
        for worker in self.workers:
            worker.join(max(0.1, deadline - time.monotonic()))
            if worker.is_alive():
                worker.kill()
                worker.join()
        return 0


def serve(options: ServeOptions) -> int:
    sockets = [bind(options.listen), bind(options.admin_listen)]
    if options.workers <= 1:
        run_worker(options, sockets)
        return 0
    metrics_dir = tempfile.mkdtemp(prefix="strangler-proxy-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    try:
        return _Supervisor(options, sockets).run()
    finally:
        shutil.rmtree(metrics_dir, ignore_errors=True)
