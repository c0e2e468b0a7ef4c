"""Where the stack keeps its state and which ports it listens on.

Everything lives under ``STRANGLER_HOME`` (default ``./.strangler``). The first ``up`` writes
``stack.json`` with the ports and generated secrets, so later commands (and other shells) see the
same stack. Ports are chosen from environment variables ``STRANGLER_<COMPONENT>_PORT`` at that first
``up``; their defaults sit in ranges unlikely to collide with system services. The stack's own
components have :data:`FIXED_PORTS`; each extracted service's default comes from the capability
registry (``extracted/capabilities.yaml``, ``service.port``), so a new capability needs no edit here.
A ``stack.json`` written before a capability existed gets that capability's port (environment, else
registry default) the first time it is read, and keeps it from then on.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

from cli.stack.errors import IncompatibleStateError
from cli.stack.ports import split_host_port

STATE_FORMAT = 1

#: the stack's own components (extracted services: see :func:`service_ports`)
FIXED_PORTS: dict[str, int] = {
    "mariadb": 13306,
    "wordpress": 18080,
    "kafka": 19092,
    "kafka_controller": 19093,
    "proxy": 18000,
    "proxy_admin": 18001,
    "cdc": 18002,
    "supervisor": 18003,
    "smtp": 18025,  # the mail sink's SMTP server (cli.stack.mail)
    "mail_http": 18026,  # the mail sink's /healthz, /metrics and /messages
}


#: partitions of every row topic (CDC) and domain-event topic (the services) the stack creates. Each
#: record's key (a row's primary key, an event's aggregate id) picks its partition, so one key's changes
#: keep their order with any count (tests/extracted/runtime/test_partitions_kafka.py runs 3). The stack
#: keeps 1: projections also rely on a table's order across keys (an option deleted and added again
#: under a new id with the same unique name), and a consumer merges partitions by record time in
#: milliseconds, which cannot order records of the same millisecond (a corpus import failed with
#: "UNIQUE constraint failed: content_options.name" at 3). Merging by binlog position would lift that.
TOPIC_PARTITIONS = 1

_service_ports_cache: dict[tuple[str, int, int], dict[str, int]] = {}


def service_ports() -> dict[str, int]:
    """Each capability's default port, under its port name, from the registry (``STRANGLER_CAPABILITIES``
    is honoured; the file is read again when it changes). An invalid registry raises its
    ``RegistryError``, a StackError."""
    from cli.capabilities import load_registry, registry_path

    path = registry_path()
    try:
        stat = path.stat()
        version = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    except OSError:
        return {c.port_name: c.port for c in load_registry(path).values()}  # raises, naming the file
    if version not in _service_ports_cache:
        _service_ports_cache.clear()
        _service_ports_cache[version] = {c.port_name: c.port for c in load_registry(path).values()}
    return dict(_service_ports_cache[version])


class _DefaultPorts(Mapping[str, int]):
    """:data:`FIXED_PORTS` plus :func:`service_ports`, read from the registry at each use."""

    def _ports(self) -> dict[str, int]:
        return {**FIXED_PORTS, **service_ports()}

    def __getitem__(self, name: str) -> int:
        return self._ports()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._ports())

    def __len__(self) -> int:
        return len(self._ports())

    def __repr__(self) -> str:
        return f"DEFAULT_PORTS({self._ports()!r})"


#: every default port of the stack: its components' and its extracted services'
DEFAULT_PORTS: Mapping[str, int] = _DefaultPorts()


def port_variable(name: str) -> str:
    return f"STRANGLER_{name.upper()}_PORT"


def _ports_from_environment(defaults: Mapping[str, int]) -> dict[str, int]:
    ports = dict(defaults)
    for name in ports:
        raw = os.environ.get(port_variable(name))
        if raw:
            if not raw.isdigit() or not 0 < int(raw) < 65536:
                raise IncompatibleStateError(f"{port_variable(name)}={raw!r} is not a TCP port number")
            ports[name] = int(raw)
    return ports


def _secret() -> str:
    return secrets.token_urlsafe(18)


def kafka_cluster_id() -> str:
    """16 random bytes, base64url, as Kafka's ``Uuid``; never starting with ``-``, which Kafka's own
    generator also avoids: ``kafka-storage format -t -x…`` would read the id as an option."""
    while (candidate := secrets.token_urlsafe(16)[:22]).startswith("-"):
        pass
    return candidate


@dataclass
class Secrets:
    mariadb_root_password: str = field(default_factory=_secret)
    wordpress_db_password: str = field(default_factory=_secret)
    cdc_password: str = field(default_factory=_secret)
    wordpress_admin_password: str = field(default_factory=_secret)
    proxy_admin_token: str = field(default_factory=_secret)
    cdc_admin_token: str = field(default_factory=_secret)
    wordpress_salt: str = field(default_factory=lambda: secrets.token_hex(32))
    kafka_cluster_id: str = field(default_factory=kafka_cluster_id)
    #: created by WordPress at install time, so empty until then
    wordpress_app_password: str = ""


@dataclass
class ExternalStack:
    """A stack another tool runs (docker-compose.yml under podman-compose or Docker Compose): the CLI
    starts and stops nothing, it reaches the components at ``ports`` on ``host`` (the published
    ports), and says so in ``manager``. The proxy reaches the services at ``service_urls`` (their
    names on the compose network); WordPress's PHP runs as ``php`` (e.g. ``podman exec -i NAME php``),
    which finds our scripts in ``php_scripts`` and WordPress's document root at ``docroot``."""

    manager: str
    service_urls: dict[str, str]
    php: list[str]
    php_scripts: str
    docroot: str


