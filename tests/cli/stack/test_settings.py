from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli.stack import IncompatibleStateError, StackError, load_settings
from cli.stack.settings import DEFAULT_PORTS, FIXED_PORTS, kafka_cluster_id


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


REGISTRY_WITH_SEARCH = """\
version: 1
capabilities:
  content:
    tables: [wp_posts]
    service: {module: extracted.content, port: 18010}
    routes: [{name: content-posts, paths: [/wp-json/wp/v2/posts]}]
  site-search:
    tables: [wp_posts]
    service: {module: extracted.search, port: 18020}
    routes: [{name: search, paths: [/wp-json/wp/v2/search]}]
"""


def test_service_ports_come_from_the_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert DEFAULT_PORTS["content"] == 18010 and "content" not in FIXED_PORTS
    registry = tmp_path / "capabilities.yaml"
    registry.write_text(REGISTRY_WITH_SEARCH)
    monkeypatch.setenv("STRANGLER_CAPABILITIES", str(registry))
    monkeypatch.setenv("STRANGLER_CONTENT_PORT", "28010")
    ports = load_settings(tmp_path / "home", create=True).ports
    assert (ports["content"], ports["site_search"], ports["proxy"]) == (28010, 18020, FIXED_PORTS["proxy"])
    assert dict(DEFAULT_PORTS) == {**FIXED_PORTS, "content": 18010, "site_search": 18020}


def test_an_old_stack_json_keeps_its_ports_and_gains_new_services(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings(tmp_path, create=True)
    document = json.loads(settings.state_file.read_text())
    document["ports"]["content"] = 23456  # chosen at its first `up`
    settings.state_file.write_text(json.dumps(document))
    registry = tmp_path.parent / f"{tmp_path.name}-capabilities.yaml"
    registry.write_text(REGISTRY_WITH_SEARCH)
    monkeypatch.setenv("STRANGLER_CAPABILITIES", str(registry))
    monkeypatch.setenv("STRANGLER_SITE_SEARCH_PORT", "24567")
    ports = load_settings(tmp_path).ports
    assert (ports["content"], ports["site_search"]) == (23456, 24567)
    assert json.loads(settings.state_file.read_text())["ports"]["site_search"] == 24567  # chosen once
    monkeypatch.delenv("STRANGLER_SITE_SEARCH_PORT")
    assert load_settings(tmp_path).ports["site_search"] == 24567


def test_an_invalid_registry_is_a_stack_error_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    registry = tmp_path / "capabilities.yaml"
    registry.write_text(REGISTRY_WITH_SEARCH.replace("port: 18020", "port: 18010"))
    monkeypatch.setenv("STRANGLER_CAPABILITIES", str(registry))
    with pytest.raises(StackError, match=r"capabilities\.yaml:9: .*18010 is also the port of content"):
        load_settings(tmp_path / "home", create=True)
