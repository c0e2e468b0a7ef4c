"""The test stack from docker-compose.yml through pytest-docker (``STRANGLER_STACK=docker``).

Only where a Docker engine runs; the credentials are docker-compose.yml's fixed development ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from cli.stack.kafka import broker_answers_metadata
from cli.stack.settings import DEFAULT_PORTS
from tests.stack_fixture import REPOSITORY, StackHandle


def _responds(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def docker_stack(request: pytest.FixtureRequest, home: Path) -> Iterator[StackHandle]:
    services: Any = request.getfixturevalue("docker_services")
    host = "127.0.0.1"
    public = f"http://{host}:{DEFAULT_PORTS['proxy']}"
    services.wait_until_responsive(
        timeout=180, pause=1, check=lambda: _responds(f"{public}/wp-json/") and broker_answers_metadata(f"{host}:19092")
    )
    components: dict[str, dict[str, Any]] = {
        "mariadb": {
            "healthy": True, "host": host, "port": DEFAULT_PORTS["mariadb"], "database": "wordpress",
            "root_user": "root", "root_password": "strangler-root", "wp_user": "wordpress",
            "wp_password": "strangler-wordpress", "cdc_user": "strangler_cdc", "cdc_password": "strangler-cdc",
        },
        "wordpress": {
            "healthy": True, "url": f"http://{host}:{DEFAULT_PORTS['wordpress']}", "admin_user": "admin",
            "admin_password": "strangler-admin", "app_password": "", "version": "6.1",
        },
        "kafka": {"healthy": True, "bootstrap": f"{host}:{DEFAULT_PORTS['kafka']}"},
        "proxy": {
            "healthy": True, "url": public, "admin_url": f"http://{host}:{DEFAULT_PORTS['proxy_admin']}",
            "admin_token": "strangler-admin-token",
        },
    }  # fmt: skip
    yield StackHandle(home=home, components=components)


def compose_file() -> str:
    return str(REPOSITORY / "docker-compose.yml")
