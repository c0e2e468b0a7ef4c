"""Shared fixtures. ``stack`` is the real stack (MariaDB, WordPress, Kafka, proxy), once per session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.stack_fixture import CORPUS, StackHandle, native_stack


@pytest.fixture(scope="session")
def stack(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackHandle]:
    home = tmp_path_factory.mktemp("strangler-home")
    if os.environ.get("STRANGLER_STACK") == "docker":
        from tests.stack_docker import docker_stack

        yield from docker_stack(request, home)
        return
    yield from native_stack(home)


@pytest.fixture(scope="session")
def docker_compose_file() -> str:
    """pytest-docker's hook: our docker-compose.yml at the repository root."""
    from tests.stack_docker import compose_file

    return compose_file()


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared test corpus is absent ({CORPUS}); it ships beside the repository in CI")
    return CORPUS
