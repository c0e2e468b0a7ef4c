"""The stack's supervisor as a component: it restarts crashed components with backoff.

``strangler up`` starts it last and ``down`` stops it first. It runs ``cli.stack.supervisor_main``,
which writes what it did to ``supervisor/state.json``; ``strangler status`` shows each component's
restarts from there. Containers and Kubernetes have their own restart policies and do not run it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cli.stack.services import PythonService
from cli.stack.supervision import RestartRecord

__all__ = ["Supervisor", "read_state"]


def state_file(home: Path) -> Path:
    return home / "supervisor" / "state.json"


def read_state(home: Path) -> dict[str, RestartRecord]:
    """Each component's restart record (none for a component never restarted)."""
    try:
        document = json.loads(state_file(home).read_text())
        return {name: RestartRecord.from_data(data) for name, data in document["components"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def write_state(home: Path, records: dict[str, RestartRecord]) -> None:
    target = state_file(home)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(".tmp")
    temporary.write_text(json.dumps({"components": {n: r.to_data() for n, r in records.items()}}, indent=2))
    temporary.replace(target)


class Supervisor(PythonService):
    name = "supervisor"
    port_names = ("supervisor",)
    health_port = "supervisor"
    start_timeout = 20.0

    def arguments(self) -> list[str]:
        return ["-m", "cli.stack.supervisor_main", "--home", str(self.settings.home)]

    def describe(self) -> dict[str, Any]:
        records = read_state(self.settings.home)
        return {
            "url": f"http://{self.settings.host}:{self.settings.ports['supervisor']}",
            "restarts": {name: record.restarts for name, record in records.items() if record.restarts},
        }
