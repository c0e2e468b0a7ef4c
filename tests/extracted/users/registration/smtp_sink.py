"""An SMTP server that keeps what it receives (aiosmtpd), for the tests of the registration mails."""

from __future__ import annotations

import email
import email.policy
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from cli.stack.ports import free_port


@dataclass(frozen=True)
class Caught:
    sender: str
    recipients: tuple[str, ...]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    @property
    def body(self) -> str:
        """The body as sent (CRLF line ends kept)."""
        return self.raw.split(b"\r\n\r\n", 1)[1].decode()


@dataclass
class SmtpSink:
    host: str
    port: int
    mails: list[Caught] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        with self.lock:
            self.mails.append(Caught(envelope.mail_from, tuple(envelope.rcpt_tos), bytes(envelope.original_content)))
        return "250 OK"

    def to(self, address: str, timeout: float = 20.0) -> list[Caught]:
        """The mails to ``address``, waiting up to ``timeout`` for at least one."""
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                found = [mail for mail in self.mails if address in mail.recipients]
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.05)


@contextmanager
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink("127.0.0.1", free_port())
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()
