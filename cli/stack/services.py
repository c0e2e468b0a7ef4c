"""Our own long-running Python components (proxy, CDC, extracted services) as supervised processes.

Each is ``python -m <package> ...`` with a ``/healthz`` endpoint that answers JSON with ``healthy``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from cli.stack.component import Component
from cli.stack.processes import ProcessTable
from cli.stack.settings import StackSettings, proxy_store_override, smtp_override

if TYPE_CHECKING:
    from cli.capabilities import Capability

#: WordPress's ``$table_prefix`` in the stack's wp-config.php (wordpress/config/wp-config.php.tmpl)
TABLE_PREFIX = "wp_"


class PythonService(Component):
    """A component run as ``python -m``; subclasses say which arguments and where its health is."""

    health_port: str

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

    def __init__(self, settings: StackSettings, processes: ProcessTable, watched: dict[str, str] | None = None) -> None:
        super().__init__(settings, processes)
        #: name -> health URL of the other components, shown on the dashboard
        self.watched = watched or {}

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
            "--store", proxy_store_override() or f"sqlite:///{store}",
            "--admin-token-file", str(self.token_file),
            *(f"--component={name}={url}" for name, url in self.watched.items()),
        ]  # fmt: skip

    def describe(self) -> dict[str, Any]:
        return {
            "url": self.settings.public_url,
            "admin_url": self.settings.admin_url,
            "admin_token": self.settings.secrets.proxy_admin_token,
            "routes_file": str(self.routes_file),
        }


class Cdc(PythonService):
    """The change-data-capture connector: WordPress's binlog to Debezium events on Kafka."""

    name = "cdc"
    port_names = ("cdc",)
    health_port = "cdc"
    start_timeout = 60.0
    #: the replica id the connector announces to MariaDB; unique among the server's replicas
    server_id = 5401

    @property
    def password_file(self) -> Path:
        return self.settings.home / "config" / "cdc_password"

    @property
    def admin_token_file(self) -> Path:
        return self.settings.home / "config" / "cdc_admin_token"

    @property
    def admin_token(self) -> str:
        """The bearer token of the connector's POST /snapshot."""
        return self.settings.secrets.cdc_admin_token

    @property
    def url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.ports['cdc']}"

    def arguments(self) -> list[str]:
        settings = self.settings
        self.password_file.parent.mkdir(parents=True, exist_ok=True)
        secret_files = ((self.password_file, settings.secrets.cdc_password), (self.admin_token_file, self.admin_token))
        for path, secret in secret_files:
            path.write_text(secret)
            path.chmod(0o600)
        return [
            "-m", "cdc", "run",
            "--host", settings.host,
            "--port", str(settings.ports["mariadb"]),
            "--user", settings.cdc_user,
            "--password-file", str(self.password_file),
            "--database", settings.database,
            "--bootstrap", settings.kafka_bootstrap,
            "--prefix", settings.topic_prefix,
            "--topic-partitions", str(settings.topic_partitions),
            "--server-id", str(self.server_id),
            "--listen", f"{settings.host}:{settings.ports['cdc']}",
            "--admin-token-file", str(self.admin_token_file),
        ]  # fmt: skip

    def describe(self) -> dict[str, Any]:
        details: dict[str, Any] = {"url": self.url, "prefix": self.settings.topic_prefix}
        health = self.health()
        if health:
            details.update({key: value for key, value in health.items() if key != "healthy"})
        return details


