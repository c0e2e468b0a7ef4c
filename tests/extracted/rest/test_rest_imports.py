"""``extracted.rest`` stands alone: no service's package is imported by it, statically or when loaded."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import extracted.rest

PACKAGE = Path(extracted.rest.__file__).parent


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_no_module_of_the_package_imports_another_extracted_package() -> None:
    modules = sorted(PACKAGE.glob("*.py"))
    assert len(modules) > 10
    offending = {
        path.name: sorted(name for name in _imported(path) if name.startswith("extracted") and name != "extracted.rest")
        for path in modules
    }
    assert {name: found for name, found in offending.items() if found} == {}


def test_loading_the_package_loads_no_service() -> None:
    code = "import sys, extracted.rest; print(sorted(m for m in sys.modules if m.startswith('extracted.')))"
    loaded = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert "extracted.rest" in loaded
    assert all(name.startswith("'extracted.rest") for name in loaded.strip("[]\n").split(", ")), loaded
