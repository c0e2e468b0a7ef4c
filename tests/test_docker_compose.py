"""docker-compose.yml against its sources of truth: deploy/kubernetes (topology, images, container
ports, commands, credentials), the native stack (host ports, binlog, topics, consumer groups, CDC) and
the CLI's view of a compose stack (cli/stack/compose.py). Pure file checks; the smoke that runs it is
tests/deploy/test_compose_smoke.py."""

from __future__ import annotations

import re
import shlex
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from cli.capabilities import load_registry
from cli.stack.compose import COMPOSE_SECRETS, DOCROOT, PHP_SCRIPTS, compose_stack
from cli.stack.mariadb import CDC_GRANTS
from cli.stack.processes import ProcessTable
from cli.stack.services import Cdc, ExtractedService, Proxy
from cli.stack.settings import DEFAULT_PORTS, Secrets, StackSettings, port_variable

REPOSITORY = Path(__file__).resolve().parents[1]
KUBERNETES = REPOSITORY / "deploy" / "kubernetes"
DEV_SECRETS = KUBERNETES / "overlays" / "dev" / "secrets"
#: host port mapping as the compose file writes it: 127.0.0.1:${STRANGLER_<NAME>_PORT:-<default>}:<container>
PUBLISHED = re.compile(r"^127\.0\.0\.1:\$\{(STRANGLER_[A-Z_]+_PORT):-(\d+)\}:(\d+)$")
#: flags naming a file inside the container: where each orchestrator mounts its secrets differs
FILE_FLAGS = {"settings", "admin-token-file", "password-file"}


@cache
def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((REPOSITORY / "docker-compose.yml").read_text())
    return document


def _services() -> dict[str, Any]:
    services: dict[str, Any] = compose()["services"]
    return services


def published_ports() -> dict[str, int]:
    """Port name (cli.stack.settings) -> its default, for every port the compose file publishes."""
    by_variable = {port_variable(name): name for name in DEFAULT_PORTS}
    ports = {}
    for service in _services().values():
        for mapping in service.get("ports", []):
            match = PUBLISHED.match(mapping)
            assert match, mapping
            ports[by_variable[match.group(1)]] = int(match.group(2))
    return ports


def _container_ports(service: dict[str, Any]) -> set[int]:
    return {int(PUBLISHED.match(mapping).group(3)) for mapping in service.get("ports", [])}  # type: ignore[union-attr]


@cache
def _deployments() -> dict[str, dict[str, Any]]:
    """deploy/kubernetes's Deployments (base and the dev overlay), by name."""
    found = {}
    for manifest in [*(KUBERNETES / "base").glob("*.yaml"), *(KUBERNETES / "overlays" / "dev").glob("*.yaml")]:
        for document in yaml.safe_load_all(manifest.read_text()):
            if document and document.get("kind") == "Deployment":
                found[document["metadata"]["name"]] = document
    return found


def _container(name: str) -> dict[str, Any]:
    container: dict[str, Any] = _deployments()[name]["spec"]["template"]["spec"]["containers"][0]
    return container


def _endpoints() -> dict[str, str]:
    data: dict[str, str] = yaml.safe_load((KUBERNETES / "base" / "endpoints.yaml").read_text())["data"]
    return data


def _env_file(name: str) -> dict[str, str]:
    pairs = {}
    for line in (DEV_SECRETS / name).read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            pairs[key] = value
    return pairs


def _command_text(service: dict[str, Any]) -> str:
    command = service["command"]
    return command[-1] if command[:2] == ["sh", "-c"] else shlex.join(command)


def _python_flags(text: str, module: str) -> dict[str, list[str]]:
    """The ``--name=value`` flags of ``python -m module ...`` in a command line, with the endpoints
    ConfigMap's variables substituted (a Kubernetes command) and file paths left out."""
    for variable, value in _endpoints().items():
        text = text.replace(f'"${variable}"', value).replace(f"${variable}", value)
    words = shlex.split(text.replace("&&", " && "))
    start = next(i for i in range(len(words) - 2) if words[i : i + 3] == ["python", "-m", module])
    flags: dict[str, list[str]] = {}
    rest = words[start + 3 :]
    for index, word in enumerate(rest):
        if word == "&&":
            break
        if word.startswith("--"):
            name, equals, value = word.removeprefix("--").partition("=")
            if not equals and index + 1 < len(rest) and not rest[index + 1].startswith("--"):
                value = rest[index + 1]  # --name value, as the native stack writes it
            if name not in FILE_FLAGS:
                flags.setdefault(name, []).append(value)
    return flags


def _native_mariadb_settings() -> dict[str, str]:
    settings = {}
    for line in (REPOSITORY / "wordpress" / "config" / "my.cnf.tmpl").read_text().splitlines():
        match = re.match(r"^([a-z_-]+)\s*=\s*(\S+)", line)
        if match:
            settings[match.group(1).replace("-", "_")] = match.group(2)
    return settings


