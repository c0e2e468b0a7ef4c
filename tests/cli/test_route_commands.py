"""`strangler route ...` against the real proxy's admin API."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.stack_fixture import StackHandle

pytestmark = pytest.mark.stack


def _strangler(stack: StackHandle, *arguments: str) -> str:
    result = CliRunner().invoke(app, list(arguments), env={"STRANGLER_HOME": str(stack.home), "COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output


def test_route_lifecycle_through_the_cli(stack: StackHandle) -> None:
    service = stack.components["wordpress"]["url"]  # any HTTP service will do for routing itself
    _strangler(
        stack, "route", "set", "cli-demo", "--path", "/cli-demo/**", "--service", "demo", "--service-url", service
    )
    assert "cli-demo" in _strangler(stack, "route", "list")
    assert "shadow" in _strangler(stack, "route", "shadow", "cli-demo")
    assert "canary 25.0%" in _strangler(stack, "route", "canary", "cli-demo", "--percent", "25")
    assert "canary 25" in _strangler(stack, "route", "list")
    assert "cutover" in _strangler(stack, "route", "cutover", "cli-demo")
    assert "legacy" in _strangler(stack, "route", "rollback", "cli-demo")


def test_an_unknown_route_is_a_clear_error(stack: StackHandle) -> None:
    result = CliRunner().invoke(app, ["route", "shadow", "no-such-route"], env={"STRANGLER_HOME": str(stack.home)})
    assert result.exit_code == 1
    assert "no-such-route" in result.output


def test_cdc_status_shows_the_streaming_connector(stack: StackHandle) -> None:
    output = _strangler(stack, "cdc", "status")
    assert "streaming" in output
    assert "wp_posts" in output


def test_cdc_snapshot_sends_the_stack_token_and_the_port_refuses_others(stack: StackHandle) -> None:
    url = stack.components["cdc"]["url"]
    request = urllib.request.Request(url + "/snapshot", data=b'{"tables": ["wp_options"]}', method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 401
    assert "snapshot done" in _strangler(stack, "cdc", "snapshot", "wp_options")
