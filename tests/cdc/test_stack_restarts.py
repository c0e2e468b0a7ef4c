"""A full MariaDB restart under a streaming connector: it resumes by GTID, nothing lost or doubled."""

from __future__ import annotations

import json
import time
import urllib.request
import uuid
from collections import Counter
from typing import Any

import pytest

from cdc.events import ChangeEvent, Tombstone
from cli.stack import Stack
from tests.cdc.harness import Connector, Record, query, read_topic, sql, wait_for

pytestmark = pytest.mark.stack


def _restart(supervisor: Stack, name: str) -> None:
    component = supervisor.component(name)
    component.stop()
    component.launch()
    component.wait_ready()
    component.after_ready()


def _changes(records: list[Record]) -> Counter[tuple[str, int]]:
    """(op, id) of every record; tombstones count as ("tombstone", id)."""
    return Counter(
        (r.op if isinstance(r, ChangeEvent) else "tombstone", int(r.key["id"]))
        for r in records
        if isinstance(r, ChangeEvent | Tombstone) and r.key
    )


def _wait_supervised_cdc(components: dict[str, Any]) -> None:
    """Leave the stack as found: the supervised connector streams again (it backs off while the
    database is away)."""
    url = components.get("cdc", {}).get("url")
    if not url:
        return

    def healthy() -> bool:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                return bool(json.loads(response.read()).get("healthy"))
        except OSError:
            return False

    wait_for(healthy, 30, "the supervised connector to stream again")


def test_mariadb_restart_resumes_by_gtid_without_loss_or_duplicates(
    components: dict[str, Any], new_connector: Any, supervisor: Stack
) -> None:
    table = f"wp_cdc_restart_{uuid.uuid4().hex[:6]}"
    query(components, f"CREATE TABLE {table} (id INT PRIMARY KEY, v VARCHAR(20) NOT NULL)")
    connector: Connector = new_connector(extra=["--snapshot-mode", "never", "--heartbeat-ms", "500"]).start()
    try:
        connector.wait_streaming()
        with sql(components) as conn, conn.cursor() as cur:
            for i in range(1, 11):  # single-row transactions, WordPress's shape
                cur.execute(f"INSERT INTO {table} VALUES (%s, 'a')", (i,))
            cur.executemany(f"INSERT INTO {table} VALUES (%s, 'a')", [(i,) for i in range(11, 21)])
        bootstrap, topic = components["kafka"]["bootstrap"], connector.topic(table)
        wait_for(lambda: len(read_topic(bootstrap, topic)) >= 20, 30, "the rows before the restart")
        started = time.monotonic()
        _restart(supervisor, "mariadb")
        with sql(components) as conn, conn.cursor() as cur:
            for i in range(21, 31):
                cur.execute(f"INSERT INTO {table} VALUES (%s, 'b')", (i,))
            cur.execute(f"UPDATE {table} SET v = 'u' WHERE id <= 5")
            cur.execute(f"DELETE FROM {table} WHERE id BETWEEN 6 AND 8")
        expected = Counter(
            [("c", i) for i in range(1, 31)] + [("u", i) for i in range(1, 6)] + [("d", i) for i in (6, 7, 8)]
        )
        expected.update(("tombstone", i) for i in (6, 7, 8))
        wait_for(lambda: len(read_topic(bootstrap, topic)) >= expected.total(), 30, "the rows after the restart")
        time.sleep(1.0)  # anything doubled by the resume would be committed by now
        assert _changes(read_topic(bootstrap, topic)) == expected
        assert connector.status()["reconnects"] >= 1
        assert time.monotonic() - started < 30
    finally:
        query(components, f"DROP TABLE IF EXISTS {table}")
        _wait_supervised_cdc(components)
