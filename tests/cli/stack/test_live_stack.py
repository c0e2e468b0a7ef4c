"""`strangler up` on the real stack: what runs, how it is configured, how it behaves twice and when dead."""

from __future__ import annotations

import concurrent.futures
import contextlib
import json
import os
import signal
import uuid
from pathlib import Path

import httpx
import pymysql
import pytest
from typer.testing import CliRunner

from cli.main import app
from cli.stack import PortInUseError, Stack, load_settings
from cli.stack.ports import free_port, wait_until
from cli.stack.processes import group_alive
from cli.stack.settings import DEFAULT_PORTS
from tests.stack_fixture import StackHandle

pytestmark = pytest.mark.stack


def _root(handle: StackHandle) -> pymysql.Connection:  # type: ignore[type-arg]
    db = handle.components["mariadb"]
    return pymysql.connect(host=db["host"], port=db["port"], user=db["root_user"], password=db["root_password"])


def test_wordpress_answers_rest_directly_and_through_the_proxy(stack: StackHandle) -> None:
    wordpress = stack.components["wordpress"]
    assert wordpress["version"] == "6.1.9"
    direct = httpx.get(f"{wordpress['url']}/wp-json/wp/v2/posts")
    proxied = httpx.get(f"{stack.components['proxy']['url']}/wp-json/wp/v2/posts")
    assert direct.status_code == proxied.status_code == 200
    assert direct.json() == proxied.json()
    # The site's URL is the proxy's public URL.
    assert httpx.get(f"{wordpress['url']}/wp-json/").json()["home"] == stack.components["proxy"]["url"]


def test_wordpress_keeps_answering_after_bursts_of_abandoned_requests(stack: StackHandle) -> None:
    """With FastCGI keep-alive, each nginx worker cached connections that held PHP-FPM's children,
    and after such bursts requests hung for one round in five until a cached connection timed out."""
    posts = f"{stack.components['proxy']['url']}/wp-json/wp/v2/posts/1"

    def abandon(_: int) -> None:
        with contextlib.suppress(httpx.HTTPError):
            httpx.get(posts, timeout=0.02)

    answers = []
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        for _ in range(8):
            list(pool.map(abandon, range(8)))
            answers.append(httpx.get(posts, timeout=10).status_code)
    assert answers == [200] * 8


def test_front_end_pages_render_through_the_proxy(stack: StackHandle) -> None:
    home = httpx.get(stack.components["proxy"]["url"] + "/")
    assert home.status_code == 200
    assert "wp-strangler demo" in home.text
    pretty = httpx.get(stack.components["proxy"]["url"] + "/2024/11/24/comments-galore/")
    assert pretty.status_code == 200
    assert "First! Great post." in pretty.text


def test_the_application_password_authenticates_over_http(stack: StackHandle) -> None:
    wordpress = stack.components["wordpress"]
    me = httpx.get(
        f"{wordpress['url']}/wp-json/wp/v2/users/me",
        auth=(wordpress["admin_user"], wordpress["app_password"]),
        params={"context": "edit"},
    )
    assert me.status_code == 200, me.text
    assert me.json()["slug"] == wordpress["admin_user"]
    assert "administrator" in me.json()["roles"]


def test_binlog_is_row_based_with_full_images_metadata_and_gtids(stack: StackHandle) -> None:
    with _root(stack) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SHOW GLOBAL VARIABLES WHERE Variable_name IN "
            "('log_bin', 'binlog_format', 'binlog_row_image', 'binlog_row_metadata', 'gtid_strict_mode')"
        )
        variables = dict(cursor.fetchall())
        cursor.execute("SELECT @@gtid_binlog_pos")
        (gtid,) = cursor.fetchone()
    assert variables == {
        "log_bin": "ON",
        "binlog_format": "ROW",
        "binlog_row_image": "FULL",
        "binlog_row_metadata": "FULL",
        "gtid_strict_mode": "ON",
    }
    assert gtid.startswith("0-1-")


def test_cdc_user_holds_exactly_the_replication_grants(stack: StackHandle) -> None:
    db = stack.components["mariadb"]
    for host in ("localhost", "%"):
        with _root(stack) as connection, connection.cursor() as cursor:
            cursor.execute(f"SHOW GRANTS FOR '{db['cdc_user']}'@'{host}'")
            grants = " ".join(row[0] for row in cursor.fetchall())
        assert "SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR ON *.*" in grants
    # 127.0.0.1 is matched as localhost: the CDC user must be able to log in over TCP.
    with pymysql.connect(host="127.0.0.1", port=db["port"], user=db["cdc_user"], password=db["cdc_password"]) as c:
        c.ping()


