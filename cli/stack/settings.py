"""Where the stack keeps its state and which ports it listens on.

Everything lives under ``STRANGLER_HOME`` (default ``./.strangler``). The first ``up`` writes
``stack.json`` with the ports and generated secrets, so later commands (and other shells) see the
same stack. Ports are chosen from environment variables ``STRANGLER_<COMPONENT>_PORT`` at that first
``up``; their defaults sit in ranges unlikely to collide with system services.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path

from cli.stack.errors import IncompatibleStateError

STATE_FORMAT = 1

DEFAULT_PORTS: dict[str, int] = {
    "mariadb": 13306,
    "wordpress": 18080,
    "kafka": 19092,
    "kafka_controller": 19093,
    "proxy": 18000,
    "proxy_admin": 18001,
    "cdc": 18002,
    "supervisor": 18003,
    "content": 18010,
}


def port_variable(name: str) -> str:
    return f"STRANGLER_{name.upper()}_PORT"


def _ports_from_environment() -> dict[str, int]:
    ports = dict(DEFAULT_PORTS)
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
class StackSettings:
    home: Path
    ports: dict[str, int]
    secrets: Secrets
    host: str = "127.0.0.1"
    database: str = "wordpress"
    topic_prefix: str = "wordpress"
    site_title: str = "wp-strangler demo"
    admin_user: str = "admin"
    admin_email: str = "admin@example.test"
    wordpress_db_user: str = "wordpress"
    cdc_user: str = "strangler_cdc"

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
        document = {
            "format": STATE_FORMAT,
            "ports": self.ports,
            "secrets": asdict(self.secrets),
        }
        self.home.mkdir(parents=True, exist_ok=True)
        temporary = self.state_file.with_suffix(".tmp")
        temporary.write_text(json.dumps(document, indent=2) + "\n")
        temporary.chmod(0o600)
        temporary.replace(self.state_file)


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
            ports = {**DEFAULT_PORTS, **{k: int(v) for k, v in document["ports"].items()}}
            stored_secrets = Secrets(**document["secrets"])
        except (ValueError, KeyError, TypeError) as error:
            raise IncompatibleStateError(f"{state_file} is not a wp-strangler state file ({error}): {fix}") from error
        settings = StackSettings(home=home, ports=ports, secrets=stored_secrets)
        if set(asdict(stored_secrets)) - set(document["secrets"]):
            settings.save()  # a secret this version added: generated once, then the same for every command
        return settings
    if home.exists() and any(home.iterdir()):
        raise IncompatibleStateError(f"{home} is not empty but has no stack.json, so it is not ours: {fix}")
    if not create:
        raise IncompatibleStateError(f"no stack at {home}: run `strangler up` first")
    settings = StackSettings(home=home, ports={**_ports_from_environment(), **(ports or {})}, secrets=Secrets())
    settings.save()
    return settings