@dataclass
class StackSettings:
    home: Path
    ports: dict[str, int]
    secrets: Secrets
    host: str = "127.0.0.1"
    database: str = "wordpress"
    topic_prefix: str = "wordpress"
    topic_partitions: int = TOPIC_PARTITIONS
    site_title: str = "wp-strangler demo"
    admin_user: str = "admin"
    admin_email: str = "admin@example.test"
    wordpress_db_user: str = "wordpress"
    cdc_user: str = "strangler_cdc"
    #: set when another tool runs the stack (``strangler attach``); None for the native stack
    external: ExternalStack | None = None

    @property
    def state_file(self) -> Path:
        return self.home / "stack.json"

    @property
    def public_url(self) -> str:
        return f"http://{self.host}:{self.ports['proxy']}"

    @property
    def wordpress_url(self) -> str:
        return f"http://{self.host}:{self.ports['wordpress']}"

    @property
    def admin_url(self) -> str:
        return f"http://{self.host}:{self.ports['proxy_admin']}"

    @property
    def kafka_bootstrap(self) -> str:
        return f"{self.host}:{self.ports['kafka']}"

    def path(self, *parts: str) -> Path:
        """A path inside STRANGLER_HOME, its parent directory created."""
        target = self.home.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def save(self) -> None:
        document: dict[str, object] = {
            "format": STATE_FORMAT,
            "ports": self.ports,
            "secrets": asdict(self.secrets),
        }
        if self.external is not None:
            document["external"] = asdict(self.external)
        self.home.mkdir(parents=True, exist_ok=True)
        temporary = self.state_file.with_suffix(".tmp")
        temporary.write_text(json.dumps(document, indent=2) + "\n")
        temporary.chmod(0o600)
        temporary.replace(self.state_file)


def smtp_override() -> tuple[str, int] | None:
    """``STRANGLER_SMTP=HOST:PORT``: the real SMTP server the services mail to instead of the stack's
    mail sink; None when it is unset or empty."""
    raw = os.environ.get("STRANGLER_SMTP", "").strip()
    if not raw:
        return None
    address = split_host_port(raw)
    if address is None:
        raise IncompatibleStateError(f"STRANGLER_SMTP={raw!r} is not HOST:PORT")
    return address


def proxy_store_override() -> str | None:
    """``STRANGLER_PROXY_STORE=postgresql://USER[:PASSWORD]@HOST:PORT/DATABASE``: a comparison store the
    proxy shares with other proxy replicas, instead of the stack's SQLite file; None when unset or empty."""
    raw = os.environ.get("STRANGLER_PROXY_STORE", "").strip()
    if not raw:
        return None
    if not raw.startswith(("postgresql://", "postgresql+psycopg://", "postgres://", "sqlite:///")):
        raise IncompatibleStateError(
            f"STRANGLER_PROXY_STORE={raw.partition('://')[0]}://... is neither postgresql://... nor sqlite:///PATH"
        )
    return raw


def default_home() -> Path:
    return Path(os.environ.get("STRANGLER_HOME", ".strangler")).resolve()


def load_settings(
    home: Path | None = None, *, create: bool = False, ports: dict[str, int] | None = None
) -> StackSettings:
    """Read ``stack.json`` from STRANGLER_HOME, or (with ``create``) make a fresh one.

    A home that holds data but no readable ``stack.json`` of our format comes from an incompatible
    run: refuse it rather than guess, and say how to start clean. ``ports`` (for a fresh home only)
    overrides the defaults and the environment.
    """
    home = (home or default_home()).resolve()
    state_file = home / "stack.json"
    fix = f"remove {home} (this deletes that stack's data) or set STRANGLER_HOME to another directory"
    if state_file.exists():
        try:
            document = json.loads(state_file.read_text())
            if document.get("format") != STATE_FORMAT:
                raise IncompatibleStateError(
                    f"{state_file} has state format {document.get('format')!r}, this version needs "
                    f"{STATE_FORMAT}: {fix}"
                )
            stored_ports = {k: int(v) for k, v in document["ports"].items()}
            stored_secrets = Secrets(**document["secrets"])
            external = ExternalStack(**document["external"]) if document.get("external") else None
        except (ValueError, KeyError, TypeError) as error:
            raise IncompatibleStateError(f"{state_file} is not a wp-strangler state file ({error}): {fix}") from error
        defaults = dict(DEFAULT_PORTS)
        added = {name: port for name, port in defaults.items() if name not in stored_ports}
        ports = {**_ports_from_environment(added), **stored_ports}
        settings = StackSettings(home=home, ports=ports, secrets=stored_secrets, external=external)
        if added or set(asdict(stored_secrets)) - set(document["secrets"]):
            settings.save()  # a port or secret this version added: chosen once, then the same for every command
        return settings
    if home.exists() and any(home.iterdir()):
        raise IncompatibleStateError(f"{home} is not empty but has no stack.json, so it is not ours: {fix}")
    if not create:
        raise IncompatibleStateError(f"no stack at {home}: run `strangler up` first")
    settings = StackSettings(
        home=home, ports={**_ports_from_environment(DEFAULT_PORTS), **(ports or {})}, secrets=Secrets()
    )
    settings.save()
    return settings
