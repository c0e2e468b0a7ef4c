"""The stack's mail sink as its component starts it (a real process on free ports), without the rest
of the stack, and an SMTP client that sends it one message."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path

from cli.stack.mail import MailSink
from cli.stack.ports import free_port
from cli.stack.processes import ProcessTable
from cli.stack.settings import DEFAULT_PORTS, load_settings


@contextmanager
def running_sink(home: Path) -> Iterator[MailSink]:
    """A sink under ``home`` (a fresh STRANGLER_HOME whose other components never start)."""
    settings = load_settings(home, create=True, ports={name: free_port() for name in DEFAULT_PORTS})
    sink = MailSink(settings, ProcessTable(home / "run", home / "logs"))
    sink.launch()
    try:
        sink.wait_ready()
        yield sink
    finally:
        sink.stop()


def send(sink: MailSink, to: list[str], subject: str, body: str = "hello\n", sender: str = "from@example.test") -> None:
    """One message over SMTP; when this returns, the sink has answered 250 to DATA: the mail is stored."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, ", ".join(to), subject
    message.set_content(body)
    host, port = sink.smtp_address
    with smtplib.SMTP(host, port, timeout=10) as client:
        refused = client.send_message(message, from_addr=sender, to_addrs=to)
    assert refused == {}, refused
