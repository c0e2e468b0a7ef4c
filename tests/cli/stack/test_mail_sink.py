"""The mail sink: SMTP in, nothing out, every message kept and served over its HTTP API."""

from __future__ import annotations

import json
import smtplib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cli.capabilities import load_registry
from cli.stack.errors import IncompatibleStateError
from cli.stack.mail import MailSink
from cli.stack.processes import ProcessTable
from cli.stack.services import ExtractedService
from cli.stack.settings import load_settings
from tests.cli.stack.mail_sink_fixture import running_sink, send


@pytest.fixture
def sink(tmp_path: Path) -> Iterator[MailSink]:
    with running_sink(tmp_path / "home") as running:
        yield running


def test_a_message_sent_over_smtp_is_listed_and_served(sink: MailSink) -> None:
    send(sink, ["ana@example.test", "bo@example.test"], "Héllo [site]", body="Bödy line\n")
    (listed,) = httpx.get(f"{sink.url}/messages").json()["messages"]
    assert listed.keys() == {"id", "received", "from", "to", "subject", "size"}
    assert (listed["from"], listed["to"], listed["subject"]) == (
        "from@example.test",
        ["ana@example.test", "bo@example.test"],
        "Héllo [site]",
    )
    one = httpx.get(f"{sink.url}/messages/{listed['id']}").json()
    assert ["Subject", "Héllo [site]"] in one["headers"] and one["body"].replace("\r\n", "\n") == "Bödy line\n"
    raw = httpx.get(f"{sink.url}/messages/{listed['id']}/raw")
    assert raw.headers["content-type"] == "message/rfc822" and len(raw.content) == listed["size"]
    assert b"Subject: =?utf-8?" in raw.content  # as it came over SMTP, the subject still encoded
    store = sink.settings.home / "mail"
    assert (store / f"{listed['id']}.eml").read_bytes() == raw.content
    assert [json.loads(line) for line in (store / "index.jsonl").read_text().splitlines()] == [listed]


def test_health_status_and_metrics_count_the_caught_mails(sink: MailSink) -> None:
    smtp = "{}:{}".format(*sink.smtp_address)
    assert httpx.get(f"{sink.url}/healthz").json() == {"healthy": True, "caught": 0, "smtp": smtp}
    send(sink, ["a@example.test"], "one")
    send(sink, ["b@example.test"], "two")
    assert httpx.get(f"{sink.url}/healthz").json()["caught"] == 2
    described = sink.describe()
    assert described == {"smtp": smtp, "url": sink.url, "caught": 2}
    metrics = httpx.get(f"{sink.url}/metrics").text
    assert "strangler_mail_caught_total 2.0" in metrics and "strangler_mail_stored 2.0" in metrics


def test_messages_filter_by_recipient_limit_and_clear(sink: MailSink) -> None:
    for number in range(4):
        send(sink, [f"user{number % 2}@example.test"], f"mail {number}")
    to_user1 = httpx.get(f"{sink.url}/messages", params={"to": "USER1@example.test"}).json()["messages"]
    assert [mail["subject"] for mail in to_user1] == ["mail 1", "mail 3"]
    newest = httpx.get(f"{sink.url}/messages", params={"limit": 3}).json()["messages"]
    assert [mail["subject"] for mail in newest] == ["mail 1", "mail 2", "mail 3"]
    assert httpx.get(f"{sink.url}/messages", params={"limit": 0}).status_code == 422
    assert httpx.get(f"{sink.url}/messages/20000101T000000-00000000").status_code == 404
    assert httpx.get(f"{sink.url}/messages/..%2Findex.jsonl/raw").status_code == 404
    assert httpx.delete(f"{sink.url}/messages").json() == {"removed": 4}
    assert httpx.get(f"{sink.url}/messages").json() == {"messages": []}
    assert list((sink.settings.home / "mail").glob("*.eml")) == []


def test_a_restarted_sink_still_has_its_mails(sink: MailSink) -> None:
    send(sink, ["kept@example.test"], "before the restart")
    sink.stop()
    sink.launch()
    sink.wait_ready()
    assert [mail["subject"] for mail in httpx.get(f"{sink.url}/messages").json()["messages"]] == ["before the restart"]


def test_the_sink_refuses_nothing_and_relays_nothing(sink: MailSink) -> None:
    """Any recipient is accepted (it is a sink, not a relay that checks domains), and kept here only."""
    host, port = sink.smtp_address
    with smtplib.SMTP(host, port, timeout=10) as client:
        assert client.sendmail("x@example.test", ["someone@gmail.com"], b"Subject: s\r\n\r\nb\r\n") == {}
        code, _ = client.noop()
        assert code == 250
    (caught,) = httpx.get(f"{sink.url}/messages").json()["messages"]
    assert caught["to"] == ["someone@gmail.com"]


def _users_service(tmp_path: Path) -> ExtractedService:
    settings = load_settings(tmp_path / "home", create=True)
    return ExtractedService(settings, ProcessTable(tmp_path / "run", tmp_path / "logs"), load_registry()["users"])


def test_services_mail_the_sink_unless_strangler_smtp_names_a_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STRANGLER_SMTP", raising=False)
    users = _users_service(tmp_path)
    assert users.service_settings()["smtp"] == {"host": users.settings.host, "port": users.settings.ports["smtp"]}
    monkeypatch.setenv("STRANGLER_SMTP", "mail.example.test:2525")
    assert users.service_settings()["smtp"] == {"host": "mail.example.test", "port": 2525}
    monkeypatch.setenv("STRANGLER_SMTP", "mail.example.test")
    with pytest.raises(IncompatibleStateError, match=r"STRANGLER_SMTP='mail\.example\.test' is not HOST:PORT"):
        users.service_settings()
