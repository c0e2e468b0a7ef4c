"""Fixtures for the kit's tests: ``store_url``, a read model on SQLite and on PostgreSQL (the server of
``tests/postgres_fixture.py``; skipped without Debian's postgresql), for the store's variants."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.postgres_fixture import postgres_database, postgres_server

__all__ = ["postgres_database", "postgres_server", "store_url"]


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty read-model database of the test's own."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    url: str = request.getfixturevalue("postgres_database")
    return url
