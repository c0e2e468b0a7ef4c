"""`strangler service rebuild` on the real stack: the read model comes back the same."""

from __future__ import annotations

import httpx
import pytest
from typer.testing import CliRunner

from cli.main import app
from cli.stack.ports import wait_until
from tests.stack_fixture import StackHandle

pytestmark = pytest.mark.stack


def test_rebuild_replays_the_topics_into_the_same_answers(stack: StackHandle) -> None:
    service = stack.components["content"]["url"]
    before = httpx.get(f"{service}/wp-json/wp/v2/posts?per_page=100").content
    result = CliRunner().invoke(app, ["service", "rebuild", "content"], env={"STRANGLER_HOME": str(stack.home)})
    assert result.exit_code == 0, result.output
    assert "rebuilt and running again" in result.output
    assert wait_until(lambda: httpx.get(f"{service}/healthz").json().get("healthy") is True, 30)
    assert httpx.get(f"{service}/wp-json/wp/v2/posts?per_page=100").content == before


def test_rebuilding_an_unknown_service_is_a_clear_error(stack: StackHandle) -> None:
    result = CliRunner().invoke(app, ["service", "rebuild", "nothing"], env={"STRANGLER_HOME": str(stack.home)})
    assert result.exit_code == 1
    assert "no installed service for capability 'nothing'" in result.output
