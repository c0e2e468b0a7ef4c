"""DDL, refusals with their exact messages, dropped connections, and a purged binlog."""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from kafka import KafkaConsumer, TopicPartition

from cdc import commands
from cdc.config import build_config
from cdc.events import ChangeEvent
from cdc.offsets import Offset
from cdc.sink import KafkaSink
from tests.cdc.harness import Connector, query, read_topic, wait_for

pytestmark = pytest.mark.stack


def test_ddl_goes_to_the_schema_topic_and_new_columns_appear(components: dict[str, Any], new_connector: Any) -> None:
    connector: Connector = new_connector().start()
    connector.wait_streaming()
    table = f"wp_cdc_ddl_{uuid.uuid4().hex[:6]}"
    statements = [
        f"CREATE TABLE {table} (id INT PRIMARY KEY, a VARCHAR(10) NOT NULL)",
        f"INSERT INTO {table} VALUES (1, 'x')",
        f"ALTER TABLE {table} ADD COLUMN b DATETIME NULL",
        f"INSERT INTO {table} VALUES (2, 'y', '2024-01-02 03:04:05')",
        f"TRUNCATE TABLE {table}",
        f"DROP TABLE {table}",
    ]
    for statement in statements:
        query(components, statement)
    connector.wait_caught_up()
    bootstrap = components["kafka"]["bootstrap"]
    schema_changes = [v for v in _schema_values(bootstrap, connector.prefix) if table in v["ddl"]]
    ddl = [v["ddl"] for v in schema_changes]
    assert ddl[:2] == [statements[0], statements[2]] and len(ddl) == 3 and ddl[2].startswith("DROP TABLE")
    assert {v["databaseName"] for v in schema_changes} == {"wordpress"}
    events = [r for r in read_topic(bootstrap, connector.topic(table)) if isinstance(r, ChangeEvent)]
    assert [(e.op, e.after) for e in events] == [
        ("c", {"id": 1, "a": "x"}),
        ("c", {"id": 2, "a": "y", "b": 1704164645000}),
        ("t", None),
    ]


def _schema_values(bootstrap: str, topic: str) -> list[dict[str, Any]]:
    """Schema-change events are not row events: read their JSON as it is."""
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap, isolation_level="read_committed", group_id=None, enable_auto_commit=False
    )
    try:
        tp = TopicPartition(topic, 0)
        consumer.assign([tp])
        consumer.seek_to_beginning(tp)
        end = consumer.end_offsets([tp])[tp]
        values: list[dict[str, Any]] = []
        while consumer.position(tp) < end:
            for batch in consumer.poll(timeout_ms=200).values():
                values.extend(json.loads(r.value) for r in batch)
        return values
    finally:
        consumer.close()


@contextlib.contextmanager
def _global(components: dict[str, Any], name: str, value: str) -> Iterator[None]:
    old = query(components, f"SELECT @@GLOBAL.{name}")[0][0]
    query(components, f"SET GLOBAL {name} = %s", (value,))
    try:
        yield
    finally:
        query(components, f"SET GLOBAL {name} = %s", (old,))


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("binlog_format", "STATEMENT", "binlog_format is STATEMENT, it must be ROW"),
        ("binlog_row_image", "MINIMAL", "binlog_row_image is MINIMAL, it must be FULL"),
        ("binlog_row_metadata", "MINIMAL", "binlog_row_metadata is MINIMAL, it must be FULL"),
    ],
)
def test_refuses_server_settings(
    components: dict[str, Any], new_connector: Any, name: str, value: str, message: str
) -> None:
    connector: Connector = new_connector()
    with _global(components, name, value):
        code, stderr = connector.run_to_exit()
    assert code == 2 and message in stderr and "refusing to start CDC" in stderr


def test_refuses_our_server_id_equal_to_the_servers(components: dict[str, Any], new_connector: Any) -> None:
    server_id = int(query(components, "SELECT @@server_id")[0][0])
    code, stderr = new_connector(server_id=server_id).run_to_exit()
    assert code == 2 and f"--server-id {server_id} equals the database's own server_id" in stderr


def test_refuses_missing_grants(components: dict[str, Any], new_connector: Any) -> None:
    user = f"cdc_weak_{uuid.uuid4().hex[:6]}"
    for host in ("%", "localhost"):
        query(components, f"CREATE USER '{user}'@'{host}' IDENTIFIED BY 'weak-pw-1'")
        query(components, f"GRANT REPLICATION SLAVE ON *.* TO '{user}'@'{host}'")
    try:
        code, stderr = new_connector(user=user, password="weak-pw-1").run_to_exit()
    finally:
        for host in ("%", "localhost"):
            query(components, f"DROP USER '{user}'@'{host}'")
    assert code == 2
    assert f"lacks the BINLOG MONITOR privilege: GRANT BINLOG MONITOR ON *.* TO '{user}'@'" in stderr
    assert f"lacks the SELECT privilege: GRANT SELECT ON `wordpress`.* TO '{user}'@'" in stderr
    assert "REPLICATION SLAVE privilege" not in stderr


def test_reconnects_after_the_binlog_connection_is_killed(components: dict[str, Any], new_connector: Any) -> None:
    connector: Connector = new_connector().start()
    connector.wait_streaming()
    for (thread_id,) in query(
        components,
        "SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%%' AND USER = %s",
        (components["mariadb"]["cdc_user"],),
    ):
        with contextlib.suppress(Exception):  # it may be gone already
            query(components, f"KILL {int(thread_id)}")
    name = f"cdc_reconnect_{uuid.uuid4().hex[:6]}"
    query(components, "INSERT INTO wp_options (option_name, option_value, autoload) VALUES (%s, 'v', 'no')", (name,))
    connector.wait_caught_up()
    assert connector.status()["reconnects"] >= 1
    created = [
        r
        for r in read_topic(components["kafka"]["bootstrap"], connector.topic("wp_options"))
        if isinstance(r, ChangeEvent) and r.after and r.after["option_name"] == name
    ]
    assert [e.op for e in created] == ["c"]
    query(components, "DELETE FROM wp_options WHERE option_name = %s", (name,))


def test_purged_binlog_is_refused_with_the_way_out(components: dict[str, Any], new_connector: Any) -> None:
    connector: Connector = new_connector()
    config = build_config({"bootstrap": components["kafka"]["bootstrap"], "prefix": connector.prefix})
    server_id = int(query(components, "SELECT @@server_id")[0][0])
    sink = KafkaSink(config.bootstrap, config.transactional_id, config.offsets_topic, config.prefix)
    try:
        sink.start()
        sink.commit(Offset("mariadb", f"0-{server_id}-1"))
    finally:
        sink.close()

    def purged() -> bool:
        # MariaDB keeps a file that another dump thread (the shared stack's connector) still reads:
        # rotate and purge until the oldest file left is the current one
        query(components, "FLUSH BINARY LOGS")
        current = query(components, "SHOW MASTER STATUS")[0][0]
        query(components, f"PURGE BINARY LOGS TO '{current}'")
        return bool(query(components, "SHOW BINARY LOGS")[0][0] == current)

    wait_for(purged, 30, "the binlogs to be purged")
    code, stderr = connector.run_to_exit()
    assert code == 2 and "has been purged" in stderr and "strangler cdc snapshot --all" in stderr
    commands.require_snapshot(config)
    connector.start().wait_streaming()
    status = wait_for(
        lambda: connector.status()["snapshot"]["state"] == "done" and connector.status(), 30, "the fresh snapshot"
    )
    assert status["tables"]["wp_options"]["r"] > 0
