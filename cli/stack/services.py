"""Our own long-running Python components (proxy, CDC, extracted services) as supervised processes.

Each is ``python -m <package> ...`` with a ``/healthz`` endpoint that answers JSON with ``healthy``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, ClassVar

import httpx

from cli.stack.component import Component


class PythonService(Component):
    """A component run as ``python -m``; subclasses say which arguments and where its health is."""

    health_port: ClassVar[str]

    def arguments(self) -> list[str]:
        raise NotImplementedError

    @property
    def health_url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.ports[self.health_port]}/healthz"

    def launch(self) -> None:
        repository = Path(__file__).resolve().parents[2]
        self.processes.start(self.name, [sys.executable, *self.arguments()], cwd=repository)

    def health(self) -> dict[str, Any] | None:
        try:
            response = httpx.get(self.health_url, timeout=2.0)
            document: dict[str, Any] = response.json()
        except (httpx.HTTPError, ValueError):
            return None
        return document if response.status_code == 200 else None

    def is_ready(self) -> bool:
        health = self.health()
        return bool(health and health.get("healthy"))


class Proxy(PythonService):
    name = "proxy"
    port_names = ("proxy", "proxy_admin")
    health_port = "proxy_admin"
    start_timeout = 30.0

    @property
    def routes_file(self) -> Path:
        return self.settings.home / "config" / "routes.yaml"

    @property
    def token_file(self) -> Path:
        return self.settings.home / "config" / "admin_token"

    def arguments(self) -> list[str]:
        settings = self.settings
        self.token_file.parent.mkdir(parents=True, exist_ok=True)
        self.token_file.write_text(settings.secrets.proxy_admin_token + "\n")
        self.token_file.chmod(0o600)
        store = settings.home / "proxy" / "comparisons.db"
        store.parent.mkdir(parents=True, exist_ok=True)
        return [
            "-m", "proxy", "serve",
            "--listen", f"{settings.host}:{settings.ports['proxy']}",
            "--admin-listen", f"{settings.host}:{settings.ports['proxy_admin']}",
            "--wordpress", settings.wordpress_url,
            "--routes", str(self.routes_file),
            "--store", f"sqlite:///{store}",
            "--admin-token-file", str(self.token_file),
        ]  # fmt: skip

    def describe(self) -> dict[str, Any]:
        return {
            "url": self.settings.public_url,
            "admin_url": self.settings.admin_url,
            "admin_token": self.settings.secrets.proxy_admin_token,
            "routes_file": str(self.routes_file),
        }