def test_every_component_of_the_native_stack_runs_from_the_kubernetes_images() -> None:
    services = _services()
    # what `strangler up` runs (cli/stack/stack.py; the supervisor is compose's restart policy here)
    assert set(services) == {"mariadb", "kafka", "wordpress", "proxy", "mail-sink", "cdc", *load_registry()}
    for name, service in services.items():
        assert service["image"] == _container(name)["image"], name  # a Deployment of the same name
        assert service["image"].startswith("localhost/wp-strangler"), name
        assert service["pull_policy"] == "never" and service["restart"] == "unless-stopped", name
        assert service["healthcheck"]["test"][0] == "CMD-SHELL", name  # podman-compose 1.0 mangles CMD lists
        assert "build" not in service, name


def test_published_ports_are_the_native_defaults_on_loopback() -> None:
    ports = published_ports()
    assert ports == {name: DEFAULT_PORTS[name] for name in ports}
    # every port the native stack serves on, but the ones that stay inside a container
    assert set(ports) == set(DEFAULT_PORTS) - {"kafka_controller", "supervisor"}


def test_container_ports_are_the_kubernetes_ones() -> None:
    for name, service in _services().items():
        kubernetes = {port["containerPort"] for port in _container(name).get("ports", [])}
        published = _container_ports(service)
        if name == "kafka":  # the controller stays in the container; 29092 is this machine's listener
            assert published == {29092} and kubernetes == {19092, 19093}
        else:
            assert published == kubernetes, name


def test_mariadb_runs_with_the_kubernetes_and_native_binlog_flags() -> None:
    service = _services()["mariadb"]
    assert service["command"] == _container("mariadb")["args"]
    flags = {}
    for flag in service["command"]:
        name, _, value = flag.removeprefix("--").partition("=")
        flags[name.replace("-", "_")] = value
    native = _native_mariadb_settings()
    for setting in ("binlog_format", "binlog_row_image", "binlog_row_metadata", "gtid_strict_mode", "server_id"):
        assert flags[setting] == native[setting], setting
    assert "log_bin" in flags and "log_bin" in native


def _native(tmp_path: Path) -> tuple[StackSettings, dict[str, list[str]]]:
    """The native stack's settings and each of our components' command line (``python -m ...``)."""
    settings = StackSettings(home=tmp_path, ports=dict(DEFAULT_PORTS), secrets=Secrets())
    processes = ProcessTable(tmp_path / "run", tmp_path / "logs")
    commands = {"proxy": Proxy(settings, processes).arguments(), "cdc": Cdc(settings, processes).arguments()}
    for name, capability in load_registry().items():
        commands[name] = ExtractedService(settings, processes, capability).arguments()
    return settings, commands


def test_our_components_take_the_native_stacks_flags(tmp_path: Path) -> None:
    _, commands = _native(tmp_path)
    modules = {"proxy": "proxy", "cdc": "cdc", **{name: c.module for name, c in load_registry().items()}}
    for name, module in modules.items():
        native = _python_flags(shlex.join(["python", *commands[name]]), module)
        flags = _python_flags(_command_text(_services()[name]), module)
        assert set(flags) - {"component"} == set(native) - {"component"}, name
    mail = _services()["mail-sink"]["command"]
    assert mail == [*_container("mail-sink")["command"], *_container("mail-sink")["args"]]


def test_services_consume_the_native_topics_with_the_native_groups(tmp_path: Path) -> None:
    settings, commands = _native(tmp_path)
    partitions = [str(settings.topic_partitions)]
    for name, capability in load_registry().items():
        native = _python_flags(shlex.join(["python", *commands[name]]), capability.module)
        flags = _python_flags(_command_text(_services()[name]), capability.module)
        for flag in ("prefix", "database", "group", "topic-partitions"):
            assert flags[flag] == native[flag], (name, flag)
        assert flags["listen"] == [f"0.0.0.0:{capability.port}"] and flags["bootstrap"] == [
            _endpoints()["KAFKA_BOOTSTRAP"]
        ]
        assert flags["topic-partitions"] == partitions == [_endpoints().get("TOPIC_PARTITIONS", partitions[0])]
    cdc = _python_flags(_command_text(_services()["cdc"]), "cdc")
    native = _python_flags(shlex.join(["python", *commands["cdc"]]), "cdc")
    for flag in ("server-id", "prefix", "database", "user", "topic-partitions"):
        assert cdc[flag] == native[flag], flag
    assert cdc["server-id"] == [str(Cdc.server_id)]
    proxy = _python_flags(_command_text(_services()["proxy"]), "proxy")
    watched = {value.partition("=")[0] for value in proxy["component"]}
    assert watched == {"wordpress", "cdc", *load_registry()}  # the dashboard shows what the native one does


