"""WordPress 6.1's answer to ``POST /wp-comments-post.php``, from the installed WordPress, offline.

``OfflineCommentsWordPress`` is the registration harness's private document root (symlinks to the
stock files, our ``wp-config.php``, no database server) with the comments' database drop-in and
must-use plugin (``php/``), served by ``php -S`` through ``php/router.php``: a request is a real HTTP
request, so PHP parses the body, the cookies and the headers itself and WordPress answers with its
real status, headers (cookies, ``Location``) and page. Each request carries its scenario (the site's
options, the post, the stored comments and users, the visitor's address); the answer comes with what
the database was asked and the row WordPress inserted (``Capture``).
"""

from __future__ import annotations

import base64
import json
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cli.stack.ports import free_port
from tests.extracted.users.registration.registration_harness import OfflineWordPress

PHP_DIR = Path(__file__).parent / "php"


def from_json(value: Any) -> Any:
    """The capture's values back: ``{"__bytes__": base64}`` (not UTF-8) as text with surrogates."""
    if isinstance(value, dict):
        if set(value) == {"__bytes__"}:
            return base64.b64decode(value["__bytes__"]).decode("utf-8", "surrogateescape")
        return {key: from_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [from_json(item) for item in value]
    return value


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)


@dataclass(frozen=True)
class Capture:
    asked: list[dict[str, Any]]
    inserted: list[dict[str, Any]]
    times: dict[str, int]
    post_dates: dict[str, str]
    queries: list[str]
    request: dict[str, Any]  # PHP's $_POST and $_COOKIE


@dataclass(frozen=True)
class Visit:
    """One submission: the raw body and headers the visitor sends, and the scenario WordPress meets."""

    body: bytes
    options: Mapping[str, Any]
    posts: Sequence[Mapping[str, Any]] = ()
    comments: Sequence[Mapping[str, Any]] = ()
    users: Sequence[Mapping[str, Any]] = ()
    meta: Mapping[str, Mapping[str, Sequence[str]]] = field(default_factory=dict)
    remote_addr: str = "192.0.2.10"
    https: bool = False
    empty_trash_days: int | None = None
    user_agent: bytes | None = b"Mozilla/5.0 (harness)"
    cookie: bytes | None = None
    method: str = "POST"
    content_type: str = "application/x-www-form-urlencoded"
    path: str = "/wp-comments-post.php"


class OfflineCommentsWordPress(OfflineWordPress):
    def __init__(self, *, workers: int = 4) -> None:
        super().__init__(workers=workers)
        content = self.docroot / "wp-content"
        (content / "db.php").unlink()
        (content / "db.php").symlink_to(PHP_DIR / "db.php")
        (content / "mu-plugins" / "comments-harness.php").symlink_to(PHP_DIR / "comments-harness.php")
        self.port = free_port()
        env = {"PATH": "/usr/bin:/bin", "PHP_CLI_SERVER_WORKERS": str(workers)}
        self._server = subprocess.Popen(
            ["php", "-d", "display_errors=0", *self._opcache, "-S", f"127.0.0.1:{self.port}",
             "-t", str(self.docroot), str(PHP_DIR / "router.php")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or self._server.poll() is not None:
                    self.close()
                    raise RuntimeError("php -S did not start") from None
                time.sleep(0.05)

    def visit_all(self, visits: Iterable[Visit]) -> list[tuple[HttpAnswer, Capture]]:
        return list(self._pool.map(self.visit, list(visits)))

    def visit(self, visit: Visit) -> tuple[HttpAnswer, Capture]:
        with tempfile.TemporaryDirectory(dir=self.root) as scratch:
            scenario_file, capture_file = Path(scratch) / "scenario.json", Path(scratch) / "capture.json"
            scenario = {
                "options": dict(visit.options),
                "posts": [dict(post) for post in visit.posts],
                "comments": [dict(comment) for comment in visit.comments],
                "users": [dict(user) for user in visit.users],
                "meta": {key: {k: list(v) for k, v in meta.items()} for key, meta in visit.meta.items()},
                "remote_addr": visit.remote_addr,
                "https": visit.https,
                "capture": str(capture_file),
            }
            if visit.empty_trash_days is not None:
                scenario["empty_trash_days"] = visit.empty_trash_days
            scenario_file.write_text(json.dumps(scenario))
            headers = [
                f"{visit.method} {visit.path} HTTP/1.1".encode(),
                b"Host: example.test",
                f"X-Strangler-Scenario: {scenario_file}".encode(),
                b"Connection: close",
            ]
            if visit.method == "POST":
                headers += [
                    f"Content-Type: {visit.content_type}".encode(),
                    f"Content-Length: {len(visit.body)}".encode(),
                ]
            if visit.user_agent is not None:
                headers.append(b"User-Agent: " + visit.user_agent)
            if visit.cookie is not None:
                headers.append(b"Cookie: " + visit.cookie)
            answer = self._exchange(
                b"\r\n".join(headers) + b"\r\n\r\n" + (visit.body if visit.method == "POST" else b"")
            )
            raw = json.loads(capture_file.read_text()) if capture_file.exists() else {}
        capture = from_json(raw)
        return answer, Capture(
            asked=capture.get("asked", []),
            inserted=capture.get("inserted", []),
            times=capture.get("times") or {},
            post_dates=capture.get("post_dates") or {},
            queries=capture.get("queries", []),
            request=from_json(json.loads(raw["request"])) if "request" in raw else {},
        )

    def _exchange(self, request: bytes) -> HttpAnswer:
        with socket.create_connection(("127.0.0.1", self.port), timeout=60) as connection:
            connection.sendall(request)
            chunks = []
            while chunk := connection.recv(65536):
                chunks.append(chunk)
        raw = b"".join(chunks)
        if not raw.startswith(b"HTTP/"):
            raise RuntimeError(f"php -S gave no HTTP answer: {raw[:200]!r}")
        head, _, body = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = tuple((name, value.strip()) for name, _, value in (line.partition(":") for line in lines[1:]))
        return HttpAnswer(status, headers, body)

    def close(self) -> None:
        server = getattr(self, "_server", None)
        if server is not None and server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        super().close()
