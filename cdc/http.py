"""The connector's small control/observability HTTP server (stdlib, background thread).

GET  /healthz   JSON status (``healthy``, position, lag_ms, events_per_s, per-table counts,
                snapshot progress); 200 when healthy, 503 otherwise
GET  /metrics   Prometheus text format
POST /snapshot  body ``{"tables": ["wp_posts", ...]}`` (empty list = all captured tables);
                202 with ``{"request_id": N}``; progress appears under ``snapshot`` in /healthz.
                With an admin token configured it needs ``Authorization: Bearer <token>`` (401
                otherwise): a snapshot re-reads whole tables, so not anyone who reaches the port
                may start one. Health and metrics stay open, as scrapers and probes expect.
"""

from __future__ import annotations

import hmac
import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from cdc.runtime import name_os_thread
from cdc.stats import Stats, StatsCollector

RequestSnapshot = Callable[[list[str]], int]


class ControlServer:
    def __init__(
        self, address: tuple[str, int], stats: Stats, request_snapshot: RequestSnapshot, admin_token: str = ""
    ) -> None:
        registry = CollectorRegistry()
        registry.register(StatsCollector(stats))
        handler = _handler(stats, registry, request_snapshot, admin_token)
        self._server = ThreadingHTTPServer(address, handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._serve, name="cdc-http", daemon=True)

    @property
    def address(self) -> tuple[str, int]:
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    def _serve(self) -> None:
        name_os_thread("cdc-http")
        self._server.serve_forever()

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def authorized(header: str | None, admin_token: str) -> bool:
    """Does an ``Authorization`` header carry the admin token? No token configured: anyone may."""
    if not admin_token:
        return True
    scheme, _, credentials = (header or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(credentials.strip().encode(), admin_token.encode())


def _handler(
    stats: Stats, registry: CollectorRegistry, request_snapshot: RequestSnapshot, admin_token: str
) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return  # requests are not worth a log line each

        def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, data: Any) -> None:
            self._send(status, json.dumps(data).encode(), "application/json")

        def do_GET(self) -> None:
            if self.path.startswith("/healthz"):
                self._json(200 if stats.healthy else 503, stats.as_dict())
            elif self.path.startswith("/metrics"):
                self._send(200, generate_latest(registry), CONTENT_TYPE_LATEST)
            else:
                self._json(404, {"error": "not found"})

        def do_POST(self) -> None:
            if not self.path.startswith("/snapshot"):
                self._json(404, {"error": "not found"})
                return
            if not authorized(self.headers.get("Authorization"), admin_token):
                body = json.dumps({"error": "POST /snapshot needs Authorization: Bearer <admin token>"}).encode()
                self._send(401, body, "application/json", {"WWW-Authenticate": 'Bearer realm="cdc"'})
                return
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
                tables = body.get("tables") or []
                if not isinstance(tables, list) or not all(isinstance(t, str) for t in tables):
                    raise ValueError("tables must be a list of names")
            except (ValueError, AttributeError) as exc:
                self._json(400, {"error": str(exc)})
                return
            self._json(202, {"request_id": request_snapshot(tables), "tables": tables})

    return Handler
