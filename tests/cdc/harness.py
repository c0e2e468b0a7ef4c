"""Integration-test helpers: our own connector processes and read_committed topic readers.

Each test runs its own connector (unique topic prefix, replica id and port) against the session
stack's MariaDB and Kafka, so tests never see each other's events or offsets.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pymysql
from confluent_kafka import Consumer, KafkaError, TopicPartition

from cdc.events import ChangeEvent, Tombstone, decode
from cli.stack.ports import free_port

REPOSITORY = Path(__file__).resolve().parents[2]
OFFSET_BEGINNING = -2


def wait_for(check: Callable[[], Any], timeout: float = 30.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def sql(components: dict[str, Any], user: str = "root") -> pymysql.connections.Connection[Any]:
    db = components["mariadb"]
    password = db["root_password"] if user == "root" else db["wp_password"]
    name = db["root_user"] if user == "root" else db["wp_user"]
    return pymysql.connect(
        host=db["host"],
        port=int(db["port"]),
        user=name,
        password=password,
        database=db["database"],
        autocommit=True,
        charset="utf8mb4",
    )


def query(components: dict[str, Any], statement: str, args: Any = None, user: str = "root") -> list[tuple[Any, ...]]:
    with sql(components, user) as conn, conn.cursor() as cur:
        cur.execute(statement, args)
        return list(cur.fetchall())


def binlog_position(components: dict[str, Any]) -> str:
    return str(query(components, "SELECT @@gtid_binlog_pos")[0][0])


@dataclass
class Connector:
    components: dict[str, Any]
    workdir: Path
    prefix: str = field(default_factory=lambda: "t" + uuid.uuid4().hex[:10])
    server_id: int = field(default_factory=lambda: 6000 + uuid.uuid4().int % 3000)
    user: str | None = None
    password: str | None = None
    extra: list[str] = field(default_factory=list)
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        db = self.components["mariadb"]
        password_file = self.workdir / f"{self.prefix}.pw"
        password_file.write_text(self.password if self.password is not None else db["cdc_password"])
        return [
            sys.executable,
            "-m",
            "cdc",
            "run",
            "--host",
            db["host"],
            "--port",
            str(db["port"]),
            "--user",
            self.user or db["cdc_user"],
            "--password-file",
            str(password_file),
            "--database",
            db["database"],
            "--bootstrap",
            self.components["kafka"]["bootstrap"],
            "--prefix",
            self.prefix,
            "--server-id",
            str(self.server_id),
            "--listen",
            f"127.0.0.1:{self.port}",
            *self.extra,
        ]

    def start(self) -> Connector:
        with (self.workdir / f"{self.prefix}.log").open("ab") as log:  # the child keeps its own descriptor
            self.proc = subprocess.Popen(self.command(), cwd=REPOSITORY, stdout=log, stderr=log)
        return self

    def run_to_exit(self, timeout: float = 150) -> tuple[int, str]:
        """Run in the foreground (for refusals): exit code and stderr. The timeout outlasts the
        connector's own bounded Kafka waits (init_transactions and the offset read, 30 s each): a
        busy broker once took a CI run past 60 s before the refusal being tested."""
        done = subprocess.run(self.command(), cwd=REPOSITORY, capture_output=True, timeout=timeout, check=False)
        return done.returncode, done.stderr.decode()

    def status(self) -> dict[str, Any]:
        try:
            with urllib.request.urlopen(self.url + "/healthz", timeout=2) as resp:
                data: dict[str, Any] = json.loads(resp.read())
                return data
        except urllib.error.HTTPError as exc:
            data = json.loads(exc.read())
            return data
        except OSError:
            return {}

    def wait_streaming(self, timeout: float = 60) -> dict[str, Any]:
        def ready() -> dict[str, Any] | None:
            if self.proc is not None and self.proc.poll() is not None:
                raise AssertionError(f"connector exited {self.proc.returncode}: {self.log()[-2000:]}")
            status = self.status()
            return status if status.get("state") == "streaming" else None

        result: dict[str, Any] = wait_for(ready, timeout, "the connector to stream")
        return result

    def wait_caught_up(self, timeout: float = 60) -> None:
        target = binlog_position(self.components)
        wait_for(
            lambda: self.status().get("position", {}).get("gtid") == target and self.status().get("lag_ms") == 0,
            timeout,
            f"the connector to reach {target}",
        )

    def log(self) -> str:
        path = self.workdir / f"{self.prefix}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> int:
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(30)
        self.proc = None
        return code

    def kill9(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        self.proc = None

    def topic(self, table: str) -> str:
        return f"{self.prefix}.{self.components['mariadb']['database']}.{table}"


Record = ChangeEvent | Tombstone


def read_topic(bootstrap: str, topic: str, timeout: float = 30) -> list[Record]:
    """Every committed record of ``topic`` (all partitions, each in order), read with
    ``isolation_level=read_committed`` (librdkafka: the 20,000-row tests read 60k records)."""
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"cdc-test-{uuid.uuid4().hex}",
            "enable.auto.commit": False,
            "isolation.level": "read_committed",
            "enable.partition.eof": True,
            "auto.offset.reset": "earliest",
            "fetch.wait.max.ms": 10,
            "max.partition.fetch.bytes": 16 << 20,
        }
    )
    try:
        metadata = consumer.list_topics(topic, timeout=10).topics.get(topic)
        if metadata is None or metadata.error is not None:
            return []
        partitions = sorted(metadata.partitions)
        consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in partitions])
        records: list[Record] = []
        at_end: set[int] = set()
        deadline = time.monotonic() + timeout
        while len(at_end) < len(partitions):
            if time.monotonic() > deadline:
                raise AssertionError(f"could not read {topic} to its end")
            for message in consumer.consume(10_000, 0.2):
                error = message.error()
                if error is not None and error.code() == KafkaError._PARTITION_EOF:
                    at_end.add(message.partition() or 0)
                elif error is not None:
                    raise AssertionError(f"reading {topic}: {error}")
                else:
                    records.append(decode(topic, message.key(), message.value()))
        return records
    finally:
        consumer.close()


def changes(records: list[Record]) -> list[ChangeEvent]:
    return [r for r in records if isinstance(r, ChangeEvent)]


def final_state(records: list[Record]) -> dict[str, dict[str, Any]]:
    """Replay a topic: the row each key ends with (deleted keys absent)."""
    state: dict[str, dict[str, Any]] = {}
    for record in records:
        key = json.dumps(record.key, sort_keys=True)
        if isinstance(record, Tombstone) or record.op == "d":
            state.pop(key, None)
        elif record.after is not None:
            state[key] = record.after
    return state
