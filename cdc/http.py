"""The connector's small control/observability HTTP server (stdlib, background thread).

GET  /healthz   JSON status (``healthy``, position, lag_ms, events_per_s, per-table counts,
                snapshot progress); 200 when healthy, 503 otherwise
GET  /metrics   Prometheus text format
POST /snapshot  body ``{"tables": ["wp_posts", ...]}`` (empty list = all captured tables);
                202 with ``{"request_id": N}``; progress appears under ``snapshot`` in /healthz
"""

from __future__ import annotations

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
    def __init__(self, address: tuple[str, int], stats: Stats, request_snapshot: RequestSnapshot) -> None:
        registry = CollectorRegistry()
        registry.register(StatsCollector(stats))
        handler = _handler(stats, registry, request_snapshot)
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


def _handler(
    stats: Stats, registry: CollectorRegistry, request_snapshot: RequestSnapshot
) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return  # requests are not worth a log line each

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
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
