"""``strangler events catalog|tail``: the catalog output (pure) and tail against a real, private Kafka."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from cli.main import app
from cli.stack import load_settings
from extracted.contracts import (
    CloudEvent,
    asyncapi_document,
    deterministic_id,
    events_topic,
    kafka_headers,
    kafka_key,
    new_event,
)
from tests.kafka_fixture import kafka_only

REPOSITORY = Path(__file__).resolve().parents[2]
TOPIC = events_topic("wordpress", "users")

REGISTERED = {
    "id": 7,
    "login": "zoë",
    "nicename": "zoe",
    "display_name": "Zoë",
    "email": "zoe@example.test",
    "url": "",
    "registered": "2024-02-29T23:59:59Z",
    "roles": ["author"],
    "nickname": "zoë",
    "first_name": "Zoë",
    "last_name": "",
    "description": "",
    "locale": "",
}


def _event(event_type: str, data: dict[str, Any], subject: str = "7") -> CloudEvent:
    return new_event(
        event_type,
        subject,
        data,
        source="/wp-strangler/tests/events",
        id=deterministic_id("test_events_commands", event_type, subject, json.dumps(data, sort_keys=True)),
        time="2026-12-07T06:24:18.123Z",
    )


def _invoke(home: Path, *arguments: str) -> Any:
    result = CliRunner().invoke(app, ["events", *arguments], env={"STRANGLER_HOME": str(home), "COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result


# --- catalog (pure) ---


def test_catalog_prints_the_asyncapi_document_as_yaml_or_json(tmp_path: Path) -> None:
    """Without a stack: the default prefix and the placeholder bootstrap."""
    expected = asyncapi_document("wordpress")
    assert yaml.safe_load(_invoke(tmp_path, "catalog").stdout) == expected
    assert json.loads(_invoke(tmp_path, "catalog", "--format", "json").stdout) == expected
    other = json.loads(_invoke(tmp_path, "catalog", "--format", "json", "--prefix", "acme").stdout)
    assert other["channels"]["users"]["address"] == "acme.events.users"
    assert not any(tmp_path.iterdir()), "catalog must not create a stack"


def test_catalog_uses_the_stack_and_writes_files(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "home", create=True, ports={"kafka": 29999})
    output = tmp_path / "asyncapi.yaml"
    result = _invoke(settings.home, "catalog", "--output", str(output))
    assert result.stdout == ""
    document = yaml.safe_load(output.read_text())
    assert document["servers"]["kafka"]["host"] == "127.0.0.1:29999"
    assert document == asyncapi_document("wordpress", bootstrap="127.0.0.1:29999")


def test_catalog_table(tmp_path: Path) -> None:
    text = _invoke(tmp_path, "catalog", "--format", "table").stdout
    for expected in ("wordpress.events.users", "user.registered", "user.deleted", "changed.email", "email"):
        assert expected in text
    table_file = tmp_path / "events.txt"
    _invoke(tmp_path, "catalog", "--format", "table", "--output", str(table_file))
    assert "user.profile_updated" in table_file.read_text()


def test_tail_without_a_stack_says_what_to_do(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["events", "tail"], env={"STRANGLER_HOME": str(tmp_path)})
    assert result.exit_code == 1
    assert "--bootstrap" in result.output


def test_tail_of_an_unknown_type_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["events", "tail", "user.renamed", "--bootstrap", "127.0.0.1:1"])
    assert result.exit_code == 1
    assert "unknown event type 'user.renamed'" in result.output


# --- tail, against a private Kafka of its own ---


@pytest.fixture(scope="module")
def kafka_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A STRANGLER_HOME whose stack runs only Kafka (the stack's own component, on free ports)."""
    home = tmp_path_factory.mktemp("events-kafka")
    with kafka_only(home) as bootstrap:
        _create_topic(bootstrap)
        yield home


def _bootstrap(home: Path) -> str:
    return load_settings(home).kafka_bootstrap


def _create_topic(bootstrap: str) -> None:
    from kafka import KafkaAdminClient
    from kafka.admin import NewTopic

    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        admin.create_topics([NewTopic(TOPIC, num_partitions=1, replication_factor=1)])
    finally:
        admin.close()


