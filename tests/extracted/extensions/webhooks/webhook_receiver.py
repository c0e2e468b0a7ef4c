"""A real webhook receiver for the tests: an HTTP server on 127.0.0.1 that verifies, dedupes and misbehaves on cue.

It verifies every request's Standard Webhooks signature (with the secrets it is told, against the
test's clock), processes each webhook-id once (the dedupe receivers are told to do) and answers
from a script: ``"500"``, ``"410"``, ``"429:<retry-after>"``, ``"timeout"`` (answers only after the
sender gave up), ``"reset"`` (closes the connection unanswered); ``"ok"`` once the script is used up.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cli.stack.ports import free_port
from extracted.extensions.webhooks import SignatureError, verify


@dataclass
class Received:
    webhook_id: str
    headers: dict[str, str]
    body: bytes
    answer: str
    verified: str  # "" when the signature verified, else why not


@dataclass
class ReceiverState:
    clock: Callable[[], float]
    secrets: list[str] = field(default_factory=list)
    script: list[str] = field(default_factory=list)
    #: the answer once the script is used up
    default: str = "ok"
    requests: list[Received] = field(default_factory=list)
    #: webhook ids processed (once each: the receiver's dedupe), in order
    processed: list[str] = field(default_factory=list)
    #: deliveries that arrived again after being processed, and were acknowledged without processing
    duplicates: int = 0
    released: threading.Event = field(default_factory=threading.Event)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def wait_for_processed(self, count: int, timeout_s: float = 10.0) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: len(self.processed) >= count, timeout_s)


def _handler(state: ReceiverState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            headers = {name.lower(): value for name, value in self.headers.items()}
            problems = []
            for secret in state.secrets:
                try:
                    verify(secret, headers, body, now=state.clock())
                except SignatureError as error:
                    problems.append(str(error))
                else:
                    problems = []
                    break
            with state.changed:
                answer = state.script.pop(0) if state.script else state.default
                if not problems and answer == "ok":
                    if headers["webhook-id"] in state.processed:
                        state.duplicates += 1
                    else:
                        state.processed.append(headers["webhook-id"])
                state.requests.append(
                    Received(headers.get("webhook-id", ""), headers, body, answer, "; ".join(problems))
                )
                state.changed.notify_all()
            if problems:
                self._answer(401, b"bad signature")
            elif answer == "ok":
                self._answer(200, b'{"ok":true}')
            elif answer == "timeout":
                state.released.wait(5)  # until the test ends: the sender times out first
                self.close_connection = True
            elif answer == "reset":
                self.close_connection = True
            elif answer.startswith("429:"):
                self._answer(429, b"slow down", {"retry-after": answer[4:]})
            else:
                self._answer(int(answer), b"x" * 3000)  # longer than the 1 KiB the sender keeps

        def _answer(self, status: int, body: bytes, extra: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


@contextmanager
def receiver(state: ReceiverState, port: int | None = None) -> Iterator[int]:
    """Serve ``state`` on 127.0.0.1 (on ``port``, or a free one) until the block ends; yields the port."""
    port = free_port() if port is None else port
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(state))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="webhook-receiver", daemon=True)
    thread.start()
    try:
        yield port
    finally:
        state.released.set()
        server.shutdown()
        server.server_close()
        thread.join(5)
