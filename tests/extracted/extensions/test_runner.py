"""The extension runner on the in-memory broker: once per event, retries, dead letters, enable/disable."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli.stack.ports import wait_until
from extracted.contracts import CloudEvent, new_event
from extracted.extensions import schema
from extracted.extensions.runner import ExtensionRunner, Switchboard
from extracted.extensions.sdk import Extension, ExtensionContext, RetryPolicy
from extracted.extensions.site import StoreSiteView
from extracted.runtime import InMemoryBroker, Store, open_engine

TOPIC = "wordpress.events.comments"


def _deleted(comment_id: int) -> bytes:
    event = new_event("comment.deleted", str(comment_id), {"id": comment_id, "post": 1}, source="/test",
                      id=f"evt-{comment_id}")  # fmt: skip
    return event.to_json()


class Harness:
    def __init__(self, tmp_path: Path, extension: Extension) -> None:
        self.broker = InMemoryBroker()
        self.store = Store(open_engine(f"sqlite:///{tmp_path / 'extensions.db'}"), schema.metadata)
        self.store.create()
        self.extension = extension
        self.switchboard = Switchboard(self.store.engine, {extension.name: True})
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None

    def runner(self) -> ExtensionRunner:
        context = ExtensionContext(self.extension.name, StoreSiteView(self.store.engine), {}, logging.getLogger("t"))
        return ExtensionRunner(
            self.extension, context, engine=self.store.engine, broker=self.broker, topics=[TOPIC],
            group="strangler-extensions", prefix="wordpress", switchboard=self.switchboard, poll_ms=20,
        )  # fmt: skip

    def start(self) -> ExtensionRunner:
        runner = self.runner()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=runner.run, args=(self.stop,), daemon=True)
        self.thread.start()
        return runner

    def halt(self) -> None:
        self.stop.set()
        assert self.thread is not None
        self.thread.join(10)


@pytest.fixture
def seen() -> list[str]:
    return []


def _recording(seen: list[str], *, fail_first: int = 0, replay: bool = True) -> Extension:
    extension = Extension("recorder", retry=RetryPolicy(attempts=3, initial_s=0.01, maximum_s=0.02),
                          replay_history=replay)  # fmt: skip
    failures = {"left": fail_first}

    @extension.on("comment.*")
    def record(event: CloudEvent, context: ExtensionContext) -> None:
        if event.subject == "13" or failures["left"] > 0:
            failures["left"] -= 1
            raise RuntimeError(f"cannot handle {event.subject}")
        seen.append(event.subject)

    return extension


@pytest.fixture
def harness(tmp_path: Path, seen: list[str]) -> Iterator[Harness]:
    made = Harness(tmp_path, _recording(seen))
    yield made
    if made.thread is not None:
        made.halt()


def test_each_event_once_across_a_restart_and_duplicates(harness: Harness, seen: list[str]) -> None:
    for comment_id in (1, 2, 3):
        harness.broker.append(TOPIC, str(comment_id).encode(), _deleted(comment_id))
    harness.start()
    assert wait_until(lambda: seen == ["1", "2", "3"], 10), seen
    harness.halt()
    harness.broker.append(TOPIC, b"2", _deleted(2))  # the same event again (a producer's retry)
    harness.broker.append(TOPIC, b"4", _deleted(4))
    runner = harness.start()
    assert wait_until(lambda: seen == ["1", "2", "3", "4"], 10), seen
    # the duplicate was skipped, not handled again (the count follows the handler's return)
    assert wait_until(lambda: runner.health()["handled"] == 1, 10)
    assert seen == ["1", "2", "3", "4"]


def test_a_failing_event_is_retried_then_dead_lettered_and_the_rest_goes_on(harness: Harness, seen: list[str]) -> None:
    for comment_id in (12, 13, 14):
        harness.broker.append(TOPIC, str(comment_id).encode(), _deleted(comment_id))
    harness.broker.append(TOPIC, b"x", b"not json")
    runner = harness.start()
    dead_topic = "wordpress.dead-letter.strangler-extensions.recorder"
    assert wait_until(lambda: len(harness.broker.published(dead_topic)) == 2, 10)
    assert seen == ["12", "14"]
    letters = harness.broker.published(dead_topic)
    assert "cannot handle 13" in letters[0].error
    assert letters[1].record.value == b"not json"
    health = runner.health()
    assert (health["dead_lettered"], health["retries"], health["healthy"]) == (2, 2, True)


def test_a_handler_that_recovers_within_its_retries_is_handled(tmp_path: Path, seen: list[str]) -> None:
    harness = Harness(tmp_path, _recording(seen, fail_first=2))
    harness.broker.append(TOPIC, b"5", _deleted(5))
    runner = harness.start()
    try:
        assert wait_until(lambda: seen == ["5"], 10)
        assert runner.health()["retries"] == 2
    finally:
        harness.halt()


def test_disabled_it_keeps_its_place_and_resumes_when_enabled(harness: Harness, seen: list[str]) -> None:
    harness.switchboard.set("recorder", False)
    runner = harness.start()
    harness.broker.append(TOPIC, b"7", _deleted(7))
    assert wait_until(lambda: runner.health()["enabled"] is False, 5)
    harness.switchboard.set("recorder", True)
    assert wait_until(lambda: seen == ["7"], 10), seen


def test_a_new_extension_starts_with_the_events_to_come(tmp_path: Path, seen: list[str]) -> None:
    harness = Harness(tmp_path, _recording(seen, replay=False))
    harness.broker.append(TOPIC, b"1", _deleted(1))  # before it was installed
    runner = harness.start()
    try:
        assert wait_until(lambda: bool(runner._stored_positions()), 10)  # its place: the end of the topic
        harness.broker.append(TOPIC, b"2", _deleted(2))
        assert wait_until(lambda: seen == ["2"], 10), seen
        harness.halt()
        harness.broker.append(TOPIC, b"3", _deleted(3))  # while it was stopped: not skipped
        harness.start()
        assert wait_until(lambda: seen == ["2", "3"], 10), seen
    finally:
        harness.halt()
