"""The users service on the real stack: ``/wp/v2/users`` with WordPress's bytes, and its domain events on
Kafka, exactly once, also across a ``kill -9`` between the outbox and Kafka.

The stack runs the service (the registry's ``users`` capability); the tests use that one, so the events
they read are the ones every consumer of ``wordpress.events.users`` gets.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, TopicPartition

from cli.stack.services import ExtractedService
from extracted.contracts import parse_and_validate
from extracted.runtime.event_relay import FAULT_VARIABLE
from tests.cdc.harness import query
from tests.extracted.content.content_matrix import gather, request_matrix
from tests.extracted.content.content_parity import compare, visitor_clients
from tests.extracted.content.content_process import admin_client, hidden_ids, wait_for
from tests.stack_fixture import StackHandle

pytestmark = pytest.mark.stack
TOPIC = "wordpress.events.users"
REPOSITORY = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def service(stack: StackHandle) -> str:
    users = stack.refresh()["users"]
    assert users["healthy"] is True and users["url"], users
    url = str(users["url"])
    wait_for(lambda: httpx.get(f"{url}/healthz", timeout=2).json()["caught_up"], 120)
    return url


@pytest.fixture(scope="module")
def admin(stack: StackHandle) -> Iterator[httpx.Client]:
    with admin_client(stack.components) as client:
        yield client


def events_of(bootstrap: str, user_id: int, topic: str = TOPIC) -> list[dict[str, Any]]:
    """The committed events about one user (or another aggregate of ``topic``: read_committed, every
    partition to its end), each checked against its contract, with the record's key; in publishing
    order, as they share a partition (the key)."""
    consumer = Consumer({
        "bootstrap.servers": bootstrap, "group.id": f"users-test-{uuid.uuid4().hex}", "enable.auto.commit": False,
        "isolation.level": "read_committed", "enable.partition.eof": True, "fetch.wait.max.ms": 10,
    })  # fmt: skip
    try:
        metadata = consumer.list_topics(topic, timeout=10).topics.get(topic)
        if metadata is None or metadata.error is not None:
            return []
        consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in metadata.partitions])
        found: list[dict[str, Any]] = []
        at_end: set[int] = set()
        while len(at_end) < len(metadata.partitions):
            for message in consumer.consume(1000, 0.2):
                error = message.error()
                if error is not None:
                    assert error.code() == KafkaError._PARTITION_EOF, error
                    at_end.add(message.partition() or 0)
                elif message.key() == str(user_id).encode():
                    event = json.loads(parse_and_validate(message.value() or b"").to_json())
                    found.append({**event, "key": str(user_id)})
        return found
    finally:
        consumer.close()


def _types(events: list[dict[str, Any]]) -> list[str]:
    return [event["type"] for event in events]


def register(stack: StackHandle, login: str) -> int:
    """A visitor registers through wp-login.php (users may register), as WordPress's own form posts."""
    components = stack.components
    query(components, "UPDATE wp_options SET option_value = '1' WHERE option_name = 'users_can_register'")
    wordpress, _ = visitor_clients(components, components["wordpress"]["url"])
    with wordpress:
        answer = wordpress.post(
            "/wp-login.php?action=register", data={"user_login": login, "user_email": f"{login}@example.test"}
        )
    assert answer.status_code == 302 and "checkemail=registered" in answer.headers["location"], answer.text[:500]
    (user_id,) = query(components, "SELECT ID FROM wp_users WHERE user_login = %s", (login,))[0]
    return int(user_id)


def test_users_parity_with_wordpress(stack: StackHandle, service: str, admin: httpx.Client) -> None:
    """The users endpoints of the content parity matrix, and every user WordPress has by id (those
    without published posts too) in several shapes, via /wp-json and ?rest_route=."""
    wordpress_url = stack.components["wordpress"]["url"]
    matrix = request_matrix(gather(wordpress_url, hidden_ids(admin)), seed=5, extra=30, per_param=2, singles=8)
    matrix = {name: paths for name, paths in matrix.items() if name.startswith("users")}
    everyone = admin.get("/wp-json/wp/v2/users", params={"per_page": 100, "context": "edit", "_fields": "id"}).json()
    matrix["users/{id}"] += [f"/wp/v2/users/{user['id']}" for user in everyone]
    first = everyone[0]["id"]
    matrix["users/{id}"] += [f"/wp/v2/users/{first}?{q}" for q in
                             ("context=embed", "context=edit", "context=foo", "_fields=id,name", "_envelope=1",
                              "_embed=1", "id=2", "id=abc", "id=1.5", "id=0", "id[]=2", "id=%201", "id=2abc",
                              "id=2&context=edit")]  # fmt: skip
    matrix["users"] += ["/wp/v2/users?per_page=100&_embed=1", "/wp/v2/users?orderby=name&order=desc",
                        "/wp/v2/users?search=%C3%A9", "/wp/v2/users?page=2&per_page=1", "/wp/v2/users/"]  # fmt: skip
    wp, sv = visitor_clients(stack.components, service)
    with wp, sv:
        report = compare(wp, sv, matrix, rest_route=[path for paths in matrix.values() for path in paths[:3]])
    print(f"\nusers parity: {report.summary()}")
    for path, problem in report.failures[:20]:
        print(f"  {path}: {problem}")
    assert report.all_equal, report.failures[:5]
    assert sum(report.fallback.values()) == 0, report.fallback_reasons[:5]
    assert sum(report.total.values()) > 60