def test_kafka_round_trip(stack: StackHandle) -> None:
    from kafka import KafkaConsumer, KafkaProducer

    bootstrap = stack.components["kafka"]["bootstrap"]
    topic = f"roundtrip-{uuid.uuid4().hex[:8]}"
    producer = KafkaProducer(bootstrap_servers=bootstrap)
    producer.send(topic, key=b"k", value=b"hello kafka").get(timeout=30)
    producer.close()
    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    values: list[bytes] = []
    try:
        assert wait_until(
            lambda: (
                bool(values.extend(r.value for batch in consumer.poll(timeout_ms=500).values() for r in batch))
                or bool(values)
            ),
            30,
        )
    finally:
        consumer.close()
    assert values == [b"hello kafka"]


def test_up_twice_is_a_no_op(stack: StackHandle) -> None:
    assert stack.stack is not None
    pids = {name: stack.stack.processes.pid(name) for name in stack.stack.processes.names()}
    report = Stack(load_settings(stack.home)).up()
    assert report.started == []
    assert {"mariadb", "kafka", "wordpress", "proxy", "cdc"} <= set(report.already_running)
    assert set(report.already_running) == {component.name for component in stack.stack.components}
    assert {name: stack.stack.processes.pid(name) for name in pids} == pids


def test_the_supervisor_restarts_a_crashed_component(stack: StackHandle) -> None:
    assert stack.stack is not None
    nginx = stack.stack.processes.pid("nginx")
    assert nginx is not None
    before = stack.refresh()["wordpress"]["restarts"]
    os.killpg(nginx, signal.SIGKILL)

    def back() -> bool:
        wordpress = stack.refresh()["wordpress"]
        return bool(wordpress["healthy"] and wordpress["restarts"] == before + 1)

    assert wait_until(back, 60, interval=0.5), stack.components["wordpress"]
    assert stack.stack.processes.pid("nginx") not in (None, nginx)
    assert httpx.get(stack.components["wordpress"]["url"] + "/wp-json/").status_code == 200
    metrics = httpx.get(stack.components["supervisor"]["url"] + "/metrics").text
    assert 'strangler_supervisor_restarts_total{component="wordpress",result="ok"}' in metrics


def test_up_restarts_a_dead_component_when_nothing_supervises(stack: StackHandle) -> None:
    assert stack.stack is not None
    stack.stack.supervisor.stop()
    nginx = stack.stack.processes.pid("nginx")
    assert nginx is not None
    os.killpg(nginx, signal.SIGKILL)
    assert wait_until(lambda: not group_alive(nginx), 10)
    report = Stack(load_settings(stack.home)).up()
    assert report.started == ["wordpress", "supervisor"]
    assert httpx.get(stack.components["wordpress"]["url"] + "/wp-json/").status_code == 200


def test_status_json_has_the_documented_keys(stack: StackHandle) -> None:
    result = CliRunner().invoke(app, ["status", "--json"], env={"STRANGLER_HOME": str(stack.home)})
    assert result.exit_code == 0, result.output
    components = json.loads(result.output)["components"]
    expected = {
        "mariadb": {"host", "port", "database", "root_user", "root_password"},
        "wordpress": {"url", "admin_user", "app_password"},
        "kafka": {"bootstrap"},
        "proxy": {"url", "admin_url", "admin_token"},
        "cdc": {"url", "position", "lag_ms"},
    }
    if stack.stack is not None:  # the native stack supervises itself; containers have restart policies
        expected |= {"cdc": expected["cdc"] | {"restarts"}, "supervisor": {"url", "restarts"}}
    for name, keys in expected.items():
        assert components[name]["healthy"] is True, (name, components[name])
        assert keys <= components[name].keys(), name


def test_a_port_in_use_is_named_and_nothing_starts(stack: StackHandle, tmp_path: Path) -> None:
    busy = stack.components["mariadb"]["port"]
    ports = {name: free_port() for name in DEFAULT_PORTS} | {"mariadb": busy}
    other = Stack(load_settings(tmp_path / "other", create=True, ports=ports))
    with pytest.raises(PortInUseError, match=rf"port {busy} needed by mariadb .*STRANGLER_MARIADB_PORT"):
        other.up()
    assert other.processes.names() == []


def test_down_stops_everything_it_started(tmp_path: Path) -> None:
    """A second, smaller stack (MariaDB and WordPress) so the session's stays up."""
    ports = {name: free_port() for name in DEFAULT_PORTS}
    small = Stack(load_settings(tmp_path / "small", create=True, ports=ports))
    small.stages = [[small.mariadb, small.wordpress]]
    small.up()
    groups = [small.processes.pid(name) for name in small.processes.names()]
    assert len(groups) == 3 and all(groups)
    assert sorted(small.down()) == ["mariadb", "wordpress"]
    assert not any(group_alive(pid) for pid in groups if pid)
    assert small.processes.names() == []
