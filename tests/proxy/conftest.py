"""Fixtures for the proxy tests."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.postgres_fixture import postgres_database, postgres_server
from tests.proxy.fakes import Harness, harness_factory

__all__ = ["postgres_database", "postgres_server"]  # the PostgreSQL server fixtures, for the store tests


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def make_harness(tmp_path: Path) -> Callable[..., contextlib.AbstractAsyncContextManager[Harness]]:
    return harness_factory(tmp_path)
