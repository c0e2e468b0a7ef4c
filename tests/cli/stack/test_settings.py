from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli.stack import IncompatibleStateError, load_settings
from cli.stack.settings import DEFAULT_PORTS, kafka_cluster_id


def test_fresh_home_gets_defaults_and_secrets(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "home", create=True)
    assert settings.ports == DEFAULT_PORTS
    assert settings.secrets.proxy_admin_token
    assert json.loads(settings.state_file.read_text())["format"] == 1
    again = load_settings(tmp_path / "home")
    assert again.secrets == settings.secrets


def test_ports_come_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRANGLER_MARIADB_PORT", "23306")
    assert load_settings(tmp_path / "home", create=True).ports["mariadb"] == 23306


def test_a_bad_port_variable_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRANGLER_KAFKA_PORT", "ninety")
    with pytest.raises(IncompatibleStateError, match="STRANGLER_KAFKA_PORT"):
        load_settings(tmp_path / "home", create=True)


def test_a_foreign_directory_is_refused_with_the_fix(tmp_path: Path) -> None:
    (tmp_path / "somebody-elses-file").write_text("x")
    with pytest.raises(IncompatibleStateError, match=r"not ours.*remove .* or set STRANGLER_HOME"):
        load_settings(tmp_path, create=True)


def test_a_state_file_of_another_format_is_refused(tmp_path: Path) -> None:
    (tmp_path / "stack.json").write_text(json.dumps({"format": 99, "ports": {}, "secrets": {}}))
    with pytest.raises(IncompatibleStateError, match="format 99"):
        load_settings(tmp_path)


def test_a_corrupt_state_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "stack.json").write_text("{not json")
    with pytest.raises(IncompatibleStateError, match="not a wp-strangler state file"):
        load_settings(tmp_path)


def test_no_stack_yet_says_to_run_up(tmp_path: Path) -> None:
    with pytest.raises(IncompatibleStateError, match="strangler up"):
        load_settings(tmp_path / "missing")


def test_a_secret_added_by_a_newer_version_is_generated_once(tmp_path: Path) -> None:
    settings = load_settings(tmp_path, create=True)
    document = json.loads(settings.state_file.read_text())
    del document["secrets"]["cdc_admin_token"]
    settings.state_file.write_text(json.dumps(document))
    first = load_settings(tmp_path).secrets.cdc_admin_token
    assert first and load_settings(tmp_path).secrets.cdc_admin_token == first
    assert load_settings(tmp_path).secrets.proxy_admin_token == settings.secrets.proxy_admin_token


def test_kafka_cluster_ids_never_look_like_an_option(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = iter(["-starts-with-a-dash-xxxxx", "Abcdefghijklmnopqrstuvwx"])
    monkeypatch.setattr("cli.stack.settings.secrets.token_urlsafe", lambda _: next(drawn))
    assert kafka_cluster_id() == "Abcdefghijklmnopqrstuv"
