"""Fixtures of the CLI's stack tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from cli.capabilities import load_registry
from cli.main import app
from proxy.client import AdminClient
from tests.stack_fixture import StackHandle


@pytest.fixture
def cut_over(stack: StackHandle) -> Iterator[AdminClient]:
    proxy = stack.components["proxy"]
    environment = {"STRANGLER_HOME": str(stack.home), "COLUMNS": "200"}
    with AdminClient(proxy["admin_url"], proxy["admin_token"]) as admin:
        try:
            for command in (["extract", "content"], ["cutover", "content", "--force"]):
                result = CliRunner().invoke(app, command, env=environment)
                assert result.exit_code == 0, result.output
            yield admin
        finally:
            for route in load_registry()["content"].routes:
                admin.delete_route(route.name)
