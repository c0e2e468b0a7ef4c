"""The content service for integration tests: the stack's own (when ``strangler up`` runs it) or a
process started here against the stack's Kafka; and WordPress's REST API as its admin."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from cli.stack.ports import free_port

REPOSITORY = Path(__file__).resolve().parents[3]


def wait_for(check: Callable[[], bool], timeout: float, interval: float = 0.02) -> float:
    """Seconds until ``check()`` held; raises AssertionError after ``timeout``."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if check():
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


def caught_up(url: str) -> bool:
    health = httpx.get(f"{url}/healthz", timeout=2).json()
    return bool(health.get("healthy") and health.get("caught_up"))


@contextmanager
def content_service(
    components: dict[str, dict[str, Any]], store: Path, *, prefix: str = "wordpress", own: bool = False
) -> Iterator[str]:
    """The URL of a content service that has consumed everything committed so far: the stack's, or
    (``own``, or when the stack runs none) one started here."""
    running = components.get("content", {})
    if not own and running.get("healthy") and running.get("url"):
        wait_for(lambda: caught_up(running["url"]), 120)
        yield str(running["url"])
        return
    port = free_port()
    command = [
        sys.executable, "-m", "extracted.content", "serve", "--listen", f"127.0.0.1:{port}",
        "--bootstrap", components["kafka"]["bootstrap"], "--store", f"sqlite:///{store}", "--prefix", prefix,
        "--group", f"content-test-{os.getpid()}-{port}", "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=REPOSITORY)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: caught_up(url), 120, interval=0.2)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            exit_code = process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
        assert exit_code == 0, f"the content service exited with {exit_code} on SIGTERM"


def admin_client(components: dict[str, dict[str, Any]]) -> httpx.Client:
    wordpress = components["wordpress"]
    return httpx.Client(
        base_url=wordpress["url"], auth=(wordpress["admin_user"], wordpress["app_password"]), timeout=60
    )


def hidden_ids(admin: httpx.Client) -> list[int]:
    """Posts and pages an anonymous visitor may not see (drafts, private, scheduled, trashed)."""
    found: list[int] = []
    for base in ("posts", "pages"):
        statuses = "draft,private,future,trash,pending"
        params = {"status": statuses, "context": "edit", "per_page": 100, "_fields": "id"}
        answer = admin.get(f"/wp-json/wp/v2/{base}", params=params)
        answer.raise_for_status()
        found += [item["id"] for item in answer.json()]
    return found
