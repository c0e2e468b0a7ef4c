"""Webhooks benchmark (run on demand, prints numbers; not a test).

1. **deliveries per second**: the dispatcher alone (``extracted.extensions.webhooks.Dispatcher``, 8
   senders) sending ``--deliveries`` queued events to a local receiver that answers 204 at once; a
   store of its own (SQLite in a temporary directory).
2. **event → delivery latency**, against a running stack (``make demo``'s, or the one ``STRANGLER_HOME``
   names, or ``--components status.json``): an endpoint for ``comment.posted`` is added to the
   extensions service; ``--comments`` visitors' comments are posted one by one to the comments
   service, and per comment the time from the service's answer to the signed delivery reaching the
   receiver (outbox relay → Kafka → the extensions service's webhooks runner → dispatcher). p50/p99.

    .venv/bin/python bench/extensions/bench_webhooks.py [--deliveries 2000] [--comments 50] [--no-stack]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.comments.bench_comments import _post
from bench.users.bench_users import _components
from cli.stack.ports import free_port
from extracted.contracts import new_event
from extracted.extensions import schema
from extracted.extensions.webhooks import Dispatcher, Endpoints, WebhookSettings, enqueue
from extracted.runtime import Store, open_engine
from extracted.runtime.store import begin_write


@contextmanager
def receiver() -> Iterator[tuple[str, dict[str, float]]]:
    """A receiver answering 204; records when each comment's delivery arrived (by its subject)."""
    arrived: dict[str, float] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            subject = body.split(b'"subject":"', 1)[-1].split(b'"', 1)[0].decode()
            arrived.setdefault(subject, time.monotonic())
            self.send_response(204)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/hook", arrived
    finally:
        server.shutdown()
        server.server_close()


def _percentiles(values: list[float]) -> tuple[float, float]:
    values = sorted(values)
    return statistics.median(values), values[min(len(values) - 1, int(len(values) * 0.99))]


def dispatcher_throughput(deliveries: int) -> None:
    settings = WebhookSettings(allow_loopback=True)
    with tempfile.TemporaryDirectory() as directory, receiver() as (url, arrived):
        store = Store(open_engine(f"sqlite:///{directory}/bench.db"), schema.metadata)
        store.create()
        endpoints = Endpoints(store.engine, settings.target_policy(), tables=schema.webhooks)
        endpoints.add(url, ["*"])
        with begin_write(store.engine) as connection:
            for number in range(deliveries):
                event = new_event("comment.deleted", str(number), {"id": number, "post": 1}, source="/bench")
                enqueue(connection, event, tables=schema.webhooks)
        dispatcher = Dispatcher(store.engine, settings, tables=schema.webhooks)
        stop = threading.Event()
        started = time.monotonic()
        thread = threading.Thread(target=dispatcher.run, args=(stop,), daemon=True)
        thread.start()
        while len(arrived) < deliveries and time.monotonic() - started < 300:
            time.sleep(0.01)
        elapsed = time.monotonic() - started
        stop.set()
        thread.join(30)
        dispatcher.close()
        print(f"dispatcher: {len(arrived)} deliveries in {elapsed:.2f} s = {len(arrived) / elapsed:.0f}/s")


def event_to_delivery(components: dict[str, Any], comments: int) -> None:
    api = f"{components['extensions']['url']}/api"
    headers = {"authorization": f"Bearer {components['proxy']['admin_token']}"}
    base = components["comments"]["url"]
    run = uuid.uuid4().hex[:6]
    latencies: list[float] = []
    with receiver() as (url, arrived), httpx.Client(headers=headers, timeout=30) as client:
        made = client.post(f"{api}/webhooks/endpoints", json={"url": url, "event_types": ["comment.posted"]})
        made.raise_for_status()
        endpoint = made.json()["endpoint"]["id"]
        try:
            for number in range(comments):
                response = asyncio.run(_post(f"{base}/wp-comments-post.php", f"bench {run} webhook {number}"))
                answered = time.monotonic()
                if response.status_code != 302:
                    continue
                comment_id = response.headers["location"].rsplit("#comment-", 1)[1]
                while comment_id not in arrived and time.monotonic() - answered < 30:
                    time.sleep(0.002)
                if comment_id in arrived:
                    latencies.append((arrived[comment_id] - answered) * 1000)
        finally:
            client.delete(f"{api}/webhooks/endpoints/{endpoint}")
    if not latencies:
        print("comment → webhook: nothing arrived")
        return
    p50, p99 = _percentiles(latencies)
    print(f"comment → webhook delivery: {len(latencies)}/{comments} arrived, p50 {p50:.0f} ms, p99 {p99:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=2000)
    parser.add_argument("--comments", type=int, default=50)
    parser.add_argument("--components", type=Path, default=None)
    parser.add_argument("--no-stack", action="store_true", help="only the dispatcher's throughput")
    arguments = parser.parse_args()
    dispatcher_throughput(arguments.deliveries)
    if not arguments.no_stack:
        event_to_delivery(_components(arguments.components), arguments.comments)


if __name__ == "__main__":
    main()
