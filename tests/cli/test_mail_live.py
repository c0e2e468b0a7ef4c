"""The stack's mail sink on the real stack: the registration mails (site-emails, for registrations the
users service took) land there, and ``strangler mail`` shows them. The user registered here is deleted
again (WordPress's own ``wp_delete_user`` through its REST API), and ``users_can_register`` is restored."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.cdc.harness import query
from tests.extracted.content.content_process import wait_for
from tests.stack_fixture import StackHandle

pytestmark = pytest.mark.stack


def strangler(stack: StackHandle, *arguments: str) -> str:
    result = CliRunner().invoke(app, list(arguments), env={"STRANGLER_HOME": str(stack.home), "COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output


def caught(stack: StackHandle, to: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(strangler(stack, "mail", "list", "--json", "--to", to))["messages"]
    return found


@pytest.fixture
def registration_open(stack: StackHandle) -> Iterator[str]:
    """``users_can_register`` on, until the users service knows it; yields the public host name."""
    option = "SELECT option_value FROM wp_options WHERE option_name = 'users_can_register'"
    ((before,),) = query(stack.components, option)
    query(stack.components, "UPDATE wp_options SET option_value = '1' WHERE option_name = 'users_can_register'")
    public = httpx.URL(stack.components["proxy"]["url"]).netloc.decode()
    form = f"{stack.components['users']['url']}/wp-login.php?action=register"
    try:
        wait_for(lambda: httpx.get(form, headers={"Host": public}).status_code == 200, 30)  # CDC brought the option
        yield public
    finally:
        update = "UPDATE wp_options SET option_value = %s WHERE option_name = 'users_can_register'"
        query(stack.components, update, (before,))


@pytest.fixture
def login(stack: StackHandle) -> Iterator[str]:
    """A fresh login, whose user is deleted at the end if it was made."""
    name = f"mailsink{uuid.uuid4().hex[:8]}"
    yield name
    wordpress = stack.components["wordpress"]
    found = query(stack.components, "SELECT ID FROM wp_users WHERE user_login = %s", (name,))
    if found:
        answer = httpx.delete(
            f"{wordpress['url']}/wp-json/wp/v2/users/{found[0][0]}",
            params={"force": "true", "reassign": "1"},
            auth=(wordpress["admin_user"], wordpress["app_password"]),
            timeout=30,
        )
        assert answer.status_code == 200, answer.text[:300]


def test_the_mail_sink_is_a_healthy_component(stack: StackHandle) -> None:
    if stack.stack is None:
        pytest.skip("the docker-compose stack has no mail sink")
    mail = stack.refresh()["mail"]
    assert mail["healthy"] is True and {"smtp", "url", "caught", "restarts"} <= mail.keys()
    assert httpx.get(f"{mail['url']}/healthz").json()["smtp"] == mail["smtp"]


def test_a_registration_s_two_mails_are_caught(stack: StackHandle, registration_open: str, login: str) -> None:
    if stack.stack is None:
        pytest.skip("the docker-compose stack has no mail sink")
    address = f"{login}@example.test"
    form = {"user_login": login, "user_email": address, "redirect_to": "", "wp-submit": "Register"}
    answer = httpx.post(f"{stack.components['users']['url']}/wp-login.php?action=register", data=form,
                        headers={"Host": registration_open}, timeout=30)  # fmt: skip
    assert answer.status_code == 302, answer.text[:300]
    wait_for(lambda: len(caught(stack, address)) == 1, 30, interval=0.1)  # mailed once WordPress has the user
    (details,) = caught(stack, address)
    assert details["subject"].endswith("] Login Details") and details["from"].startswith("wordpress@")
    shown = strangler(stack, "mail", "show", details["id"])
    assert f"Username: {login}" in shown and "action=rp&key=" in shown and f"login={login}" in shown
    notifications = [
        mail for mail in caught(stack, stack.stack.settings.admin_email)
        if mail["subject"].endswith("] New User Registration")
        and f"Username: {login}" in strangler(stack, "mail", "show", mail["id"])
    ]  # fmt: skip
    assert len(notifications) == 1, notifications
    table = strangler(stack, "mail", "list")
    assert address in table and "Login Details" in table
