"""An extension that raises, on the real stack: after its retries the event is in its dead-letter topic
on Kafka, with the error, and another extension of the same service handled the same event meanwhile.

The two probes (``probes``) run in an extensions service started here, loaded through the settings'
``load`` and alone in it (``run``), with consumer groups of their own; the stack's service is untouched.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from kafka import KafkaConsumer

from cli.stack.ports import free_port, wait_until
from tests.cdc.harness import query
from tests.extracted.comments.test_comments_submissions_live import submit
from tests.service_process import service_process
from tests.stack_fixture import StackHandle

pytestmark = pytest.mark.stack

PROBES = "tests.extracted.extensions.probes"


def positioned(store: Path) -> set[str]:
    """The extensions that have taken their place in the topics (their positions are stored at once)."""
    if not store.exists():
        return set()
    with sqlite3.connect(store) as connection:
        try:
            return {name for (name,) in connection.execute("SELECT DISTINCT extension FROM extension_positions")}
        except sqlite3.OperationalError:  # the service has not made its tables yet
            return set()


@pytest.fixture
def probes_service(stack: StackHandle, tmp_path: Path) -> Iterator[tuple[str, str, Path]]:
    """(url, consumer group, the recording probe's file) of a service running only the two probes."""
    port, recorded, store = free_port(), tmp_path / "recorded.txt", tmp_path / "probes.db"
    group = f"extensions-test-{os.getpid()}-{port}"
    settings = tmp_path / "settings.json"
    settings.write_text(json.dumps({
        "load": {"failing-probe": f"{PROBES}:failing", "recording-probe": f"{PROBES}:recording"},
        "run": ["failing-probe", "recording-probe"],
        "extensions": {"recording-probe": {"path": str(recorded)}},
    }))  # fmt: skip
    command = [
        sys.executable, "-m", "extracted.extensions", "serve", "--listen", f"127.0.0.1:{port}",
        "--bootstrap", stack.components["kafka"]["bootstrap"], "--store", f"sqlite:///{store}",
        "--prefix", "wordpress", "--group", group, "--settings", str(settings), "--log-level", "critical",
    ]  # fmt: skip
    with service_process(command, "extensions service"):
        assert wait_until(lambda: positioned(store) == {"failing-probe", "recording-probe"}, 60), positioned(store)
        yield f"http://127.0.0.1:{port}", group, recorded


def test_an_extension_that_raises_dead_letters_the_event_and_the_others_go_on(
    stack: StackHandle, probes_service: tuple[str, str, Path]
) -> None:
    url, group, recorded = probes_service
    content = f"a comment the failing probe refuses {time.time_ns()}"
    try:
        answer = submit(stack.components["comments"]["url"], 1, content)
        assert answer.status_code in (200, 302), answer.text[:300]
        assert wait_until(lambda: recorded.exists() and recorded.read_text().strip(), 60)
        (event_id,) = recorded.read_text().split()

        consumer = KafkaConsumer(
            f"wordpress.dead-letter.{group}.failing-probe",
            bootstrap_servers=stack.components["kafka"]["bootstrap"], auto_offset_reset="earliest",
            consumer_timeout_ms=20000,
        )  # fmt: skip
        try:
            letter = next(iter(consumer))
        finally:
            consumer.close()
        event = json.loads(letter.value)
        assert event["id"] == event_id and event["type"] == "comment.posted"
        assert event["data"]["content"] == content
        assert b"the failing probe refuses" in dict(letter.headers)["error"]

        def workers() -> dict[str, Any]:
            return dict(httpx.get(f"{url}/healthz", timeout=10).json()["workers"])

        # the letter is on Kafka before the runner's ledger commit and its counters: wait for those
        assert wait_until(lambda: workers()["extension-failing-probe"]["dead_lettered"] == 1
                          and workers()["extension-recording-probe"]["handled"] == 1, 30), workers()  # fmt: skip
        health = workers()
        assert set(health) == {"extension-failing-probe", "extension-recording-probe"}  # no webhooks dispatcher
        failing, recording = health["extension-failing-probe"], health["extension-recording-probe"]
        assert failing["dead_lettered"] == 1 and failing["retries"] == 1 and failing["handled"] == 0
        assert recording["handled"] == 1 and recording["dead_lettered"] == 0
    finally:
        query(stack.components, "DELETE FROM wp_comments WHERE comment_content = %s", (content,))
