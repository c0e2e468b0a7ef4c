"""Users benchmark (run on demand, prints numbers; not a test), against a running stack
(``make demo``'s, or the one ``STRANGLER_HOME`` names, or ``--components status.json``).

1. **change → domain event**: users created one by one through WordPress (REST ``POST /wp/v2/users``
   as the admin, the same ``wp_insert_user`` statements a registration writes, each autocommit); per
   user, the time from WordPress's answer (its last statement committed in MariaDB) to the
   ``user.registered`` event being readable by a ``read_committed`` consumer of
   ``<prefix>.events.users``: binlog → CDC → Kafka → users service (derivation waits for the profile
   to settle) → outbox → Kafka. p50/p99; the target is p99 ≤ 250 ms.
2. **registrations per second** through ``wp-login.php?action=register`` (``users_can_register``
   switched on for the run and restored after), 8 concurrent visitors for ``--seconds``: WordPress,
   and the users service when ``--service-register URL`` gives its registration endpoint.

    .venv/bin/python bench/users/bench_users.py [--components status.json] [--users 200] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pymysql
from confluent_kafka import Consumer, KafkaError

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from extracted.contracts import events_topic, parse_and_validate


def _components(path: Path | None) -> dict[str, Any]:
    if path is not None:
        document: dict[str, Any] = json.loads(path.read_text())
        return dict(document.get("components", document))
    from cli.stack import Stack, load_settings

    return Stack(load_settings()).status()


class EventWatch:
    """Reads ``user.registered`` events from the end of the topic; records when each login arrived."""

    def __init__(self, bootstrap: str, topic: str) -> None:
        self.arrived: dict[str, float] = {}
        self.invalid = 0
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._consumer = Consumer(
            {
                "bootstrap.servers": bootstrap,
                "group.id": f"bench-users-{uuid.uuid4().hex[:8]}",
                "isolation.level": "read_committed",
                "auto.offset.reset": "latest",
                "enable.auto.commit": False,
            }
        )
        self._consumer.subscribe([topic], on_assign=lambda consumer, partitions: self._ready.set())
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        if not self._ready.wait(30):
            raise RuntimeError(f"no partitions of {topic} assigned within 30 s (does the topic exist?)")

    def _run(self) -> None:
        while not self._stop.is_set():
            message = self._consumer.poll(0.05)
            if message is None:
                continue
            error = message.error()
            if error is not None and error.code() == KafkaError._PARTITION_EOF:
                continue
            if error is not None:
                raise RuntimeError(str(error))
            seen = time.monotonic()
            try:
                event = parse_and_validate(message.value() or b"")
            except ValueError:
                self.invalid += 1
                continue
            if event.type == "user.registered":
                self.arrived.setdefault(str(event.data["login"]), seen)

    def wait_for(self, login: str, timeout: float) -> float | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if login in self.arrived:
                return self.arrived[login]
            time.sleep(0.002)
        return None

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._consumer.close()


def change_to_event(components: dict[str, Any], users: int, pause_s: float) -> None:
    wordpress, kafka = components["wordpress"], components["kafka"]
    prefix = components.get("cdc", {}).get("prefix", "wordpress")
    watch = EventWatch(kafka["bootstrap"], events_topic(prefix, "users"))
    latencies: list[float] = []
    missing = 0
    run = uuid.uuid4().hex[:6]
    auth = (wordpress["admin_user"], wordpress["app_password"])
    try:
        with httpx.Client(base_url=wordpress["url"], auth=auth, timeout=30) as client:
            for number in range(users):
                login = f"bench{run}u{number}"
                body = {"username": login, "email": f"{login}@example.test", "password": uuid.uuid4().hex}
                response = client.post("/wp-json/wp/v2/users", json=body)
                committed = time.monotonic()
                response.raise_for_status()
                arrived = watch.wait_for(login, 10.0)
                if arrived is None:
                    missing += 1
                else:
                    latencies.append((arrived - committed) * 1000)
                time.sleep(pause_s)
    finally:
        watch.close()
    if not latencies:
        print(f"change → event: no event arrived for {users} users ({missing} missing)")
        return
    latencies.sort()

    def percentile(share: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * share))]

    print(
        f"change → event ({len(latencies)} users, {missing} missing, {watch.invalid} invalid): "
        f"p50 {statistics.median(latencies):.0f} ms, p90 {percentile(0.9):.0f} ms, p99 {percentile(0.99):.0f} ms, "
        f"max {latencies[-1]:.0f} ms; over 250 ms: {sum(value > 250 for value in latencies)}"
    )


async def _register_for(url: str, seconds: float, concurrency: int) -> tuple[int, int]:
    run = uuid.uuid4().hex[:6]
    done = failed = 0
    deadline = time.monotonic() + seconds

    async def visitor(number: int, client: httpx.AsyncClient) -> None:
        nonlocal done, failed
        attempt = 0
        while time.monotonic() < deadline:
            login = f"reg{run}v{number}n{attempt}"
            attempt += 1
            form = {
                "user_login": login,
                "user_email": f"{login}@example.test",
                "redirect_to": "",
                "wp-submit": "Register",
            }
            response = await client.post(url, data=form)
            registered = response.status_code == 302 and "checkemail=registered" in response.headers.get("location", "")
            done, failed = (done + 1, failed) if registered else (done, failed + 1)

    async with httpx.AsyncClient(timeout=30) as client:
        await asyncio.gather(*(visitor(number, client) for number in range(concurrency)))
    return done, failed


def _set_option(mariadb: dict[str, Any], name: str, value: str | None) -> str | None:
    """Set a WordPress option (``None`` deletes it); returns the previous value."""
    connection = pymysql.connect(
        host=mariadb["host"],
        port=int(mariadb["port"]),
        user=mariadb["root_user"],
        password=mariadb["root_password"],
        database=mariadb.get("database", "wordpress"),
        autocommit=True,
    )
    with connection, connection.cursor() as cursor:
        cursor.execute("SELECT option_value FROM wp_options WHERE option_name = %s", (name,))
        row = cursor.fetchone()
        if value is None:
            cursor.execute("DELETE FROM wp_options WHERE option_name = %s", (name,))
        elif row is None:
            cursor.execute("INSERT INTO wp_options (option_name, option_value) VALUES (%s, %s)", (name, value))
        else:
            cursor.execute("UPDATE wp_options SET option_value = %s WHERE option_name = %s", (value, name))
    return None if row is None else str(row[0])


def registrations(components: dict[str, Any], seconds: float, service_url: str | None) -> None:
    previous = _set_option(components["mariadb"], "users_can_register", "1")
    try:
        targets = [("WordPress", components["wordpress"]["url"] + "/wp-login.php?action=register")]
        if service_url:
            targets.append(("users service", service_url))
        for name, url in targets:
            done, failed = asyncio.run(_register_for(url, seconds, 8))
            print(f"registrations, {name}: {done / seconds:.1f}/s ({done} in {seconds:.0f} s, {failed} not registered)")
    finally:
        _set_option(components["mariadb"], "users_can_register", previous)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--components", type=Path, help="JSON of `strangler status --json`")
    parser.add_argument("--users", type=int, default=200, help="users created for change → event")
    parser.add_argument("--pause", type=float, default=0.05, help="seconds between two users")
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of the registrations phase")
    parser.add_argument("--service-register", help="the users service's registration URL, when it has one")
    parser.add_argument("--phases", default="events,registrations")
    args = parser.parse_args()
    components = _components(args.components)
    phases = set(args.phases.split(","))
    if "events" in phases:
        change_to_event(components, args.users, args.pause)
    if "registrations" in phases:
        registrations(components, args.seconds, args.service_register)
    return 0


if __name__ == "__main__":
    sys.exit(main())