class ExtractedService(PythonService):
    """An extracted capability's service, as the capability registry declares it."""

    start_timeout = 60.0

    def __init__(self, settings: StackSettings, processes: ProcessTable, capability: Capability) -> None:
        super().__init__(settings, processes)
        self.capability = capability
        self.name = capability.name
        self.port_names = (capability.port_name,)
        self.health_port = capability.port_name

    @property
    def url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.ports[self.capability.port_name]}"

    @property
    def proxy_url(self) -> str:
        """The service's URL as the proxy reaches it: :attr:`url`, or its compose-network address."""
        external = self.settings.external
        return external.service_urls.get(self.name, self.url) if external else self.url

    @property
    def store_url(self) -> str:
        store = self.settings.home / "services" / self.name / "read-model.db"
        store.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{store}"

    @property
    def settings_file(self) -> Path:
        return self.settings.home / "services" / self.name / "settings.json"

    def service_settings(self) -> dict[str, Any]:
        """What the stack tells every extracted service beyond the kit's arguments (``--settings``; each
        service reads what it needs and checks it): WordPress's database as WordPress itself connects
        to it (the users service's legacy sync writes registered users there), and the SMTP server
        mail goes to (``STRANGLER_SMTP`` = ``HOST:PORT`` when the stack starts; by default the stack's
        mail sink, which delivers nothing), and the salt WordPress signs held comments' links with (the
        comments service answers as WordPress), the users service's internal API token and where the
        site-emails extension asks it for set-password keys (it sends the registration mails)."""
        settings = self.settings
        salt = settings.secrets.wordpress_salt
        smtp_host, smtp_port = smtp_override() or (settings.host, settings.ports["smtp"])
        # derived from a stack secret (stable across restarts, never stored apart): the users service
        # checks it on /internal, the site-emails extension sends it
        internal_token = hmac.new(salt.encode(), b"users-internal-api", hashlib.sha256).hexdigest()
        users_port = settings.ports.get("users")
        users_url = f"http://{settings.host}:{users_port}" if users_port else ""
        return {
            "wordpress_database": {
                "host": settings.host,
                "port": settings.ports["mariadb"],
                "user": settings.wordpress_db_user,
                "password": settings.secrets.wordpress_db_password,
                "database": settings.database,
                "table_prefix": TABLE_PREFIX,
            },
            "smtp": {"host": smtp_host, "port": smtp_port},
            # wp_salt('auth') = AUTH_KEY . AUTH_SALT of the wp-config.php the stack wrote (its template)
            "wordpress_salts": {"auth": f"{salt}-auth-key{salt}-auth-salt"},
            # the extensions service's management API takes the stack's admin token (the proxy's), and
            # its webhooks may go to this machine: the native stack is a local rehearsal
            "api_token": settings.secrets.proxy_admin_token,
            "webhooks": {"allow_loopback": True},
            "internal_token": internal_token,
            "extensions": {"site-emails": {"users_url": users_url, "users_token": internal_token}},
            # the content service has this WordPress render its pages' site-wide pieces ahead of time
            "wordpress_php": self._wordpress_php(),
        }

    def _wordpress_php(self) -> dict[str, Any] | None:
        """How the content service runs our PHP scripts with the stack's WordPress (its nginx sets
        SERVER_NAME ``_``); None for a compose stack, whose services' containers have no PHP."""
        if self.settings.external is not None:
            return None
        script = Path(__file__).resolve().parents[2] / "wordpress" / "php" / "page_pieces.php"
        docroot = self.settings.home / "wordpress" / "docroot"
        return {"docroot": str(docroot), "public_url": self.settings.public_url, "script": str(script),
                "command": ["php"], "server_name": "_"}  # fmt: skip

    def write_settings_file(self) -> Path:
        """The settings as a file only the stack's user reads (it holds the database password)."""
        path = self.settings_file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.chmod(0o600)
        path.write_text(json.dumps(self.service_settings(), indent=1) + "\n")
        return path

    def arguments(self) -> list[str]:
        listen = f"{self.settings.host}:{self.settings.ports[self.capability.port_name]}"
        settings = ["--settings", str(self.write_settings_file())]
        return ["-m", self.capability.module, "serve", "--listen", listen, *self._source_arguments(), *settings]

    def rebuild_arguments(self) -> list[str]:
        """Rebuild the read model from zero by replaying the topics (the service must be stopped)."""
        return ["-m", self.capability.module, "rebuild", *self._source_arguments()]

    def _source_arguments(self) -> list[str]:
        settings = self.settings
        return [
            "--bootstrap", settings.kafka_bootstrap,
            "--prefix", settings.topic_prefix,
            "--database", settings.database,
            "--store", self.store_url,
            "--group", f"strangler-{self.name}",
            "--topic-partitions", str(settings.topic_partitions),
        ]  # fmt: skip

    def describe(self) -> dict[str, Any]:
        details: dict[str, Any] = {"url": self.url, "routes": [route.name for route in self.capability.routes]}
        health = self.health()
        if health:
            details.update({key: value for key, value in health.items() if key != "healthy"})
        return details
