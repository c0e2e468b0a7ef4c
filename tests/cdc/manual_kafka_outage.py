"""By-hand fault check (not collected by pytest): Kafka goes away while rows are written, comes
back, and every change is on Kafka exactly once.

    .venv/bin/python -m tests.cdc.manual_kafka_outage STRANGLER_HOME [--kill] [--down-s 3]

Runs its own connector (own prefix) against the stack of STRANGLER_HOME, stops its Kafka (SIGTERM
through the supervisor, or SIGKILL of the broker with ``--kill``), writes inserts, updates and
deletes, keeps Kafka down ``--down-s`` seconds (more than 30 s makes the connector's pending Kafka
commit time out, so it aborts and resumes from the committed offset), starts Kafka again and
compares the topic with the expected changes. Not an automated test because restarting the broker
alone takes 10-30 s here (JVM start, KRaft recovery after a kill): over the suite's budget.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

from cdc.events import ChangeEvent
from cli.stack import Stack, load_settings
from tests.cdc.harness import Connector, Record, query, read_topic, sql, wait_for


def _changes(records: list[Record]) -> Counter[tuple[str, int]]:
    return Counter((r.op if isinstance(r, ChangeEvent) else "tombstone", int(r.key["id"])) for r in records)


def _stop_kafka(supervisor: Stack, kill: bool) -> None:
    if not kill:
        supervisor.component("kafka").stop()
        return
    pid = supervisor.processes.pid("kafka")
    assert pid is not None, "kafka is not running"
    os.killpg(pid, signal.SIGKILL)
    while supervisor.processes.is_running("kafka"):
        time.sleep(0.05)


def check(home: Path, *, kill: bool, down_s: float) -> bool:
    supervisor = Stack(load_settings(home))
    components: dict[str, Any] = supervisor.status()
    table = f"wp_cdc_kafka_{uuid.uuid4().hex[:6]}"
    query(components, f"CREATE TABLE {table} (id INT PRIMARY KEY, v VARCHAR(20) NOT NULL)")
    workdir = Path(tempfile.mkdtemp(prefix="kafka-outage-"))
    connector = Connector(components, workdir, extra=["--snapshot-mode", "never"]).start()
    bootstrap, topic = components["kafka"]["bootstrap"], connector.topic(table)
    started = time.monotonic()

    def say(message: str) -> None:
        print(f"{time.monotonic() - started:6.1f} s  {message}", flush=True)

    try:
        connector.wait_streaming()
        with sql(components) as conn, conn.cursor() as cur:
            for i in range(1, 11):
                cur.execute(f"INSERT INTO {table} VALUES (%s, 'a')", (i,))
        wait_for(lambda: len(read_topic(bootstrap, topic)) >= 10, 30, "the rows before the outage")
        _stop_kafka(supervisor, kill)
        say(f"Kafka {'killed' if kill else 'stopped'}; writing while it is down")
        with sql(components) as conn, conn.cursor() as cur:
            for i in range(11, 111):
                cur.execute(f"INSERT INTO {table} VALUES (%s, 'b')", (i,))
            cur.execute(f"UPDATE {table} SET v = 'u' WHERE id <= 5")
            cur.execute(f"DELETE FROM {table} WHERE id BETWEEN 6 AND 8")
        time.sleep(down_s)
        fields = ("state", "healthy", "reconnects", "last_error", "kafka_commit_waiting_s")
        say(f"connector while Kafka is down: {json.dumps({k: connector.status().get(k) for k in fields})}")
        kafka = supervisor.component("kafka")
        kafka.launch()
        kafka.wait_ready()
        kafka.after_ready()
        say("Kafka up again")
        expected = Counter([("c", i) for i in range(1, 111)] + [("u", i) for i in range(1, 6)])
        expected.update([("d", i) for i in (6, 7, 8)] + [("tombstone", i) for i in (6, 7, 8)])
        wait_for(lambda: len(read_topic(bootstrap, topic)) >= expected.total(), 120, "the rows after the outage")
        time.sleep(2)  # anything doubled would be committed by now
        got = _changes(read_topic(bootstrap, topic))
        status = connector.status()
        say(f"all committed; connector {status.get('state')}, reconnects {status.get('reconnects')}")
        if got != expected:
            print(f"FAIL: extra {got - expected}, missing {expected - got}")
            return False
        print("PASS: every change exactly once")
        return True
    finally:
        say(f"connector exit code {connector.stop()}")
        query(components, f"DROP TABLE IF EXISTS {table}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("home", type=Path, help="STRANGLER_HOME of a running stack")
    parser.add_argument("--kill", action="store_true", help="SIGKILL the broker instead of stopping it")
    parser.add_argument("--down-s", type=float, default=3.0, help="how long Kafka stays down after the writes")
    args = parser.parse_args()
    return 0 if check(args.home, kill=args.kill, down_s=args.down_s) else 1


if __name__ == "__main__":
    raise SystemExit(main())
