"""The supervisor process: watch every component of one STRANGLER_HOME, restart the crashed ones.

Once a second it looks at each component's recorded processes (by pid and start time, as the rest
of the stack does) and asks the pure core (``cli.stack.supervision``) whether to restart it. A
restart takes the stack's lock, so it never races ``strangler up`` or ``down``; when the lock is
busy the round is skipped. It serves ``/healthz`` (JSON) and ``/metrics`` (Prometheus).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, generate_latest

from cli.stack.component import Component
from cli.stack.errors import StackError
from cli.stack.settings import load_settings
from cli.stack.stack import Stack
from cli.stack.supervision import Backoff, RestartRecord, State, state_of
from cli.stack.supervisor import read_state, write_state

log = logging.getLogger("strangler.supervisor")

#: seconds between two looks at the stack
INTERVAL = 1.0


class Watch:
    """The supervisor's loop over one stack, with its metrics."""

    def __init__(self, stack: Stack, backoff: Backoff, registry: CollectorRegistry) -> None:
        self.stack = stack
        self.backoff = backoff
        self.records: dict[str, RestartRecord] = read_state(stack.settings.home)
        self.last_round = 0.0
        self.restarts = Counter(
            "strangler_supervisor_restarts",
            "Restarts of crashed components",
            ["component", "result"],
            registry=registry,
        )
        self.up = Gauge(
            "strangler_supervisor_component_up", "1 while the component runs", ["component"], registry=registry
        )

    def watched(self) -> list[Component]:
        return [c for c in self.stack.components if c is not self.stack.supervisor]

    def state(self, component: Component) -> State:
        names = component.process_names()
        processes = self.stack.processes
        return state_of([processes.record(n) is not None for n in names], [processes.is_running(n) for n in names])

    def round(self) -> None:
        _reap_children()
        self.last_round = time.monotonic()  # alive, even when `up` holds the lock and we only wait
        with self.stack.processes.exclusive(wait=False) as held:
            if not held:
                return
            for component in self.watched():
                record = self.records.setdefault(component.name, RestartRecord())
                state = self.state(component)
                self.up.labels(component.name).set(1 if state is State.RUNNING else 0)
                if record.observe(state, time.time(), self.backoff):
                    self.restart(component, record)
        write_state(self.stack.settings.home, {n: r for n, r in self.records.items() if r.restarts})

    def restart(self, component: Component, record: RestartRecord) -> None:
        log.warning("%s crashed; restarting (restart %d)", component.name, record.restarts + 1)
        error: str | None = None
        try:
            component.stop()  # what is left of it (another process of the component, a worker)
            component.check_ports_free()
            component.launch()
            component.wait_ready()
            component.after_ready()
        except StackError as failure:
            error = str(failure).splitlines()[0]
            log.error("restart of %s failed: %s", component.name, error)
        record.restarted(time.time(), error, self.backoff)
        self.restarts.labels(component.name, "failed" if error else "ok").inc()


def _reap_children() -> None:
    """Components we restarted are our children: collect the ones that exit, or they stay zombies."""
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def _serve(watch: Watch, registry: CollectorRegistry, host: str, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/metrics":
                self._send(200, generate_latest(registry), CONTENT_TYPE_LATEST)
            elif self.path == "/healthz":
                fresh = time.monotonic() - watch.last_round < 10 * INTERVAL + 60
                restarts = {n: r.restarts for n, r in watch.records.items() if r.restarts}
                body = json.dumps({"healthy": watch.last_round > 0 and fresh, "restarts": restarts})
                self._send(200, body.encode(), "application/json")
            else:
                self._send(404, b"not found\n", "text/plain")

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, name="supervisor-http", daemon=True).start()
    return server


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m cli.stack.supervisor_main")
    parser.add_argument("--home", type=Path, required=True)
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    stack = Stack(load_settings(arguments.home))
    registry = CollectorRegistry()
    watch = Watch(stack, Backoff(), registry)
    server = _serve(watch, registry, stack.settings.host, stack.settings.ports["supervisor"])
    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("watching %s", ", ".join(c.name for c in watch.watched()))
    while not stopping.is_set():
        watch.round()
        stopping.wait(INTERVAL)
    server.shutdown()


if __name__ == "__main__":
    main()
