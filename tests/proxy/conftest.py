"""Fixtures for the proxy tests."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.proxy.fakes import Harness, harness_factory


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def make_harness(tmp_path: Path) -> Callable[..., contextlib.AbstractAsyncContextManager[Harness]]:
    return harness_factory(tmp_path)
