"""``strangler mail``: the caught mails, read through the sink's HTTP API (a real sink, started here)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from cli.stack.mail import MailSink
from tests.cli.stack.mail_sink_fixture import running_sink, send


@pytest.fixture
def sink(tmp_path: Path) -> Iterator[MailSink]:
    with running_sink(tmp_path / "home") as running:
        yield running


def strangler(sink: MailSink, *arguments: str) -> str:
    environment = {"STRANGLER_HOME": str(sink.settings.home), "COLUMNS": "200"}
    result = CliRunner().invoke(app, list(arguments), env=environment)
    assert result.exit_code == 0, result.output
    return result.output


def test_mail_list_json_has_every_caught_mail(sink: MailSink) -> None:
    send(sink, ["ana@example.test"], "[Site] Login Details", sender="wordpress@example.test")
    send(sink, ["admin@example.test"], "[Site] New User Registration", sender="wordpress@example.test")
    messages = json.loads(strangler(sink, "mail", "list", "--json"))["messages"]
    assert [(m["from"], m["to"], m["subject"]) for m in messages] == [
        ("wordpress@example.test", ["ana@example.test"], "[Site] Login Details"),
        ("wordpress@example.test", ["admin@example.test"], "[Site] New User Registration"),
    ]
    assert all(m["size"] > 0 and m["received"] for m in messages)
    only_admin = json.loads(strangler(sink, "mail", "list", "--json", "--to", "admin@example.test"))["messages"]
    assert [m["subject"] for m in only_admin] == ["[Site] New User Registration"]
    newest = json.loads(strangler(sink, "mail", "list", "--json", "--limit", "1"))["messages"]
    assert newest == messages[-1:]


def test_mail_and_mail_list_show_a_table(sink: MailSink) -> None:
    assert "no mail caught" in strangler(sink, "mail")
    send(sink, ["ana@example.test"], "Welcome aboard")
    for output in (strangler(sink, "mail"), strangler(sink, "mail", "list")):
        assert "Welcome aboard" in output and "ana@example.test" in output and "from@example.test" in output


def test_mail_show_prints_headers_and_body_and_clear_forgets(sink: MailSink) -> None:
    send(sink, ["ana@example.test"], "Your link", body="To set your password, visit:\nhttp://site.test/x\n")
    (mail,) = json.loads(strangler(sink, "mail", "list", "--json"))["messages"]
    shown = strangler(sink, "mail", "show", mail["id"])
    headers, _, body = shown.partition("\n\n")
    assert "Subject: Your link" in headers.splitlines() and "To: ana@example.test" in headers.splitlines()
    assert body == "To set your password, visit:\nhttp://site.test/x\n"
    assert strangler(sink, "mail", "show", "--raw", mail["id"]).startswith("From: from@example.test")
    assert "removed 1 mail(s)" in strangler(sink, "mail", "clear")
    assert json.loads(strangler(sink, "mail", "list", "--json")) == {"messages": []}


def test_an_unknown_mail_and_a_stopped_sink_are_errors(sink: MailSink) -> None:
    environment = {"STRANGLER_HOME": str(sink.settings.home), "COLUMNS": "200"}
    unknown = CliRunner().invoke(app, ["mail", "show", "20000101T000000-00000000"], env=environment)
    assert unknown.exit_code == 1 and "no mail 20000101T000000-00000000" in unknown.output
    sink.stop()
    stopped = CliRunner().invoke(app, ["mail", "list"], env=environment)
    assert stopped.exit_code == 1 and "does not answer" in stopped.output and "strangler up" in stopped.output
