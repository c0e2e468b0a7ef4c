from __future__ import annotations

from pathlib import Path

import pytest

from cdc.config import build_config
from cdc.errors import ConfigError
from cdc.offsets import Offset
from cdc.preflight import flavor_of, grant_problems, setting_problems

GOOD = {
    "log_bin": "ON",
    "binlog_format": "ROW",
    "binlog_row_image": "FULL",
    "binlog_row_metadata": "FULL",
    "server_id": "1",
    "log_bin_compress": "OFF",
}
GRANTS = ["GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO `cdc`@`%`"]


def test_good_server_has_no_problems() -> None:
    assert setting_problems(GOOD, "mariadb", 5401) == []
    assert grant_problems(GRANTS, "wordpress", "'cdc'@'%'", "mariadb") == []
    assert grant_problems(["GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost`"], "wordpress", "r", "mysql") == []


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("log_bin", "OFF", "log_bin=OFF"),
        ("binlog_format", "STATEMENT", "binlog_format is STATEMENT, it must be ROW"),
        ("binlog_row_image", "MINIMAL", "binlog_row_image is MINIMAL, it must be FULL"),
        ("binlog_row_metadata", "MINIMAL", "binlog_row_metadata is MINIMAL, it must be FULL"),
        ("log_bin_compress", "ON", "set log_bin_compress=OFF"),
        ("server_id", "5401", "--server-id 5401 equals"),
    ],
)
def test_each_setting_refusal_names_the_setting(name: str, value: str, message: str) -> None:
    [problem] = setting_problems({**GOOD, name: value}, "mariadb", 5401)
    assert message in problem


def test_mysql_requires_gtid_mode_and_reload() -> None:
    problems = setting_problems({**GOOD, "gtid_mode": "OFF", "enforce_gtid_consistency": "OFF"}, "mysql", 9)
    assert any("gtid_mode is OFF" in p for p in problems) and any("enforce_gtid_consistency" in p for p in problems)
    grants = ["GRANT SELECT, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO `cdc`@`%`"]
    assert grant_problems(grants, "wordpress", "'cdc'@'%'", "mysql") == [
        "the CDC user 'cdc'@'%' lacks the RELOAD privilege: GRANT RELOAD ON *.* TO 'cdc'@'%'"
    ]
    assert flavor_of("10.11.6-MariaDB-log") == "mariadb" and flavor_of("8.0.36") == "mysql"


def test_each_missing_grant_is_named() -> None:
    problems = grant_problems(["GRANT USAGE ON *.* TO `cdc`@`%`"], "wordpress", "'cdc'@'%'", "mariadb")
    assert problems == [
        "the CDC user 'cdc'@'%' lacks the REPLICATION SLAVE privilege: GRANT REPLICATION SLAVE ON *.* TO 'cdc'@'%'",
        "the CDC user 'cdc'@'%' lacks the BINLOG MONITOR privilege: GRANT BINLOG MONITOR ON *.* TO 'cdc'@'%'",
        "the CDC user 'cdc'@'%' lacks the SELECT privilege: GRANT SELECT ON `wordpress`.* TO 'cdc'@'%'",
    ]
    db_select = [
        "GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO `cdc`@`%`",
        "GRANT SELECT ON `wordpress`.* TO `cdc`@`%`",
    ]
    assert grant_problems(db_select, "wordpress", "c", "mariadb") == []


def test_offset_round_trip_and_validation() -> None:
    offset = Offset("mariadb", "0-1-5", "mysql-bin.000001", 4, "0-1-6", 3)
    assert Offset.from_json(offset.to_json()) == offset
    with pytest.raises(ConfigError):
        Offset.from_json(b'{"flavor":"oracle","position":""}')
    with pytest.raises(ConfigError):
        Offset.from_json(b"nope")


def test_config_from_yaml_and_flags(tmp_path: Path) -> None:
    path = tmp_path / "cdc.yaml"
    path.write_text("include_tables: [wp_posts, 'wp_post*']\nbatch_max_ms: 20\nprefix: site\n")
    config = build_config({"prefix": "override", "port": 3307}, path)
    assert config.prefix == "override" and config.batch_max_ms == 20 and config.port == 3307
    assert config.captures("wp_postmeta") and not config.captures("wp_options")
    assert config.offsets_topic == "override-cdc-offsets"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("batch_max_ms: fast\n", "cdc.yaml:1: field 'batch_max_ms' must be int"),
        ("prefix: a\nbogus: 1\n", "cdc.yaml:2: unknown field 'bogus'"),
        ("snapshot_mode: always\n", "cdc.yaml:1: field 'snapshot_mode' must be one of"),
        ("- a\n", "cdc.yaml:1: the top level must be a mapping"),
        ("a: [\n", "invalid YAML"),
    ],
)
def test_config_errors_name_file_line_and_field(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "cdc.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        build_config({}, path)
    assert message in str(info.value)


@pytest.mark.parametrize("listen", ["0.0.0.0:18002", "10.1.2.3:18002", "[::]:18002", "cdc:18002"])
def test_a_reachable_control_port_needs_an_admin_token(listen: str) -> None:
    with pytest.raises(ConfigError, match=r"field 'listen'.*admin_token"):
        build_config({"listen": listen})
    assert build_config({"listen": listen, "admin_token": "t"}).admin_token == "t"


@pytest.mark.parametrize("listen", ["127.0.0.1:0", "localhost:8089", "[::1]:8089", "127.0.0.2:1"])
def test_a_loopback_control_port_may_go_without_a_token(listen: str) -> None:
    assert build_config({"listen": listen}).listen == listen
