"""What every supervised component of the stack looks like to ``Stack``."""

from __future__ import annotations

import abc
import time
from typing import Any

from cli.stack.errors import ComponentFailedError, PortInUseError
from cli.stack.ports import port_is_free
from cli.stack.processes import ProcessTable
from cli.stack.settings import StackSettings, port_variable


class Component(abc.ABC):
    """One component: the processes it owns, how to start them, how to tell they are ready."""

    name: str
    #: keys of ``settings.ports`` this component listens on
    port_names: tuple[str, ...] = ()
    #: seconds ``up`` waits for readiness
    start_timeout: float = 60.0

    def __init__(self, settings: StackSettings, processes: ProcessTable) -> None:
        self.settings = settings
        self.processes = processes

    def process_names(self) -> tuple[str, ...]:
        return (self.name,)

    def is_running(self) -> bool:
        if self.settings.external is not None:
            return True  # another tool runs it: only its readiness tells
        return all(self.processes.is_running(name) for name in self.process_names())

    def check_ports_free(self) -> None:
        for port_name in self.port_names:
            port = self.settings.ports[port_name]
            if not port_is_free(self.settings.host, port):
                raise PortInUseError(self.name, port, port_variable(port_name))

    @abc.abstractmethod
    def launch(self) -> None:
        """Prepare configuration and data (once) and start the processes; do not wait."""

    @abc.abstractmethod
    def is_ready(self) -> bool:
        """A cheap real check that the component serves (a ping, a request)."""

    @abc.abstractmethod
    def describe(self) -> dict[str, Any]:
        """Connection details for ``strangler status --json`` (without ``healthy``)."""

    def after_ready(self) -> None:  # noqa: B027 - optional hook, most components need nothing here
        """One-time work that needs the component up (users, installation). Idempotent."""

    def wait_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.is_ready():
                return
            for name in self.process_names():
                if self.processes.exited_early(name):
                    raise ComponentFailedError(
                        f"{self.name}: process {name} exited during start; see {self.processes.log_path(name)}\n"
                        + self.log_tail(name)
                    )
            time.sleep(0.1)
        raise ComponentFailedError(
            f"{self.name} was not ready within {self.start_timeout:.0f} s; see {self.processes.log_path(self.name)}\n"
            + self.log_tail(self.process_names()[0])
        )

    def log_tail(self, process_name: str, lines: int = 15) -> str:
        try:
            text = self.processes.log_path(process_name).read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        for name in reversed(self.process_names()):
            self.processes.stop(name)