def test_a_registration_and_a_profile_change_are_one_event_each(
    stack: StackHandle, service: str, admin: httpx.Client
) -> None:
    bootstrap = stack.components["kafka"]["bootstrap"]
    login = f"reader{uuid.uuid4().hex[:8]}"
    user_id = register(stack, login)
    wait_for(lambda: len(events_of(bootstrap, user_id)) >= 1, 30, interval=0.2)
    (registered,) = events_of(bootstrap, user_id)
    assert registered["type"] == "user.registered" and registered["key"] == str(user_id)
    data = registered["data"]
    assert (data["id"], data["login"], data["email"], data["roles"]) == (
        user_id, login, f"{login}@example.test", ["subscriber"],
    )  # fmt: skip
    assert not {"pass", "user_pass", "activation_key", "user_activation_key"} & data.keys()

    answer = admin.post(f"/wp-json/wp/v2/users/{user_id}", json={"first_name": "Ada", "description": "Reads a lot"})
    assert answer.status_code == 200, answer.text
    wait_for(lambda: len(events_of(bootstrap, user_id)) >= 2, 30, interval=0.2)
    health = httpx.get(f"{service}/healthz").json()
    assert health["healthy"] is True and health["workers"]["relay"]["pending"] == 0
    events = events_of(bootstrap, user_id)
    assert _types(events) == ["user.registered", "user.profile_updated"]
    assert events[1]["data"] == {"id": user_id, "changed": {"first_name": "Ada", "description": "Reads a lot"}}
    # a visitor does not see a user without published posts, on the service as on WordPress
    assert httpx.get(f"{service}/wp-json/wp/v2/users/{user_id}").status_code == 401
    metrics = httpx.get(f"{service}/metrics").text
    assert 'worker_up{worker="relay"} 1.0' in metrics and 'worker_up{worker="announcer"} 1.0' in metrics


def _faulty(users: ExtractedService, fault: str, log: Path) -> subprocess.Popen[bytes]:
    """The stack's users service (same store, group, hence transactional id) with a relay fault injected."""
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, *users.arguments()], cwd=REPOSITORY, env={**os.environ, FAULT_VARIABLE: fault},
            stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip


def _relay(users: ExtractedService) -> dict[str, Any]:
    health = users.health() or httpx.get(users.health_url, timeout=2).json()
    relay: dict[str, Any] = health["workers"]["relay"]
    return relay


def test_kill_9_between_the_outbox_and_kafka_loses_and_repeats_nothing(
    stack: StackHandle, service: str, admin: httpx.Client, tmp_path: Path
) -> None:
    """An event committed to the outbox, the process killed before its relay published it; the next one
    publishes it and is killed right after Kafka's commit, before the outbox forgets it; the one after
    finds it on Kafka and does not send it again. Each kill is made deterministic by a relay fault hook."""
    assert stack.stack is not None
    users, bootstrap = stack.stack.service("users"), stack.components["kafka"]["bootstrap"]
    user_id = register(stack, f"crash{uuid.uuid4().hex[:8]}")
    wait_for(lambda: len(events_of(bootstrap, user_id)) == 1, 30, interval=0.2)
    stack.stack.processes.stop("users")  # its record goes first: the supervisor leaves it alone
    started: list[subprocess.Popen[bytes]] = []
    try:
        started.append(_faulty(users, "hold", tmp_path / "users.log"))
        wait_for(users.is_ready, 60, interval=0.1)
        admin.post(f"/wp-json/wp/v2/users/{user_id}", json={"last_name": "Held"}).raise_for_status()
        wait_for(lambda: _relay(users)["held"] >= 1, 30, interval=0.05)  # announced: in the outbox, not on Kafka
        os.killpg(started[0].pid, signal.SIGKILL)
        assert started[0].wait(10) == -signal.SIGKILL
        assert _types(events_of(bootstrap, user_id)) == ["user.registered"]

        started.append(_faulty(users, "die-after-publish", tmp_path / "users.log"))
        assert started[1].wait(60) == -signal.SIGKILL, (tmp_path / "users.log").read_text()[-3000:]
    finally:
        for process in started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)
        users.launch()
        users.wait_ready()
    events = events_of(bootstrap, user_id)
    assert _types(events) == ["user.registered", "user.profile_updated"], events
    assert events[1]["data"]["changed"] == {"last_name": "Held"}
    relay = _relay(users)
    assert relay["reconciled"] >= 1 and relay["pending"] == 0, relay  # found on Kafka, not sent again
    admin.post(f"/wp-json/wp/v2/users/{user_id}", json={"last_name": "Free"}).raise_for_status()
    wait_for(lambda: len(events_of(bootstrap, user_id)) == 3, 30, interval=0.2)
    assert [event["data"].get("changed") for event in events_of(bootstrap, user_id)][1:] == [
        {"last_name": "Held"}, {"last_name": "Free"},
    ]  # fmt: skip
