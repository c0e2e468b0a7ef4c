"""A service's background workers (:class:`~extracted.runtime.types.Worker`): threads, health and metrics.

``serve`` starts each worker in a thread of its own beside the consumer and stops them with it. A
worker is healthy while its thread runs and its own ``health()`` says ``healthy``; a thread that died
(an exception escaped ``run``) or returned before the service stopped is reported with why, and keeps
the service unhealthy: its work (publishing events, say) has stopped, which a restart must fix.
On ``/metrics`` each worker has ``worker_up{worker=NAME}`` and a gauge ``worker_<field>`` for each
numeric field of its health (``worker_pending{worker="relay"}``).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from prometheus_client.core import GaugeMetricFamily

from .types import ConfigurationError, Worker

__all__ = ["WorkerPool"]

log = logging.getLogger(__name__)
_NOT_IN_METRIC_NAME = re.compile(r"[^a-zA-Z0-9_]")


@dataclass
class _Running:
    worker: Worker
    thread: threading.Thread | None = None
    #: why the thread ended while the service was running (None while it runs, or after a clean stop)
    ended: str | None = None


class WorkerPool:
    """The workers of one service process."""

    def __init__(self, workers: Sequence[Worker], service: str) -> None:
        names = [worker.name for worker in workers]
        if len(set(names)) != len(names):
            raise ConfigurationError(f"the {service} service's workers need distinct names, got {names}")
        self.service = service
        self._running = [_Running(worker) for worker in workers]
        self._stop = threading.Event()

    def __len__(self) -> int:
        return len(self._running)

    def start(self, stop: threading.Event) -> None:
        """Run every worker until ``stop`` is set."""
        self._stop = stop
        for running in self._running:
            thread = threading.Thread(
                target=self._run, args=(running,), name=f"{self.service}-{running.worker.name}", daemon=True
            )
            running.thread = thread
            thread.start()

    def _run(self, running: _Running) -> None:
        try:
            running.worker.run(self._stop)
        except Exception as error:  # reported as the worker's health; the other threads go on
            log.exception("the %s worker of the %s service died", running.worker.name, self.service)
            running.ended = f"died: {type(error).__name__}: {error}"
            return
        if not self._stop.is_set():
            log.error("the %s worker of the %s service returned before the service stopped", running.worker.name,
                      self.service)  # fmt: skip
            running.ended = "returned before the service stopped"

    def join(self, timeout_s: float) -> list[str]:
        """Wait up to ``timeout_s`` in all for the threads to end; returns the workers still running."""
        deadline = time.monotonic() + timeout_s
        for running in self._running:
            if running.thread is not None:
                running.thread.join(max(0.0, deadline - time.monotonic()))
        return [r.worker.name for r in self._running if r.thread is not None and r.thread.is_alive()]

    def _health(self, running: _Running) -> dict[str, Any]:
        alive = running.thread is not None and running.thread.is_alive()
        try:
            own = dict(running.worker.health())
        except Exception as error:  # a broken health() must not break /healthz
            own = {"healthy": False, "health_error": f"{type(error).__name__}: {error}"}
        document: dict[str, Any] = {**own, "healthy": bool(own.get("healthy", False)) and alive, "running": alive}
        if running.ended is not None:
            document["ended"] = running.ended
        return document

    def health(self) -> dict[str, dict[str, Any]]:
        """Each worker's health, by name (``healthy`` False while its thread does not run)."""
        return {running.worker.name: self._health(running) for running in self._running}

    def families(self) -> Iterator[GaugeMetricFamily]:
        """``worker_up`` and one gauge per numeric health field, labelled by worker."""
        up = GaugeMetricFamily("worker_up", "1 while the worker's thread runs and it reports itself healthy",
                               labels=["worker"])  # fmt: skip
        fields: dict[str, GaugeMetricFamily] = {}
        for name, document in self.health().items():
            up.add_metric([name], 1 if document["healthy"] else 0)
            for key, value in document.items():
                if key in ("healthy", "running") or not isinstance(value, int | float):
                    continue  # bools are ints: "failing" becomes worker_failing 0/1
                metric = "worker_" + _NOT_IN_METRIC_NAME.sub("_", key)
                if metric not in fields:
                    fields[metric] = GaugeMetricFamily(metric, f"The workers' {key!r}", labels=["worker"])
                fields[metric].add_metric([name], float(value))
        yield up
        yield from fields.values()
