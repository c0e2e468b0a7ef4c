"""cli.stack.compose: the settings `strangler attach` writes for a compose stack, and what the stack's
components make of them (no compose stack needed; tests/deploy/test_compose_smoke.py runs one)."""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict
from pathlib import Path

import pytest

from cli.capabilities import load_registry
from cli.stack import IncompatibleStateError, Stack, load_settings
from cli.stack.compose import COMPOSE_SECRETS, DOCROOT, PHP_SCRIPTS, attach_settings
from cli.stack.settings import DEFAULT_PORTS
from wordpress.php_scripts import PhpRunner, run_php_script


def test_a_fresh_home_gets_the_compose_credentials_and_published_ports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STRANGLER_PROXY_PORT", "28000")
    settings = attach_settings(tmp_path / "home", "demo", "podman")
    assert settings.ports["proxy"] == 28000 and settings.ports["mariadb"] == DEFAULT_PORTS["mariadb"]
    assert asdict(settings.secrets) == asdict(COMPOSE_SECRETS)
    external = settings.external
    assert external is not None and external.php == ["podman", "exec", "-i", "demo_wordpress_1", "php"]
    assert external.service_urls == {name: f"http://{name}:{c.port}" for name, c in load_registry().items()}
    again = load_settings(tmp_path / "home")  # stack.json keeps it for every later command
    assert again.external == external and again.ports == settings.ports


def test_attaching_again_keeps_the_home_and_a_native_home_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "home"
    settings = attach_settings(home, "demo", "podman")
    settings.secrets.wordpress_app_password = "created at install"
    settings.save()
    again = attach_settings(home, "demo", "docker")
    assert again.secrets.wordpress_app_password == "created at install"
    assert again.external is not None and again.external.php[3] == "demo-wordpress-1"
    native = tmp_path / "native"
    load_settings(native, create=True)
    with pytest.raises(IncompatibleStateError, match="native stack"):
        attach_settings(native, "demo", "podman")
    with pytest.raises(IncompatibleStateError, match="unknown compose engine"):
        attach_settings(tmp_path / "other", "demo", "kubectl")


def test_an_attached_stack_points_its_components_at_the_containers(tmp_path: Path) -> None:
    stack = Stack(attach_settings(tmp_path / "home", "demo", "podman"))
    assert stack.supervisor not in stack.components  # compose's restart policy does its work
    assert all(component.is_running() for component in stack.components)  # not ours to track
    content = stack.service("content")
    assert content.proxy_url == "http://content:18010" and content.url.startswith("http://127.0.0.1:")
    assert stack.wordpress.php_request(x=1) == {"docroot": DOCROOT, "public_url": stack.settings.public_url, "x": 1}
    assert stack.wordpress.php_runner == PhpRunner(("podman", "exec", "-i", "demo_wordpress_1", "php"), PHP_SCRIPTS)


def test_a_php_runner_runs_its_command_on_its_scripts(tmp_path: Path) -> None:
    if shutil.which("php") is None:
        pytest.skip("php (php-cli) is not installed")
    (tmp_path / "echo.php").write_text('<?php echo json_encode(json_decode(stream_get_contents(STDIN))), "\\n";')
    runner = PhpRunner(("env", "php"), str(tmp_path))
    assert run_php_script("echo.php", {"docroot": "/x", "n": 1}, runner=runner) == {"docroot": "/x", "n": 1}
    assert json.loads(json.dumps(asdict(runner)))["scripts"] == str(tmp_path)
