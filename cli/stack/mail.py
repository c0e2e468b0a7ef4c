"""The stack's mail sink as a component: the SMTP server the services mail to, which delivers nothing.

It runs ``cli.stack.mail_sink`` with its messages under ``STRANGLER_HOME/mail``; ``strangler mail``
reads them through its HTTP API. ``STRANGLER_SMTP=HOST:PORT`` sends the services' mail to a real
server instead (the sink still runs, and catches nothing).
"""

from __future__ import annotations

from typing import Any

from cli.stack.errors import IncompatibleStateError
from cli.stack.services import PythonService
from cli.stack.settings import smtp_override

__all__ = ["MailSink"]


class MailSink(PythonService):
    name = "mail"
    port_names = ("smtp", "mail_http")
    health_port = "mail_http"
    start_timeout = 20.0

    @property
    def url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.ports['mail_http']}"

    @property
    def smtp_address(self) -> tuple[str, int]:
        return self.settings.host, self.settings.ports["smtp"]

    def arguments(self) -> list[str]:
        settings = self.settings
        return [
            "-m", "cli.stack.mail_sink",
            "--smtp", f"{settings.host}:{settings.ports['smtp']}",
            "--http", f"{settings.host}:{settings.ports['mail_http']}",
            "--store", str(settings.home / "mail"),
        ]  # fmt: skip

    def describe(self) -> dict[str, Any]:
        host, port = self.smtp_address
        health = self.health() or {}
        details: dict[str, Any] = {"smtp": f"{host}:{port}", "url": self.url, "caught": health.get("caught")}
        try:
            override = smtp_override()
        except IncompatibleStateError:  # `status` reports; `up` is where a bad value stops the stack
            override = None
        if override is not None:
            details["services_smtp"] = f"{override[0]}:{override[1]}"  # where the services' mail goes instead
        return details
