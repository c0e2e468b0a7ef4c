"""The stack docker-compose.yml runs, as the CLI sees it (``strangler attach``).

The compose file publishes every component on this machine at the native stack's ports (each
``STRANGLER_<NAME>_PORT`` overrides one, for the compose file and the CLI alike) and runs them with the
development credentials of ``deploy/kubernetes/overlays/dev/secrets`` (tests/test_docker_compose.py
keeps the three equal). Inside the compose network each component has its service name and the port
deploy/kubernetes gives it: the proxy reaches the services there.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from cli.stack.errors import IncompatibleStateError
from cli.stack.settings import ExternalStack, Secrets, StackSettings, load_settings

__all__ = ["COMPOSE_SECRETS", "DOCROOT", "ENGINES", "PHP_SCRIPTS", "attach_settings", "compose_stack"]

#: docker-compose.yml's development credentials (deploy/kubernetes/overlays/dev/secrets)
COMPOSE_SECRETS = Secrets(
    mariadb_root_password="strangler-root",
    wordpress_db_password="strangler-wordpress",
    cdc_password="strangler-cdc",
    wordpress_admin_password="strangler-admin",
    proxy_admin_token="strangler-admin-token",
    cdc_admin_token="strangler-cdc-admin-token",
    wordpress_salt="strangler-dev-salt",
    kafka_cluster_id="d3Atc3RyYW5nbGVyLWRldg",
)
#: where localhost/wp-strangler-wordpress keeps WordPress's document root and our PHP scripts
DOCROOT = "/var/lib/wordpress/docroot"
PHP_SCRIPTS = "/usr/local/lib/wp-strangler/php"
#: engine -> how its compose names a service's first container
ENGINES = {"podman": "{project}_{service}_1", "docker": "{project}-{service}-1"}


def compose_stack(project: str, engine: str) -> ExternalStack:
    """What the CLI needs to know beyond the published ports: the proxy's view of the services and
    how to run WordPress's PHP in its container."""
    from cli.capabilities import load_registry

    if engine not in ENGINES:
        raise IncompatibleStateError(f"unknown compose engine {engine!r} (known: {', '.join(ENGINES)})")
    wordpress = ENGINES[engine].format(project=project, service="wordpress")
    return ExternalStack(
        manager=f"{engine} compose project {project}",
        service_urls={name: f"http://{name}:{capability.port}" for name, capability in load_registry().items()},
        php=[engine, "exec", "-i", wordpress, "php"],
        php_scripts=PHP_SCRIPTS,
        docroot=DOCROOT,
    )


def attach_settings(home: Path, project: str, engine: str) -> StackSettings:
    """STRANGLER_HOME's settings for the compose project: the published ports (environment, else the
    defaults) and the compose file's credentials; a native stack's home is refused."""
    fresh = not (home / "stack.json").exists()
    settings = load_settings(home, create=True)
    if not fresh and settings.external is None:
        raise IncompatibleStateError(
            f"{home} holds a native stack (`strangler up`): set STRANGLER_HOME to another directory"
        )
    if fresh:
        settings.secrets = replace(COMPOSE_SECRETS)
    settings.external = compose_stack(project, engine)
    settings.save()
    return settings