def test_kafka_listens_for_the_network_and_for_this_machine() -> None:
    command = _services()["kafka"]["command"]
    assert command[0] == _container("kafka")["args"][0]
    overrides = dict(item.partition("=")[::2] for item in command[1:] if item != "--override")
    advertised = overrides["advertised.listeners"].split(",")
    assert f"INTERNAL://{_endpoints()['KAFKA_BOOTSTRAP']}" in advertised
    assert f"EXTERNAL://127.0.0.1:${{{port_variable('kafka')}:-{DEFAULT_PORTS['kafka']}}}" in advertised
    assert overrides["inter.broker.listener.name"] == "INTERNAL"
    kubernetes = {env["name"]: env["value"] for env in _container("kafka")["env"]}
    assert _services()["kafka"]["environment"]["KAFKA_CLUSTER_ID"] == kubernetes["KAFKA_CLUSTER_ID"]


def test_wordpress_is_configured_as_in_kubernetes_behind_the_published_proxy() -> None:
    environment = _services()["wordpress"]["environment"]
    kubernetes = {env["name"]: env.get("value") for env in _container("wordpress")["env"]}
    for name in ("WORDPRESS_DB_HOST", "WORDPRESS_DB_NAME", "WORDPRESS_DB_USER"):
        assert environment[name] == kubernetes[name], name
    assert environment["WP_HOME"] == f"http://127.0.0.1:${{{port_variable('proxy')}:-{DEFAULT_PORTS['proxy']}}}"


def test_credentials_are_the_kubernetes_dev_secrets_the_cli_attaches_with() -> None:
    services = _services()
    mariadb, wordpress, cdc, proxy = (_env_file(f"{name}.env") for name in ("mariadb", "wordpress", "cdc", "proxy"))
    expected = {
        ("mariadb", "MARIADB_ROOT_PASSWORD"): (mariadb["root-password"], COMPOSE_SECRETS.mariadb_root_password),
        ("mariadb", "MARIADB_PASSWORD"): (mariadb["wordpress-password"], COMPOSE_SECRETS.wordpress_db_password),
        ("wordpress", "WORDPRESS_DB_PASSWORD"): (wordpress["db-password"], COMPOSE_SECRETS.wordpress_db_password),
        ("wordpress", "WORDPRESS_SALT"): (wordpress["salt"], COMPOSE_SECRETS.wordpress_salt),
        ("cdc", "CDC_PASSWORD"): (cdc["password"], COMPOSE_SECRETS.cdc_password),
        ("cdc", "CDC_ADMIN_TOKEN"): (cdc["admin-token"], COMPOSE_SECRETS.cdc_admin_token),
        ("proxy", "PROXY_ADMIN_TOKEN"): (proxy["admin-token"], COMPOSE_SECRETS.proxy_admin_token),
    }
    for (service, variable), (kubernetes, cli) in expected.items():
        assert services[service]["environment"][variable] == kubernetes == cli, variable
    assert wordpress["admin-password"] == COMPOSE_SECRETS.wordpress_admin_password
    assert services["kafka"]["environment"]["KAFKA_CLUSTER_ID"] == COMPOSE_SECRETS.kafka_cluster_id
    settings_file = REPOSITORY / compose()["secrets"]["service-settings"]["file"]
    assert settings_file.resolve() == (DEV_SECRETS / "service-settings.json").resolve()
    for name in load_registry():
        assert services[name]["secrets"] == ["service-settings"], name
        assert "--settings=/run/secrets/service-settings" in services[name]["command"], name


def test_the_proxy_starts_from_the_kubernetes_route_table_the_cli_agrees_with() -> None:
    volumes = _services()["proxy"]["volumes"]
    assert volumes == ["./deploy/kubernetes/base/routes.yaml:/etc/strangler/routes.yaml:ro"]
    table = yaml.safe_load((KUBERNETES / "base" / "routes.yaml").read_text())
    external = compose_stack("wp-strangler", "podman")
    routed = {name: url for name, url in external.service_urls.items() if load_registry()[name].routes}
    assert table["services"] == routed
    assert external.php == ["podman", "exec", "-i", "wp-strangler_wordpress_1", "php"]
    assert compose_stack("wp-strangler", "docker").php[3] == "wp-strangler-wordpress-1"
    dockerfile = (REPOSITORY / "deploy" / "containers" / "wordpress" / "Dockerfile").read_text()
    assert f"COPY wordpress/php {PHP_SCRIPTS}" in dockerfile
    assert DOCROOT == "/var/lib/wordpress/docroot" and "root=/var/lib/wordpress; docroot=$root/docroot" in dockerfile


def test_our_containers_wait_for_their_dependencies() -> None:
    services = _services()
    for name in ("cdc", *load_registry()):
        text = _command_text(services[name])
        assert "python -m cli.stack.wait_for mariadb:13306 kafka:19092 --" in text, name
        assert set(services[name]["depends_on"]) == {"mariadb", "kafka"}, name


def test_the_cdc_user_has_the_same_grants() -> None:
    init = (REPOSITORY / "wordpress" / "config" / "mariadb-init.sql").read_text()
    assert init.count(f"GRANT {CDC_GRANTS} ON *.*") == 2
    assert "'strangler_cdc'@'%'" in init and "'strangler_cdc'@'localhost'" in init
    assert f"IDENTIFIED BY '{COMPOSE_SECRETS.cdc_password}'" in init