def _produce(bootstrap: str, records: list[tuple[bytes, bytes]]) -> None:
    from kafka import KafkaProducer

    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    try:
        for key, value in records:
            producer.send(TOPIC, key=key, value=value, headers=kafka_headers())
        producer.flush(timeout=20)
    finally:
        producer.close(timeout=5)


def _produce_aborted(bootstrap: str, event: CloudEvent) -> None:
    from kafka import KafkaProducer

    producer = KafkaProducer(bootstrap_servers=bootstrap, transactional_id="events-tail-test-aborted")
    try:
        producer.init_transactions()
        producer.begin_transaction()
        producer.send(TOPIC, key=kafka_key(event), value=event.to_json(), headers=kafka_headers())
        producer.flush(timeout=20)
        producer.abort_transaction()
    finally:
        producer.close(timeout=5)


@pytest.fixture(scope="module")
def published(kafka_home: Path) -> list[CloudEvent]:
    """On the users topic, in this order: an aborted event, a valid one, an invalid one, a valid one."""
    bootstrap = _bootstrap(kafka_home)
    _produce_aborted(bootstrap, _event("user.deleted", {"id": 99}, subject="99"))
    registered = _event("user.registered", REGISTERED)
    leaky = _event("user.registered", {**REGISTERED, "id": 8, "user_pass": "$P$Bhash"}, subject="8")
    role_changed = _event("user.role_changed", {"id": 7, "roles": ["editor"], "previous_roles": ["author"]})
    _produce(
        bootstrap,
        [(kafka_key(event), event.to_json()) for event in (registered, leaky, role_changed)],
    )
    return [registered, leaky, role_changed]


@pytest.mark.stack
@pytest.mark.timeout(120)
def test_tail_json_from_the_beginning(kafka_home: Path, published: list[CloudEvent]) -> None:
    registered, leaky, role_changed = published
    result = _invoke(kafka_home, "tail", "--from-beginning", "--limit", "3", "--json")
    lines = result.stdout.splitlines()
    assert len(lines) == 3, result.output
    assert lines[0].encode() == registered.to_json()  # the aborted transaction is not seen (read_committed)
    invalid = json.loads(lines[1])["invalid"]
    assert invalid["topic"] == TOPIC and invalid["key"] == "8"
    assert "$.data.user_pass" in invalid["error"] and "user.registered" in invalid["error"]
    assert json.loads(invalid["value"]) == json.loads(leaky.to_json())
    assert lines[2].encode() == role_changed.to_json()
    assert CloudEvent.from_json(lines[2]) == role_changed


@pytest.mark.stack
@pytest.mark.timeout(120)
def test_tail_filters_by_type_and_shows_invalid_events_marked(kafka_home: Path, published: list[CloudEvent]) -> None:
    only = _invoke(kafka_home, "tail", "user.role_changed", "--from-beginning", "--limit", "1", "--json")
    assert only.stdout.splitlines() == [published[2].to_json().decode()]
    shown = _invoke(kafka_home, "tail", "--from-beginning", "--limit", "3").stdout
    lines = shown.splitlines()
    assert "user.registered 7" in lines[0] and '"login":"zoë"' in lines[0]
    assert lines[1].startswith(f"INVALID {TOPIC}[0]@") and "$.data.user_pass" in shown
    assert any("user.role_changed 7" in line for line in lines[2:])


@pytest.mark.stack
@pytest.mark.timeout(120)
def test_tail_follows_new_events_live(kafka_home: Path, published: list[CloudEvent]) -> None:
    """Without --from-beginning only events published after the start appear, as they are published."""
    command = [sys.executable, "-m", "cli", "events", "tail", "--limit", "1", "--json"]
    environment = {**os.environ, "STRANGLER_HOME": str(kafka_home), "PYTHONUNBUFFERED": "1"}
    with subprocess.Popen(
        command, cwd=REPOSITORY, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as tail:
        try:
            assert tail.stderr is not None and tail.stdout is not None
            started = tail.stderr.readline()
            assert f"tailing {TOPIC} from now on" in started, started
            fresh = _event("user.deleted", {"id": 7})
            began = time.monotonic()
            _produce(_bootstrap(kafka_home), [(kafka_key(fresh), fresh.to_json())])
            assert tail.stdout.readline().strip() == fresh.to_json().decode()  # not the earlier events
            assert time.monotonic() - began < 10
            assert tail.wait(timeout=20) == 0
        finally:
            if tail.poll() is None:
                tail.kill()
