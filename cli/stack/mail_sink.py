"""The stack's mail sink: an SMTP server that keeps every message it receives and delivers none.

    python -m cli.stack.mail_sink --smtp HOST:PORT --http HOST:PORT --store DIR

The services send their mail here (registration mails, ...) unless ``STRANGLER_SMTP`` names a real
server, so a local stack never mails anybody and what it would have sent can be read
(``strangler mail``). Messages are kept in DIR (see :mod:`cli.stack.mail_store`). One asyncio loop
serves SMTP (aiosmtpd) and the HTTP API (FastAPI under uvicorn):

- ``GET /healthz``: ``{"healthy": true, "caught": N, "smtp": "host:port"}``
- ``GET /metrics``: Prometheus (``strangler_mail_caught_total``, ``strangler_mail_stored``)
- ``GET /messages?to=ADDR&limit=N``: ``{"messages": [index entries, oldest first]}``
- ``GET /messages/{id}``: the index entry plus ``headers`` (``[[name, value], ...]``) and ``body``
- ``GET /messages/{id}/raw``: the message as received (``message/rfc822``)
- ``DELETE /messages``: forget them all, ``{"removed": N}``
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from pathlib import Path
from typing import Any

import uvicorn
from aiosmtpd.smtp import SMTP, Envelope, Session
from fastapi import FastAPI, HTTPException, Query, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, generate_latest

from cli.stack.mail_store import MailStore, message_text
from cli.stack.ports import split_host_port
from extracted.runtime.service import SignalExitServer

__all__ = ["CatchingHandler", "create_app", "main"]

log = logging.getLogger("strangler.mail")


class CatchingHandler:
    """aiosmtpd's handler: every message accepted by DATA goes to the store, and nowhere else."""

    def __init__(self, store: MailStore, caught: Counter) -> None:
        self.store = store
        self.caught = caught

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd's name
        raw = envelope.original_content or b""
        mail = self.store.add(str(envelope.mail_from or ""), [str(to) for to in envelope.rcpt_tos], bytes(raw))
        self.caught.inc()
        log.info("caught %s from %s to %s: %s", mail.id, mail.sender, ", ".join(mail.recipients), mail.subject)
        return "250 OK caught by the strangler mail sink, not delivered"


def create_app(store: MailStore, smtp_address: str, registry: CollectorRegistry) -> FastAPI:
    app = FastAPI(title="strangler mail sink", docs_url=None, redoc_url=None, openapi_url=None)
    Gauge("strangler_mail_stored", "Messages the sink holds now", registry=registry).set_function(store.count)

    @app.get("/healthz")
    async def healthz() -> dict[str, Any]:
        return {"healthy": True, "caught": store.count(), "smtp": smtp_address}

    @app.get("/metrics")
    async def metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    @app.get("/messages")
    async def messages(to: str | None = None, limit: int | None = Query(default=None, ge=1)) -> dict[str, Any]:
        return {"messages": [mail.to_data() for mail in store.list(to=to, limit=limit)]}

    @app.get("/messages/{mail_id}")
    async def message(mail_id: str) -> dict[str, Any]:
        mail, raw = store.get(mail_id), store.raw(mail_id)
        if mail is None or raw is None:
            raise HTTPException(404, f"no message {mail_id}")
        headers, body = message_text(raw)
        return {**mail.to_data(), "headers": [list(header) for header in headers], "body": body}

    @app.get("/messages/{mail_id}/raw")
    async def message_raw(mail_id: str) -> Response:
        raw = store.raw(mail_id)
        if raw is None:
            raise HTTPException(404, f"no message {mail_id}")
        return Response(raw, media_type="message/rfc822")

    @app.delete("/messages")
    async def clear() -> dict[str, int]:
        return {"removed": store.clear()}

    return app


def _host_port(text: str, option: str) -> tuple[str, int]:
    address = split_host_port(text)
    if address is None:
        raise SystemExit(f"{option} must be HOST:PORT, got {text!r}")
    return address


async def _serve(smtp: tuple[str, int], http: tuple[str, int], store: MailStore) -> None:
    registry = CollectorRegistry()
    caught = Counter("strangler_mail_caught", "Messages caught since the sink started", registry=registry)
    handler = CatchingHandler(store, caught)
    loop = asyncio.get_running_loop()
    smtp_server = await loop.create_server(
        lambda: SMTP(handler, hostname="strangler-mail-sink", ident="strangler mail sink", enable_SMTPUTF8=True),
        host=smtp[0],
        port=smtp[1],
    )
    app = create_app(store, f"{smtp[0]}:{smtp[1]}", registry)
    config = uvicorn.Config(
        app, host=http[0], port=http[1], log_level="warning", access_log=False, server_header=False, lifespan="off"
    )
    log.info("mail sink: SMTP on %s:%d, HTTP on %s:%d, store %s", *smtp, *http, store.folder)
    try:
        await SignalExitServer(config).serve()
    finally:
        smtp_server.close()
        await smtp_server.wait_closed()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cli.stack.mail_sink", description=__doc__.splitlines()[0])
    parser.add_argument("--smtp", required=True, help="HOST:PORT the SMTP server listens on")
    parser.add_argument("--http", required=True, help="HOST:PORT of /healthz, /metrics and /messages")
    parser.add_argument("--store", required=True, type=Path, help="directory of the caught messages")
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's: every SMTP command, at INFO
    smtp, http = _host_port(arguments.smtp, "--smtp"), _host_port(arguments.http, "--http")
    asyncio.run(_serve(smtp, http, MailStore(arguments.store)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
