"""Snapshot and streaming stay consistent under concurrent writes, re-snapshots and kill -9."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import Counter
from typing import Any

import pytest

from cdc import commands
from cdc.events import ChangeEvent
from cdc.snapshot import SnapshotReader
from tests.cdc.harness import Connector, final_state, query, read_topic, sql, wait_for

pytestmark = pytest.mark.stack


class OptionWriter(threading.Thread):
    """Inserts, updates and deletes ``cdc_<tag>_*`` options as fast as it can until stopped."""

    def __init__(self, components: dict[str, Any], tag: str) -> None:
        super().__init__(daemon=True)
        self.components, self.stop = components, threading.Event()
        self.tag = f"{tag}{uuid.uuid4().hex[:6]}"
        self.writes = 0

    def run(self) -> None:
        with sql(self.components, user="wp") as conn, conn.cursor() as cur:
            n = 0
            while not self.stop.is_set():
                n += 1
                cur.execute(
                    "INSERT INTO wp_options (option_name, option_value, autoload) VALUES (%s, %s, 'no')",
                    (f"cdc_{self.tag}_{n}", "v0"),
                )
                if n % 3 == 0:
                    cur.execute(
                        "UPDATE wp_options SET option_value = %s WHERE option_name = %s",
                        (f"v{n}", f"cdc_{self.tag}_{n - 1}"),
                    )
                if n % 5 == 0:
                    cur.execute("DELETE FROM wp_options WHERE option_name = %s", (f"cdc_{self.tag}_{n - 2}",))
                self.writes += 1

    def cleanup(self) -> None:
        query(self.components, "DELETE FROM wp_options WHERE option_name LIKE %s", (f"cdc_{self.tag}_%",))


def _db_state(components: dict[str, Any], table: str) -> dict[str, dict[str, Any]]:
    db = components["mariadb"]
    reader = SnapshotReader(
        host=db["host"],
        port=int(db["port"]),
        user=db["root_user"],
        password=db["root_password"],
        database=db["database"],
        flavor="mariadb",
    )
    try:
        described = reader.describe(table)
        return {
            json.dumps({k: row[k] for k in described.primary_key}, sort_keys=True): row
            for row in reader.rows(described, 1000)
        }
    finally:
        reader.close()


def _ours(state: dict[str, dict[str, Any]], tag: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in state.items() if str(v.get("option_name", "")).startswith(f"cdc_{tag}_")}


def test_snapshot_then_streaming_under_concurrent_writes(components: dict[str, Any], new_connector: Any) -> None:
    writer = OptionWriter(components, "snap")
    writer.start()
    wait_for(lambda: writer.writes > 200, 30, "some writes before the snapshot")
    connector: Connector = new_connector().start()
    connector.wait_streaming()
    time.sleep(1.0)  # keep writing while streaming
    writer.stop.set()
    writer.join()
    connector.wait_caught_up()
    records = read_topic(components["kafka"]["bootstrap"], connector.topic("wp_options"))
    assert _ours(final_state(records), writer.tag) == _ours(_db_state(components, "wp_options"), writer.tag)
    # no overlap: every row is created exactly once, by the snapshot (r) or by streaming (c)
    created = Counter(json.dumps(r.key) for r in records if isinstance(r, ChangeEvent) and r.op in ("r", "c"))
    assert max(created.values()) == 1
    ops = Counter(r.op for r in records if isinstance(r, ChangeEvent))
    assert ops["r"] > 0 and ops["c"] > 0  # the writes really straddled the snapshot
    assert final_state(read_topic(components["kafka"]["bootstrap"], connector.topic("wp_posts"))) == _db_state(
        components, "wp_posts"
    )
    writer.cleanup()


def test_resnapshot_while_streaming(components: dict[str, Any], new_connector: Any) -> None:
    connector: Connector = new_connector().start()
    connector.wait_streaming()
    writer = OptionWriter(components, "resnap")
    writer.start()
    wait_for(lambda: writer.writes > 100, 30, "writes before the re-snapshot")
    progress = commands.snapshot(connector.url, ["wp_options"], timeout_s=60)
    assert progress["state"] == "done" and progress["tables"] == ["wp_options"]
    writer.stop.set()
    writer.join()
    connector.wait_caught_up()
    records = read_topic(components["kafka"]["bootstrap"], connector.topic("wp_options"))
    assert _ours(final_state(records), writer.tag) == _ours(_db_state(components, "wp_options"), writer.tag)
    labels = [r.source["snapshot"] for r in records if isinstance(r, ChangeEvent) and r.op == "r"]
    # the initial snapshot began and ended in other tables; the re-snapshot covered only wp_options
    assert labels.count("first") == 1 and labels.count("last") == 1 and labels[-1] == "last"
    assert connector.status()["snapshot"]["state"] == "done"
    writer.cleanup()


def test_kill_9_during_bulk_update_then_restart_counts_each_change_once(
    components: dict[str, Any], new_connector: Any
) -> None:
    rows = 20_000
    with sql(components, user="wp") as conn, conn.cursor() as cur:
        for _ in range(0, rows, 5000):
            cur.executemany(
                "INSERT INTO wp_postmeta (post_id, meta_key, meta_value) VALUES (0, 'cdc_bulk', %s)", [("v0",)] * 5000
            )
    try:
        first: Connector = new_connector(
            extra=["--batch-max-events", "1000", "--include", "wp_postmeta", "--snapshot-mode", "never"]
        ).start()
        first.wait_streaming()
        query(components, "UPDATE wp_postmeta SET meta_value = 'v1' WHERE meta_key = 'cdc_bulk'", user="wp")
        committed = wait_for(
            lambda: first.status().get("tables", {}).get("wp_postmeta", {}).get("u", 0),
            60,
            "the first committed part of the bulk update",
        )
        first.kill9()
        assert 0 < committed < rows  # killed in the middle of the 20,000-row transaction
        second: Connector = new_connector(prefix=first.prefix, server_id=first.server_id, extra=first.extra).start()
        second.wait_streaming()
        second.wait_caught_up(120)
        records = read_topic(components["kafka"]["bootstrap"], first.topic("wp_postmeta"))
        updates = Counter(
            r.key["meta_id"]
            for r in records
            if isinstance(r, ChangeEvent) and r.op == "u" and r.after is not None and r.after["meta_key"] == "cdc_bulk"
        )
        assert len(updates) == rows and set(updates.values()) == {1}
    finally:
        query(components, "DELETE FROM wp_postmeta WHERE meta_key = 'cdc_bulk'", user="wp")
