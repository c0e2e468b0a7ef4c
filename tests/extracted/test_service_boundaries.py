"""Services talk through events, not code: no extracted service imports another service's package.

The shared pieces they may import are the kit (``extracted.runtime``), the REST layer
(``extracted.rest``), WordPress's formatting library (``extracted.formatting``), the event contracts
(``extracted.contracts``) and ``cdc.events``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from cli.capabilities import REGISTRY, load_registry

EXTRACTED = Path(__file__).resolve().parents[2] / "extracted"
SERVICES = sorted(capability.module.removeprefix("extracted.") for capability in load_registry(REGISTRY).values())


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_imports_no_other_service(service: str) -> None:
    others = tuple(f"extracted.{other}" for other in SERVICES if other != service)
    offending = {
        str(path.relative_to(EXTRACTED)): sorted(name for name in _imported(path) if name.startswith(others))
        for path in (EXTRACTED / service).rglob("*.py")
    }
    assert {name: found for name, found in offending.items() if found} == {}


def test_the_registry_names_every_service() -> None:
    assert {"content", "users", "comments"} <= set(SERVICES)
