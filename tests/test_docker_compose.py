"""docker-compose.yml cannot run here (no Docker engine): check it matches the native stack instead."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from cli.stack.mariadb import CDC_GRANTS
from cli.stack.services import Cdc
from cli.stack.settings import DEFAULT_PORTS
from cli.stack.wordpress import PERMALINKS

REPOSITORY = Path(__file__).resolve().parents[1]


def _compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((REPOSITORY / "docker-compose.yml").read_text())
    return document


def _native_mariadb_settings() -> dict[str, str]:
    settings = {}
    for line in (REPOSITORY / "wordpress" / "config" / "my.cnf.tmpl").read_text().splitlines():
        match = re.match(r"^([a-z_-]+)\s*=\s*(\S+)", line)
        if match:
            settings[match.group(1).replace("-", "_")] = match.group(2)
    return settings


def _published(service: dict[str, Any]) -> set[int]:
    return {int(str(mapping).split(":")[0]) for mapping in service.get("ports", [])}


def test_services_form_the_same_topology() -> None:
    services = _compose()["services"]
    assert {"mariadb", "wordpress", "kafka", "proxy", "cdc"} <= services.keys()
    assert services["mariadb"]["image"].startswith("mariadb:10.11")
    assert services["wordpress"]["image"].startswith("wordpress:6.1")
    assert services["kafka"]["image"].startswith("apache/kafka:")
    assert services["proxy"]["build"] == "."
    assert (REPOSITORY / "Dockerfile").exists()


def test_binlog_flags_equal_the_native_configuration() -> None:
    native = _native_mariadb_settings()
    flags = {}
    for flag in _compose()["services"]["mariadb"]["command"]:
        name, _, value = flag.removeprefix("--").partition("=")
        flags[name.replace("-", "_")] = value
    for setting in ("binlog_format", "binlog_row_image", "binlog_row_metadata", "gtid_strict_mode", "server_id"):
        assert flags[setting] == native[setting], setting
    assert "log_bin" in flags and "log_bin" in native


def test_published_ports_equal_the_native_defaults() -> None:
    services = _compose()["services"]
    assert DEFAULT_PORTS["mariadb"] in _published(services["mariadb"])
    assert DEFAULT_PORTS["wordpress"] in _published(services["wordpress"])
    assert DEFAULT_PORTS["kafka"] in _published(services["kafka"])
    assert {DEFAULT_PORTS["proxy"], DEFAULT_PORTS["proxy_admin"]} <= _published(services["proxy"])


def test_wordpress_environment_matches_the_native_wp_config() -> None:
    services = _compose()["services"]
    extra = services["wordpress"]["environment"]["WORDPRESS_CONFIG_EXTRA"]
    public_url = f"http://127.0.0.1:{DEFAULT_PORTS['proxy']}"
    assert f"define( 'WP_HOME', '{public_url}' )" in extra
    assert f"define( 'WP_SITEURL', '{public_url}' )" in extra
    assert "define( 'WP_ENVIRONMENT_TYPE', 'local' )" in extra
    native = (REPOSITORY / "wordpress" / "config" / "wp-config.php.tmpl").read_text()
    for constant in ("WP_ENVIRONMENT_TYPE", "DISABLE_WP_CRON", "AUTOMATIC_UPDATER_DISABLED"):
        assert constant in native and constant in extra
    setup = " ".join(services["wordpress-setup"]["command"])
    assert f"wp rewrite structure '{PERMALINKS}'" in setup


def test_kafka_runs_in_kraft_mode_with_single_node_replication() -> None:
    environment = _compose()["services"]["kafka"]["environment"]
    assert environment["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert environment["KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"] == 1
    assert f"127.0.0.1:{DEFAULT_PORTS['kafka']}" in environment["KAFKA_ADVERTISED_LISTENERS"]


def test_cdc_runs_with_the_native_connector_settings() -> None:
    service = _compose()["services"]["cdc"]
    command = " ".join(service["command"])
    assert "python -m cdc run" in command
    for flag in ("--database=wordpress", "--prefix=wordpress", f"--server-id={Cdc.server_id}"):
        assert flag in command
    assert f"--listen=0.0.0.0:{DEFAULT_PORTS['cdc']}" in command
    assert "--admin-token-file=" in command  # a reachable control port needs a token, or cdc refuses to start
    assert DEFAULT_PORTS["cdc"] in _published(service)


def test_the_cdc_user_has_the_same_grants() -> None:
    init = (REPOSITORY / "wordpress" / "config" / "mariadb-init.sql").read_text()
    assert init.count(f"GRANT {CDC_GRANTS} ON *.*") == 2
    assert "'strangler_cdc'@'%'" in init and "'strangler_cdc'@'localhost'" in init
