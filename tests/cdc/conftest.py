"""Fixtures of the CDC integration tests.

``components`` is the session stack's ``strangler status --json`` components. For a quick edit-test
loop against an already running stack, point ``CDC_TEST_STATUS_JSON`` at a saved
``strangler status --json`` output (and ``CDC_TEST_HOME`` at its STRANGLER_HOME for the tests that
restart components); otherwise the shared ``stack`` fixture brings one up.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cli.stack import Stack, load_settings
from tests.cdc.harness import Connector


@pytest.fixture(scope="session")
def components(request: pytest.FixtureRequest) -> dict[str, Any]:
    saved = os.environ.get("CDC_TEST_STATUS_JSON")
    if saved:
        data: dict[str, Any] = json.loads(Path(saved).read_text())
        return dict(data.get("components", data))
    stack = request.getfixturevalue("stack")
    return dict(stack.components)


@pytest.fixture(scope="session")
def supervisor(request: pytest.FixtureRequest) -> Stack:
    """The session stack's supervisor, to stop and start its components (native stack only)."""
    if os.environ.get("CDC_TEST_STATUS_JSON"):
        home = os.environ.get("CDC_TEST_HOME")
        if not home:
            pytest.skip("restarting components needs CDC_TEST_HOME (the STRANGLER_HOME of CDC_TEST_STATUS_JSON)")
        return Stack(load_settings(Path(home)))
    stack: Stack | None = request.getfixturevalue("stack").stack
    if stack is None:
        pytest.skip("restarting components needs the native stack")
    return stack


@pytest.fixture
def connectors(components: dict[str, Any], tmp_path: Path) -> Iterator[list[Connector]]:
    """Connectors a test starts are stopped (and must exit cleanly) at its end."""
    started: list[Connector] = []
    yield started
    codes = [(c.prefix, c.stop()) for c in started]
    assert all(code == 0 for _, code in codes), f"connectors did not exit cleanly: {codes}"


@pytest.fixture
def new_connector(components: dict[str, Any], tmp_path: Path, connectors: list[Connector]) -> Any:
    def make(**kwargs: Any) -> Connector:
        connector = Connector(components, tmp_path, **kwargs)
        connectors.append(connector)
        return connector

    return make
