"""docker-compose.yml run for real with podman-compose: up, attach and seed, extract content, verify it at
100%, cut over, a request through the proxy container, roll back; then down -v, always.

Skipped where podman, podman-compose or the images are absent (``make images`` builds the images and
sets Podman up). Each run is its own compose project on free ports, so it clashes neither with the
session stack nor with a compose stack a developer runs; the finalizer removes its containers,
volumes and network and checks nothing of the project is left. Prints how long each step took.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from cli.capabilities import load_registry
from cli.main import app
from cli.stack.ports import free_port
from cli.stack.settings import port_variable
from proxy.client import AdminClient
from tests.test_docker_compose import compose, published_ports

REPOSITORY = Path(__file__).resolve().parents[2]
CONTAINERS_CONF = REPOSITORY / "deploy" / "containers" / "containers.conf"
POSTS = "/wp-json/wp/v2/posts"


@dataclass
class ComposeProject:
    name: str
    home: Path
    environment: dict[str, str]
    ports: dict[str, int]
    #: the capability registry the image carries: the CLI extracts what the containers can serve
    registry: Path
    timings: dict[str, float]

    def podman(self, *arguments: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["podman", *arguments], env=self.environment, capture_output=True, text=True, timeout=timeout, check=False
        )

    def compose(self, *arguments: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        command = ["podman-compose", "-p", self.name, "-f", str(REPOSITORY / "docker-compose.yml"), *arguments]
        return subprocess.run(
            command, env=self.environment, capture_output=True, text=True, timeout=timeout, check=False
        )

    def strangler(self, *arguments: str) -> tuple[int, str]:
        environment = {
            "STRANGLER_HOME": str(self.home),
            "STRANGLER_CAPABILITIES": str(self.registry),
            "COLUMNS": "200",
            **self._port_variables(),
        }
        result = CliRunner().invoke(app, list(arguments), env=environment)
        return result.exit_code, result.output

    def _port_variables(self) -> dict[str, str]:
        return {port_variable(name): str(port) for name, port in self.ports.items()}

    def leftovers(self) -> dict[str, str]:
        label = f"label=io.podman.compose.project={self.name}"
        found = {
            "containers": self.podman("ps", "-a", "--filter", label, "--format", "{{.Names}}").stdout,
            "volumes": self.podman("volume", "ls", "--filter", label, "--format", "{{.Name}}").stdout,
            "networks": self.podman("network", "ls", "--filter", f"name={self.name}", "--format", "{{.Name}}").stdout,
            "pods": self.podman("pod", "ps", "--filter", f"name={self.name}", "--format", "{{.Name}}").stdout,
        }
        return {kind: text.strip() for kind, text in found.items() if text.strip()}


def _require_podman_and_images(environment: dict[str, str]) -> None:
    for tool in ("podman", "podman-compose"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (deploy/containers/setup-podman.sh installs it; `make images`)")
    images = sorted({service["image"] for service in compose()["services"].values()})
    for image in images:
        result = subprocess.run(
            ["podman", "image", "exists", image], env=environment, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            pytest.skip(f"{image} is not built: run `make images` ({result.stderr.strip()[:200]})")


@pytest.fixture
def project(tmp_path: Path) -> Iterator[ComposeProject]:
    environment = {**os.environ, "CONTAINERS_CONF": os.environ.get("CONTAINERS_CONF", str(CONTAINERS_CONF))}
    _require_podman_and_images(environment)
    ports = {name: free_port() for name in published_ports()}
    environment.update({port_variable(name): str(port) for name, port in ports.items()})
    registry = tmp_path / "capabilities.yaml"
    registry.write_text(_image_registry(environment))
    stack = ComposeProject(f"wps-smoke-{os.getpid()}", tmp_path / "home", environment, ports, registry, {})
    try:
        yield stack
    finally:
        down = stack.compose("down", "-v", "-t", "10")
        # podman-compose 1.0 leaves the network, and a container caught restarting may survive its `rm`
        label = f"label=io.podman.compose.project={stack.name}"
        for container in stack.podman("ps", "-aq", "--filter", label).stdout.split():
            stack.podman("rm", "-f", "-v", container)
        for volume in stack.podman("volume", "ls", "-q", "--filter", label).stdout.split():
            stack.podman("volume", "rm", "-f", volume)
        stack.podman("network", "rm", "-f", f"{stack.name}_default")
        print(f"compose smoke timings (s): {json.dumps(stack.timings)}")
        left = stack.leftovers()
        assert down.returncode == 0, down.stderr[-2000:]
        assert left == {}, f"left behind by {stack.name}: {left}"


def _image_registry(environment: dict[str, str]) -> str:
    image = compose()["services"]["proxy"]["image"]
    read = "import pathlib, cli.capabilities as c; print(pathlib.Path(c.registry_path()).read_text(), end='')"
    result = subprocess.run(
        ["podman", "run", "--rm", "--pull=never", "--no-healthcheck", "--entrypoint", "python", image, "-c", read],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def _served_by_service(response: httpx.Response) -> bool:
    # WordPress's answers come through nginx; the services' carry no nginx header
    return bool(response.headers.get("server") != "nginx")


@pytest.mark.timeout(1800)  # about 6 min on 2 idle cores; far more when the machine is shared
def test_compose_stack_migrates_content_through_the_proxy_container(project: ComposeProject) -> None:
    began = time.monotonic()
    up = project.compose("up", "-d")
    assert up.returncode == 0, up.stdout[-3000:] + up.stderr[-3000:]
    project.timings["compose_up"] = round(time.monotonic() - began, 1)
    code, output = project.strangler("attach", "--project", project.name)
    project.timings["up_until_healthy"] = round(time.monotonic() - began, 1)
    if code != 0:
        logs = project.podman("ps", "-a", "--format", "{{.Names}} {{.Status}}").stdout
        pytest.fail(f"attach failed: {output}\n{logs}")

    step = time.monotonic()
    code, output = project.strangler("seed")
    assert code == 0, output
    project.timings["seed"] = round(time.monotonic() - step, 1)

    step = time.monotonic()
    code, output = project.strangler("extract", "content")
    assert code == 0, output

    public = f"http://127.0.0.1:{project.ports['proxy']}"
    admin = AdminClient(f"http://127.0.0.1:{project.ports['proxy_admin']}", "strangler-admin-token")
    routes = [route.name for route in load_registry(project.registry)["content"].routes]
    with admin:
        assert {route["name"]: route["mode"] for route in admin.list_routes()} == dict.fromkeys(routes, "shadow")
        project.timings["extract"] = round(time.monotonic() - step, 1)
        step = time.monotonic()
        verified_from = time.time()
        code, report = project.strangler("verify", "content")
        assert code == 0, report
        project.timings["verify"] = round(time.monotonic() - step, 1)
        compared = {name: admin.comparisons(name, since=verified_from, limit=1000) for name in routes}
        assert compared["content-posts"] and compared["content-pages"], compared
        for name, rows in compared.items():  # 100% parity: every shadowed answer equal
            assert [row["target"] for row in rows if row["outcome"] in ("mismatch", "error")] == [], name

        step = time.monotonic()
        code, output = project.strangler("cutover", "content")  # refused below the parity threshold
        assert code == 0, output
        posts = httpx.get(public + POSTS, timeout=30)
        assert posts.status_code == 200 and posts.json(), posts.text[:300]
        assert _served_by_service(posts)
        assert not _served_by_service(httpx.get(public + "/", timeout=30))  # WordPress serves the rest

        code, output = project.strangler("rollback", "content")
        assert code == 0, output
        assert not _served_by_service(httpx.get(public + POSTS, timeout=30))
        project.timings["cutover_request_rollback"] = round(time.monotonic() - step, 1)
    project.timings["smoke"] = round(time.monotonic() - began, 1)
