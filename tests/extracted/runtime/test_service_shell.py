"""The kit's process shell: a service definition served (consumer thread + uvicorn), its command
line, its rebuild; with the in-memory broker in-process, and with an unreachable Kafka as a process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest
from runtime_sample_service import DEFINITION
from runtime_things import THINGS, change, eventually, names

from cli.stack.ports import free_port
from extracted.runtime import (
    InMemoryBroker,
    RuntimeSettings,
    ServiceSettings,
    Store,
    open_engine,
    rebuild_service,
    serve,
)
from extracted.runtime.cli import parser

SCRIPT = Path(__file__).with_name("runtime_sample_service.py")


def put(broker: InMemoryBroker, row_id: int, name: str) -> None:
    broker.append(THINGS, *change(THINGS, "c", {"id": row_id, "name": name}))


def test_the_command_line_defaults_come_from_the_definition() -> None:
    args = parser(DEFINITION).parse_args(["serve", "--listen", "127.0.0.1:1", "--bootstrap", "b:9092"])
    assert (args.store, args.group, args.prefix, args.database) == (
        "sqlite:///sample.db",
        "sample",
        "wordpress",
        "wordpress",
    )
    assert parser(DEFINITION).prog == "python -m tests.sample"
    rebuild = parser(DEFINITION).parse_args(
        ["rebuild", "--bootstrap", "b:9092", "--group", "g", "--store", "sqlite://"]
    )
    assert (rebuild.group, rebuild.store) == ("g", "sqlite://")


def test_serve_runs_consumer_and_app_sharing_the_context_and_stops_on_sigterm(tmp_path: Path) -> None:
    """In this (main) thread, as a service's process runs it; SIGTERM comes from a helper thread."""
    broker = InMemoryBroker()
    put(broker, 1, "one")
    url = f"http://127.0.0.1:{free_port()}"
    runtime = RuntimeSettings(
        bootstrap="memory", group="sample", store_url=f"sqlite:///{tmp_path / 's.db'}", poll_ms=20
    )
    seen: dict[str, object] = {}

    def drive() -> None:
        try:
            eventually(lambda: _get(url, "/healthz") == 200, "serving and healthy", timeout=20)
            seen["first"] = httpx.get(f"{url}/commits").json()["commits"]
            put(broker, 2, "two")
            eventually(lambda: httpx.get(f"{url}/commits").json()["commits"] == 2, "on_commit bumped the context")
            seen["health"] = httpx.get(f"{url}/healthz").json()
        finally:
            os.kill(os.getpid(), signal.SIGTERM)

    helper = threading.Thread(target=drive)
    helper.start()
    status = serve(DEFINITION, ServiceSettings(f"127.0.0.1:{url.rsplit(':', 1)[1]}", runtime), broker=broker)
    helper.join()
    assert status == 0
    assert seen["first"] == 1
    health = seen["health"]
    assert isinstance(health, dict) and health["events_applied"] == 2 and health["healthy"] is True
    store = Store(open_engine(runtime.store_url), DEFINITION.projection().metadata)
    assert names(store) == {1: "one", 2: "two"}


def _get(url: str, path: str) -> int | None:
    try:
        return httpx.get(f"{url}{path}", timeout=2).status_code
    except httpx.HTTPError:
        return None


def test_rebuild_replays_into_an_emptied_store_and_publishes_dead_letters(tmp_path: Path) -> None:
    broker = InMemoryBroker()
    put(broker, 1, "one")
    put(broker, 2, "boom")
    put(broker, 3, "three")
    runtime = RuntimeSettings(bootstrap="memory", group="sample", store_url=f"sqlite:///{tmp_path / 's.db'}")
    first = rebuild_service(DEFINITION, runtime, broker=broker)
    assert (first.events_applied, first.events_skipped, first.dead_letters, first.dead_letters_pending) == (2, 0, 1, 0)
    broker.fail("publish")
    again = rebuild_service(DEFINITION, runtime, broker=broker)
    assert (again.events_applied, again.dead_letters, again.dead_letters_pending) == (2, 1, 1)
    store = Store(open_engine(runtime.store_url), DEFINITION.projection().metadata)
    assert names(store) == {1: "one", 3: "three"} and store.stored_positions() == {(THINGS, 0): 2}
    assert len(broker.published(runtime.dead_letter_topic)) == 1 and store.count_pending_dead_letters() == 1


def _run(*arguments: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *arguments], check=False, capture_output=True, text=True, timeout=timeout
    )


def test_bad_settings_exit_2_with_the_error() -> None:
    result = _run("serve", "--listen", "nowhere", "--bootstrap", "127.0.0.1:1")
    assert result.returncode == 2
    assert "error: --listen must be HOST:PORT, got 'nowhere'" in result.stderr


@pytest.mark.slow
def test_a_service_that_cannot_reach_kafka_says_so_and_exits_0_on_sigterm(tmp_path: Path) -> None:
    port, unreachable = free_port(), free_port()
    command = [
        sys.executable, str(SCRIPT), "serve", "--listen", f"127.0.0.1:{port}", "--bootstrap",
        f"127.0.0.1:{unreachable}", "--store", f"sqlite:///{tmp_path / 's.db'}", "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        eventually(lambda: _get(url, "/healthz") == 503, "unhealthy", timeout=30)
        eventually(lambda: httpx.get(f"{url}/healthz").json()["failing"], "failing", timeout=30)
        health = httpx.get(f"{url}/healthz").json()
        assert health["healthy"] is False and health["connected"] is False
        assert "BrokerError: cannot connect to Kafka" in health["last_error"]
        assert 'consumer_failing{group="sample"} 1.0' in httpx.get(f"{url}/metrics").text
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert "Traceback" in stderr and "retrying in" in stderr  # failures are logged with their traceback
    assert json.dumps(health)
