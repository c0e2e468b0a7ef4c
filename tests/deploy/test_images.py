"""deploy/containers: the images ``make images`` builds exist, run as their contract's user, carry a
health check, and the Python image runs the CLI from exactly the locked dependencies.

Skipped where Podman is absent or the images are not built (``make images`` builds them). Each check
starts a throwaway container (``--rm``, no health-check timers): about a second each."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
CONTAINERS = REPOSITORY / "deploy" / "containers"
PYTHON_IMAGE = "localhost/wp-strangler:local"
#: image -> the uid its processes run as (ours: deploy/kubernetes/README.md; the others: non-root users)
IMAGE_USERS = {
    PYTHON_IMAGE: 10001,
    "localhost/wp-strangler-mariadb:local": 999,  # mysql
    "localhost/wp-strangler-kafka:local": 10002,  # kafka
    "localhost/wp-strangler-wordpress:local": 33,  # www-data: nginx and PHP-FPM
    "localhost/wp-strangler-postgres:local": 999,  # postgres
}


def _podman(*arguments: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ}
    environment.setdefault("CONTAINERS_CONF", str(CONTAINERS / "containers.conf"))
    return subprocess.run(
        ["podman", *arguments], env=environment, capture_output=True, text=True, timeout=timeout, check=False
    )


@cache
def _inspected(image: str) -> dict[str, Any] | None:
    if shutil.which("podman") is None:
        pytest.skip("podman is not installed (deploy/containers/setup-podman.sh installs it)")
    result = _podman("image", "inspect", image)
    if result.returncode != 0:
        if "no such image" in result.stderr.lower() or "unknown" in result.stderr.lower():
            return None
        pytest.skip(f"podman cannot run here: {result.stderr.strip()[:300]}")
    details: list[dict[str, Any]] = json.loads(result.stdout)
    return details[0]


def _require(image: str) -> dict[str, Any]:
    details = _inspected(image)
    if details is None:
        pytest.skip(f"{image} is not built: run `make images`")
    return details


def _run(image: str, *command: str) -> str:
    result = _podman("run", "--rm", "--no-healthcheck", "--pull=never", "--entrypoint", command[0], image, *command[1:])
    assert result.returncode == 0, f"{image} {command}: {result.stderr}"
    return result.stdout


def test_make_images_builds_every_image_the_manifests_name() -> None:
    named = set()
    for manifest in (REPOSITORY / "deploy" / "kubernetes").rglob("*.yaml"):
        named |= set(re.findall(r"^\s*image:\s*(\S+)", manifest.read_text(), flags=re.MULTILINE))
    assert named == set(IMAGE_USERS)
    script = (CONTAINERS / "build-images.sh").read_text()
    for image in IMAGE_USERS:
        assert f"build {image} " in script, image


@pytest.mark.parametrize("image", sorted(IMAGE_USERS))
def test_image_runs_as_its_non_root_user_with_a_health_check(image: str) -> None:
    details = _require(image)
    health = details.get("Healthcheck") or details.get("Config", {}).get("Healthcheck") or {}
    assert health.get("Test"), f"{image} has no HEALTHCHECK (built without --format docker?)"
    assert _run(image, "id", "-u").strip() == str(IMAGE_USERS[image])


def test_python_image_runs_the_cli_and_its_components() -> None:
    _require(PYTHON_IMAGE)
    output = _run(
        PYTHON_IMAGE,
        "sh",
        "-c",
        "strangler --help && python -m proxy serve --help >/dev/null && python -m cdc run --help >/dev/null"
        " && python -m extracted.content serve --help >/dev/null && python -m cli.stack.mail_sink --help >/dev/null"
        " && echo host-certs: $(ls -A /host-certs 2>/dev/null)",
    )
    assert "Usage: strangler" in output
    # The build mounts this machine's CA bundle at /host-certs for pip: it must not be in a layer.
    assert output.rstrip().endswith("host-certs:")


def test_python_image_installs_exactly_the_locked_dependencies() -> None:
    _require(PYTHON_IMAGE)
    lock = REPOSITORY / "requirements.lock"
    locked = {line for line in lock.read_text().splitlines() if line and not line.startswith("#")}
    installed = set(_run(PYTHON_IMAGE, "pip", "freeze", "--exclude", "wp-strangler").split())
    assert installed == locked, f"the image differs from {lock.name}: rebuild it with `make images`"
