"""The real stack for integration tests: native by default, docker-compose with STRANGLER_STACK=docker.

Native: a temporary STRANGLER_HOME and free ports, so it never collides with a running demo; seeded
with the demo site; taken down at the end, checking that no process it started survives.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cli.stack import Stack, load_settings
from cli.stack.ports import free_port
from cli.stack.processes import group_alive
from cli.stack.settings import DEFAULT_PORTS
from wordpress.demo import demo_export
from wordpress.importer import import_export

REPOSITORY = Path(__file__).resolve().parents[1]
CORPUS = REPOSITORY.parent / "shared" / "corpus"


@dataclass
class StackHandle:
    home: Path
    components: dict[str, dict[str, Any]]
    stack: Stack | None = None
    notes: dict[str, Any] = field(default_factory=dict)

    def refresh(self) -> dict[str, dict[str, Any]]:
        if self.stack is not None:
            self.components = self.stack.status()
        return self.components


def native_stack(home: Path) -> Iterator[StackHandle]:
    ports = {name: free_port() for name in DEFAULT_PORTS}
    stack = Stack(load_settings(home, create=True, ports=ports))
    try:
        stack.up()
        import_export(demo_export(), stack.wordpress.php_request(admin_user=stack.settings.admin_user))
        yield StackHandle(home=home, components=stack.status(), stack=stack)
    finally:
        records = [stack.processes.record(name) for name in stack.processes.names()]
        stack.down()
        survivors = [record.pid for record in records if record and group_alive(record.pid)]
        if survivors:
            raise AssertionError(f"strangler down left process groups running: {survivors}")
