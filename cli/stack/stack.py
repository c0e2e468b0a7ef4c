"""The whole local stack: bring it up idempotently, report its status, take it down by pid."""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cli.stack.component import Component
from cli.stack.errors import ComponentFailedError
from cli.stack.kafka import Kafka
from cli.stack.mail import MailSink
from cli.stack.mariadb import MariaDB
from cli.stack.packages import ensure_packages
from cli.stack.processes import ProcessTable
from cli.stack.services import Cdc, ExtractedService, Proxy
from cli.stack.settings import StackSettings
from cli.stack.supervisor import Supervisor, read_state
from cli.stack.wordpress import WordPress

Progress = Callable[[str], None]


@dataclass
class UpReport:
    started: list[str] = field(default_factory=list)
    already_running: list[str] = field(default_factory=list)
    installed_packages: list[str] = field(default_factory=list)


class Stack:
    def __init__(self, settings: StackSettings) -> None:
        self.settings = settings
        self.processes = ProcessTable(settings.home / "run", settings.home / "logs")
        self.mariadb = MariaDB(settings, self.processes)
        self.wordpress = WordPress(settings, self.processes)
        self.kafka = Kafka(settings, self.processes)
        self.cdc = Cdc(settings, self.processes)
        self.mail = MailSink(settings, self.processes)
        services = self.extracted_services()
        watched = {"wordpress": f"{settings.wordpress_url}/wp-json/", "cdc": self.cdc.health_url}
        self.proxy = Proxy(settings, self.processes, watched | {s.name: s.health_url for s in services})
        self.supervisor = Supervisor(settings, self.processes)
        # Components launched together, stage by stage; a stage waits for the one before it.
        self.stages: list[list[Component]] = [
            [self.mariadb, self.kafka, self.wordpress, self.proxy, self.mail],
            [self.cdc],  # reads MariaDB's binlog into Kafka: both must be up
            list(services),  # consume CDC's topics; mail to the sink
        ]
        if settings.external is None:
            self.stages.append([self.supervisor])  # restarts what crashes, once everything runs

    def extracted_services(self) -> list[ExtractedService]:
        """One per capability of the registry whose service is installed."""
        from cli.capabilities import load_registry

        return [
            ExtractedService(self.settings, self.processes, capability)
            for capability in load_registry().values()
            if _installed(capability.module)
        ]

    def service(self, name: str) -> ExtractedService:
        for component in self.components:
            if isinstance(component, ExtractedService) and component.name == name:
                return component
        raise KeyError(f"no installed service for capability {name!r}")

    @property
    def components(self) -> list[Component]:
        return [component for stage in self.stages for component in stage]

    def component(self, name: str) -> Component:
        for component in self.components:
            if component.name == name or name in component.process_names():
                return component
        raise KeyError(name)

    def up(self, progress: Progress = lambda message: None) -> UpReport:
        if self.settings.external is not None:
            return self._attach(progress)
        report = UpReport(installed_packages=ensure_packages())
        with self.processes.exclusive():
            return self._up(report, progress)

    def _up(self, report: UpReport, progress: Progress) -> UpReport:
        needed = [component for component in self.components if not (component.is_running() and component.is_ready())]
        for component in needed:
            component.stop()  # a half-dead component (one process of two, or hung) starts clean
        for component in needed:
            component.check_ports_free()
        started: list[Component] = []
        try:
            for stage in self.stages:
                for component in stage:
                    if component in needed:
                        progress(f"starting {component.name}")
                        component.launch()
                        started.append(component)
                for component in stage:
                    if component in needed:
                        component.wait_ready()
                        component.after_ready()
                        progress(f"{component.name} ready")
                        report.started.append(component.name)
                    else:
                        report.already_running.append(component.name)
            if not self.wordpress.rest_ready():
                raise ComponentFailedError(
                    f"wordpress: the REST API does not answer 200 at {self.settings.wordpress_url}/wp-json/; "
                    f"see {self.processes.log_path('php-fpm')}"
                )
        except BaseException:
            for component in reversed(started):
                component.stop()
            raise
        return report

    def _attach(self, progress: Progress, timeout: float = 300.0) -> UpReport:
        """A stack another tool runs: wait until every component is ready, then install WordPress
        (idempotent, as ``up`` does) and wait for its REST API; start nothing."""
        assert self.settings.external is not None
        manager = self.settings.external.manager
        deadline = time.monotonic() + timeout

        def wait(check: Callable[[], bool], what: str) -> None:
            while not check():
                if time.monotonic() >= deadline:
                    raise ComponentFailedError(f"{what} after {timeout:.0f} s; it runs under {manager}: see its logs")
                time.sleep(0.5)

        for component in self.components:
            progress(f"waiting for {component.name}")
            wait(component.is_ready, f"{component.name} is not ready")
        progress("installing WordPress")
        self.wordpress.after_ready()
        wait(self.wordpress.rest_ready, f"wordpress: no 200 from {self.settings.wordpress_url}/wp-json/")
        return UpReport(already_running=[component.name for component in self.components])

    def down(self, progress: Progress = lambda message: None) -> list[str]:
        with self.processes.exclusive():
            return self._down(progress)

    def _down(self, progress: Progress) -> list[str]:
        stopped = []
        for component in reversed(self.components):
            if any(self.processes.record(name) for name in component.process_names()):
                progress(f"stopping {component.name}")
                component.stop()
                stopped.append(component.name)
        for leftover in self.processes.names():  # anything recorded by an older version of the stack
            self.processes.stop(leftover)
            stopped.append(leftover)
        return stopped

    def status(self) -> dict[str, dict[str, Any]]:
        components: dict[str, dict[str, Any]] = {}
        restarts = read_state(self.settings.home)
        for component in self.components:
            healthy = component.is_running() and component.is_ready()
            if component is self.wordpress:
                healthy = healthy and self.wordpress.rest_ready()
            components[component.name] = {"healthy": healthy, **component.describe()}
            if component is not self.supervisor:
                record = restarts.get(component.name)
                components[component.name]["restarts"] = record.restarts if record else 0
                if record and record.last_error:
                    components[component.name]["last_restart_error"] = record.last_error
        return components


def _installed(module: str) -> bool:
    """Whether ``python -m module`` can run (its package may be absent altogether)."""
    try:
        return importlib.util.find_spec(f"{module}.__main__") is not None
    except ModuleNotFoundError:
        return False
