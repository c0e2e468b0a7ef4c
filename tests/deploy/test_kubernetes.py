"""deploy/kubernetes: every overlay renders and validates (``make deploy-check``), and its manifests agree
with the native stack: ports from the capability registry and cli/stack/settings.py, the same commands,
MariaDB's binlog flags and Kafka's settings, probes and resources everywhere, admin ports internal."""

from __future__ import annotations

import base64
import json
import re
import shlex
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli.capabilities import REGISTRY, load_registry
from cli.deploy_check import KUSTOMIZE_ROOT, DeployCheckError, check_overlay, kubectl, overlays, render
from cli.stack.services import Cdc
from cli.stack.settings import FIXED_PORTS, TOPIC_PARTITIONS

REPOSITORY = Path(__file__).resolve().parents[2]
CAPABILITIES = load_registry(REGISTRY)
#: the content service runs as read-only replicas (``content``) and one ``content-projector`` (README.md)
OURS = {"proxy", "cdc", *CAPABILITIES, "content-projector"}
INFRASTRUCTURE = {"mariadb", "kafka", "wordpress", "mail-sink", "postgres"}
#: PostgreSQL's port: the content service's shared read model
POSTGRES_PORT = 5432
#: each Deployment's container ports, by name, as the native stack numbers them
EXPECTED_PORTS: dict[str, set[int]] = {
    "proxy": {FIXED_PORTS["proxy"], FIXED_PORTS["proxy_admin"]},
    "cdc": {FIXED_PORTS["cdc"]},
    "mariadb": {FIXED_PORTS["mariadb"]},
    "kafka": {FIXED_PORTS["kafka"], FIXED_PORTS["kafka_controller"]},
    "wordpress": {FIXED_PORTS["wordpress"]},
    "mail-sink": {FIXED_PORTS["smtp"], FIXED_PORTS["mail_http"]},
    "postgres": {POSTGRES_PORT},
    **{name: {capability.port} for name, capability in CAPABILITIES.items()},
    "content-projector": {CAPABILITIES["content"].port},
}
ADMIN_PORTS = {FIXED_PORTS["proxy_admin"], FIXED_PORTS["cdc"]}


def _require_kubectl() -> None:
    try:
        kubectl()
    except DeployCheckError as error:
        pytest.skip(f"the Kubernetes manifests cannot be rendered here: {error}")


@cache
def _rendered(overlay: str) -> tuple[dict[str, Any], ...]:
    return tuple(render(overlay))


def objects(overlay: str, kind: str | None = None) -> list[dict[str, Any]]:
    _require_kubectl()
    return [document for document in _rendered(overlay) if kind is None or document["kind"] == kind]


def named(overlay: str, kind: str) -> dict[str, dict[str, Any]]:
    return {document["metadata"]["name"]: document for document in objects(overlay, kind)}


def generated(overlay: str, name: str) -> dict[str, Any]:
    """The ConfigMap a generator made (its name may have a content hash after ``name``), which the
    Deployments mount by its rendered name."""
    pattern = re.compile(f"{name}(-[a-z0-9]+)?")
    (config_map,) = [c for c in objects(overlay, "ConfigMap") if pattern.fullmatch(c["metadata"]["name"])]
    mounted = {
        volume["configMap"]["name"]
        for deployment in objects(overlay, "Deployment")
        for volume in deployment["spec"]["template"]["spec"]["volumes"]
        if pattern.fullmatch(volume.get("configMap", {}).get("name", ""))
    }
    assert mounted == {config_map["metadata"]["name"]}, (overlay, name)
    return config_map


def containers(deployment: dict[str, Any], init: bool = False) -> list[dict[str, Any]]:
    spec = deployment["spec"]["template"]["spec"]
    result: list[dict[str, Any]] = spec["containers"]
    return result + spec.get("initContainers", []) if init else result


def command_words(container: dict[str, Any]) -> list[str]:
    """The container's command line as words (``sh -c '[export …  &&] exec …'`` unwrapped)."""
    words = [*container.get("command", []), *container.get("args", [])]
    if words[:2] == ["sh", "-c"]:
        words = shlex.split(words[2])
    return words[words.index("exec") + 1 :] if "exec" in words else words


def flags(container: dict[str, Any]) -> dict[str, str]:
    result: dict[str, str] = {}
    for word in command_words(container):
        name, equals, value = word.partition("=")
        if word.startswith("--") and equals:
            result.setdefault(name.removeprefix("--"), value)
    return result


def ports_of(deployment: dict[str, Any]) -> set[int]:
    return {port["containerPort"] for container in containers(deployment) for port in container.get("ports", [])}


@pytest.mark.parametrize("overlay", ["dev", "production", "podman"])
def test_the_overlay_renders_and_validates_against_three_kubernetes_versions(overlay: str) -> None:
    _require_kubectl()
    report = check_overlay(overlay)
    assert report.objects > 0
    assert report.problems == []


def test_the_overlays_are_the_documented_ones() -> None:
    assert overlays() == ["dev", "podman", "production"]
    readme = (KUSTOMIZE_ROOT / "README.md").read_text()
    for overlay in overlays():
        assert f"overlays/{overlay}" in readme


def test_dev_runs_everything_and_production_only_our_components() -> None:
    assert set(named("dev", "Deployment")) == OURS | INFRASTRUCTURE
    assert set(named("podman", "Deployment")) == OURS | INFRASTRUCTURE
    assert set(named("production", "Deployment")) == OURS
    assert objects("production", "Secret") == []  # the user creates them (README.md)
    assert objects("production", "PersistentVolumeClaim") == []


@pytest.mark.parametrize("overlay", ["dev", "production", "podman"])
def test_container_and_service_ports_equal_the_registry_and_the_stack(overlay: str) -> None:
    deployments = named(overlay, "Deployment")
    for name, deployment in deployments.items():
        assert ports_of(deployment) == EXPECTED_PORTS[name], name
    for name, service in named(overlay, "Service").items():
        owner = service["spec"]["selector"]["app.kubernetes.io/name"]
        published = {port["port"] for port in service["spec"]["ports"]}
        assert published <= EXPECTED_PORTS[owner], name
        assert service["spec"].get("type", "ClusterIP") == "ClusterIP", name
    for name, capability in CAPABILITIES.items():
        listen = flags(containers(deployments[name])[0])["listen"]
        assert listen == f"0.0.0.0:{capability.port}", name


@pytest.mark.parametrize("overlay", ["dev", "production"])
def test_components_start_with_the_native_stacks_commands(overlay: str) -> None:
    deployments = named(overlay, "Deployment")
    proxy = containers(deployments["proxy"])[0]
    assert command_words(proxy)[:4] == ["python", "-m", "proxy", "serve"]
    assert flags(proxy)["listen"] == f"0.0.0.0:{FIXED_PORTS['proxy']}"
    assert flags(proxy)["admin-listen"] == f"0.0.0.0:{FIXED_PORTS['proxy_admin']}"
    cdc = containers(deployments["cdc"])[0]
    assert command_words(cdc)[:4] == ["python", "-m", "cdc", "run"]
    assert flags(cdc)["server-id"] == str(Cdc.server_id)
    assert flags(cdc)["listen"] == f"0.0.0.0:{FIXED_PORTS['cdc']}"
    assert "admin-token-file" in flags(cdc)  # a reachable control port needs a token, or cdc refuses to start
    for name, capability in CAPABILITIES.items():
        container = containers(deployments[name])[0]
        assert command_words(container)[:4] == ["python", "-m", capability.module, "serve"], name
        assert flags(container)["group"] == f"strangler-{name}", name
    for name in OURS:
        assert {c["image"] for c in containers(deployments[name], init=True)} == {"localhost/wp-strangler:local"}
    # one partition count for row and event topics, the native stack's (cli/stack/settings.py)
    assert _endpoints(overlay)["TOPIC_PARTITIONS"] == str(TOPIC_PARTITIONS)
    for name in ("cdc", *CAPABILITIES, "content-projector"):
        assert flags(containers(deployments[name])[0])["topic-partitions"] == "$TOPIC_PARTITIONS", name


@pytest.mark.parametrize("overlay", ["dev", "production", "podman"])
def test_content_is_one_projector_and_read_only_replicas_on_one_postgresql_read_model(overlay: str) -> None:
    deployments = named(overlay, "Deployment")
    replica, projector = containers(deployments["content"])[0], containers(deployments["content-projector"])[0]
    assert "--read-only" in command_words(replica) and "--read-only" not in command_words(projector)
    assert flags(replica)["store"] == flags(projector)["store"] == "$CONTENT_STORE_URL"
    assert _endpoints(overlay)["CONTENT_STORE_URL"].startswith("postgresql://")
    assert deployments["content-projector"]["spec"]["replicas"] == 1
    assert deployments["content-projector"]["spec"]["strategy"] == {"type": "Recreate"}  # never two at once
    autoscalers = {
        hpa["spec"]["scaleTargetRef"]["name"]: hpa["spec"] for hpa in objects(overlay, "HorizontalPodAutoscaler")
    }
    assert autoscalers["content"]["maxReplicas"] > 1 and "content-projector" not in autoscalers
    assert {n: a["maxReplicas"] for n, a in autoscalers.items() if n != "content"} == dict.fromkeys(
        ["proxy", "users", "comments", "extensions"], 1
    )  # README.md, "Scaling": why they stay at one
    service = named(overlay, "Service")["content"]
    assert service["spec"]["selector"] == {"app.kubernetes.io/name": "content"}  # the replicas only


def test_every_deployment_has_probes_and_resources() -> None:
    for overlay in overlays():
        for name, deployment in named(overlay, "Deployment").items():
            for container in containers(deployment):
                assert "readinessProbe" in container and "livenessProbe" in container, (overlay, name)
            for container in containers(deployment, init=True):
                resources = container.get("resources", {})
                assert {"cpu", "memory"} <= resources.get("requests", {}).keys(), (overlay, name)
                assert "memory" in resources.get("limits", {}), (overlay, name)


def test_our_components_are_ready_on_their_health_endpoints() -> None:
    health_port = {"proxy": "admin", **{name: "http" for name in OURS - {"proxy"}}}
    for name, deployment in named("dev", "Deployment").items():
        if name not in OURS:
            continue
        container = containers(deployment)[0]
        assert container["readinessProbe"]["httpGet"] == {"path": "/healthz", "port": health_port[name]}, name
        assert container["livenessProbe"]["httpGet"]["port"] == health_port[name], name
        named_ports = {port["name"]: port["containerPort"] for port in container["ports"]}
        expected = FIXED_PORTS["proxy_admin"] if name == "proxy" else next(iter(EXPECTED_PORTS[name]))
        assert named_ports[health_port[name]] == expected, name
        assert deployment["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True, name


def test_the_proxy_and_every_service_have_an_autoscaler_and_a_disruption_budget() -> None:
    for overlay in overlays():
        autoscaled = {hpa["spec"]["scaleTargetRef"]["name"] for hpa in objects(overlay, "HorizontalPodAutoscaler")}
        assert autoscaled == {"proxy", *CAPABILITIES}, overlay
        budgets = {
            pdb["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"]
            for pdb in objects(overlay, "PodDisruptionBudget")
        }
        assert budgets == OURS, overlay


def _opened_to_outside(rule: dict[str, Any]) -> bool:
    """An ingress rule admits pods outside the namespace or addresses outside the cluster."""
    sources = rule.get("from")
    if not sources:
        return True
    return any("ipBlock" in source or "namespaceSelector" in source for source in sources)


def test_only_the_proxys_public_port_is_reachable_from_outside() -> None:
    for overlay in overlays():
        policies = objects(overlay, "NetworkPolicy")
        assert any(p["spec"]["podSelector"] == {} and "ingress" not in p["spec"] for p in policies), overlay
        for policy in policies:
            for rule in policy["spec"].get("ingress", []):
                if _opened_to_outside(rule):
                    assert policy["spec"]["podSelector"] == {"matchLabels": {"app.kubernetes.io/name": "proxy"}}
                    assert [port["port"] for port in rule.get("ports", [])] == [FIXED_PORTS["proxy"]], overlay
        services = named(overlay, "Service")
        for ingress in objects(overlay, "Ingress"):
            for rule in ingress["spec"]["rules"]:
                for path in rule["http"]["paths"]:
                    backend = path["backend"]["service"]
                    assert backend["name"] == "proxy", overlay
                    target = {p["name"]: p["port"] for p in services["proxy"]["spec"]["ports"]}[backend["port"]["name"]]
                    assert target == FIXED_PORTS["proxy"] and target not in ADMIN_PORTS, overlay


def test_the_registry_configmap_is_the_repositorys_file() -> None:
    for overlay in overlays():
        registry = generated(overlay, "strangler-capabilities")
        assert registry["data"]["capabilities.yaml"] == REGISTRY.read_text(), overlay


def _route_services(overlay: str) -> dict[str, str]:
    routes = generated(overlay, "strangler-routes")
    table: dict[str, Any] = yaml.safe_load(routes["data"]["routes.yaml"])
    assert table["routes"] == []  # `strangler extract` adds the registry's routes through the admin API
    services: dict[str, str] = table["services"]
    return services


def _endpoints(overlay: str) -> dict[str, str]:
    data: dict[str, str] = named(overlay, "ConfigMap")["strangler-endpoints"]["data"]
    return data


@pytest.mark.parametrize(("overlay", "host"), [("dev", "{}"), ("production", "{}"), ("podman", "{}-pod-0")])
def test_addresses_name_the_registrys_ports(overlay: str, host: str) -> None:
    served = {name: c for name, c in CAPABILITIES.items() if c.routes}
    assert _route_services(overlay) == {n: f"http://{host.format(n)}:{c.port}" for n, c in served.items()}
    endpoints = _endpoints(overlay)
    for name, capability in CAPABILITIES.items():
        assert endpoints[f"{name.upper()}_URL"] == f"http://{host.format(name)}:{capability.port}"
    assert endpoints["CDC_URL"] == f"http://{host.format('cdc')}:{FIXED_PORTS['cdc']}"
    assert endpoints["STRANGLER_CAPABILITIES"] == "/etc/strangler/registry/capabilities.yaml"
    if overlay != "production":
        assert endpoints["WORDPRESS_URL"] == f"http://{host.format('wordpress')}:{FIXED_PORTS['wordpress']}"
        assert endpoints["MARIADB_HOST"] == host.format("mariadb")
        assert endpoints["MARIADB_PORT"] == str(FIXED_PORTS["mariadb"])
        assert endpoints["KAFKA_BOOTSTRAP"] == f"{host.format('kafka')}:{FIXED_PORTS['kafka']}"


def _native_mariadb_settings() -> dict[str, str]:
    settings = {}
    for line in (REPOSITORY / "wordpress" / "config" / "my.cnf.tmpl").read_text().splitlines():
        match = re.match(r"^([a-z_-]+)\s*(?:=\s*(\S+))?$", line)
        if match:
            settings[match.group(1).replace("-", "_")] = match.group(2) or ""
    return settings


def test_mariadb_runs_with_the_native_binlog_flags() -> None:
    native = _native_mariadb_settings()
    container = containers(named("dev", "Deployment")["mariadb"])[0]
    given = {}
    for flag in container["args"]:
        name, _, value = flag.removeprefix("--").partition("=")
        given[name.replace("-", "_")] = value
    for setting in ("server_id", "binlog_format", "binlog_row_image", "binlog_row_metadata", "gtid_domain_id",
                    "gtid_strict_mode", "log_slave_updates", "binlog_expire_logs_seconds", "character_set_server",
                    "collation_server", "skip_name_resolve"):  # fmt: skip
        assert given[setting] == native[setting], setting
    assert "log_bin" in given and "log_bin" in native
    assert given["port"] == str(FIXED_PORTS["mariadb"])


def _properties(text: str) -> dict[str, str]:
    pairs = (line.partition("=") for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return {key.strip(): value.strip() for key, _, value in pairs}


@pytest.mark.parametrize(("overlay", "advertised"), [("dev", "kafka"), ("podman", "kafka-pod-0")])
def test_kafka_runs_in_kraft_mode_with_the_native_settings(overlay: str, advertised: str) -> None:
    native = _properties((REPOSITORY / "cli" / "stack" / "kafka" / "server.properties.tmpl").read_text())
    rendered = _properties(named(overlay, "ConfigMap")["kafka-config"]["data"]["server.properties"])
    addresses = {"controller.quorum.voters", "listeners", "advertised.listeners", "log.dirs"}
    assert rendered.keys() == native.keys()
    for key in native.keys() - addresses:
        assert rendered[key] == native[key], key
    kafka, controller = FIXED_PORTS["kafka"], FIXED_PORTS["kafka_controller"]
    assert rendered["process.roles"] == "broker,controller"
    assert rendered["listeners"] == f"PLAINTEXT://0.0.0.0:{kafka},CONTROLLER://localhost:{controller}"
    assert rendered["advertised.listeners"] == f"PLAINTEXT://{advertised}:{kafka}"
    assert rendered["controller.quorum.voters"] == f"1@localhost:{controller}"


def _secret_data(overlay: str, name: str) -> dict[str, str]:
    """A Secret's decoded data, or the ConfigMap standing in for it (podman)."""
    for document in objects(overlay):
        if document["kind"] in ("Secret", "ConfigMap") and document["metadata"]["name"] == name:
            data: dict[str, str] = document["data"]
            if document["kind"] == "Secret":
                return {key: base64.b64decode(value).decode() for key, value in data.items()}
            return data
    raise AssertionError(f"{overlay}: no {name}")


@pytest.mark.parametrize(("overlay", "host"), [("dev", "{}"), ("podman", "{}-pod-0")])
def test_the_dev_credentials_agree_with_each_other(overlay: str, host: str) -> None:
    settings = json.loads(_secret_data(overlay, "service-settings")["settings.json"])
    mariadb, wordpress = _secret_data(overlay, "mariadb-secrets"), _secret_data(overlay, "wordpress-secrets")
    database = settings["wordpress_database"]
    assert database["host"] == host.format("mariadb") and database["port"] == FIXED_PORTS["mariadb"]
    assert database["password"] == mariadb["wordpress-password"] == wordpress["db-password"]
    assert settings["smtp"] == {"host": host.format("mail-sink"), "port": FIXED_PORTS["smtp"]}
    salt = wordpress["salt"]
    assert settings["wordpress_salts"] == {"auth": f"{salt}-auth-key{salt}-auth-salt"}
    assert settings["api_token"] == _secret_data(overlay, "proxy-secrets")["admin-token"]
    # site-emails asks the users service for set-password keys with the token the service checks
    site_emails = settings["extensions"]["site-emails"]
    assert site_emails["users_url"] == f"http://{host.format('users')}:{CAPABILITIES['users'].port}"
    assert site_emails["users_token"] == settings["internal_token"]
    init = (REPOSITORY / "wordpress" / "config" / "mariadb-init.sql").read_text()
    assert f"IDENTIFIED BY '{_secret_data(overlay, 'cdc-secrets')['password']}'" in init
    read_model = _secret_data(overlay, "service-settings")["read-model-password"]
    assert read_model == _secret_data(overlay, "postgres-secrets")["password"]
    assert _endpoints(overlay)["CONTENT_STORE_URL"] == f"postgresql://strangler@{host.format('postgres')}:5432/content"


def test_podman_gets_configmaps_instead_of_secrets_and_no_namespace() -> None:
    assert objects("podman", "Secret") == [] and objects("podman", "Namespace") == []
    for name, deployment in named("podman", "Deployment").items():
        volumes = deployment["spec"]["template"]["spec"]["volumes"]
        assert all("secret" not in volume for volume in volumes), name
        text = json.dumps(deployment)
        assert "secretKeyRef" not in text and "secretRef" not in text, name
    wordpress = containers(named("podman", "Deployment")["wordpress"])[0]
    assert {"name": "WORDPRESS_DB_HOST", "value": f"mariadb-pod-0:{FIXED_PORTS['mariadb']}"} in wordpress["env"]


def test_secrets_are_mounted_as_the_first_volume_where_the_podman_overlay_expects_them() -> None:
    for overlay in ("dev", "production"):
        for name, deployment in named(overlay, "Deployment").items():
            volumes = deployment["spec"]["template"]["spec"]["volumes"]
            uses_secret = any("secret" in volume for volume in volumes)
            labelled = deployment["metadata"]["labels"].get("strangler.io/secrets-volume") == "first"
            assert uses_secret == labelled, (overlay, name)
            assert all("secret" not in volume for volume in volumes[1:]), (overlay, name)
            if uses_secret:
                assert volumes[0]["name"] == "secrets", (overlay, name)


def test_production_secrets_are_documented() -> None:
    readme = (KUSTOMIZE_ROOT / "README.md").read_text()
    for deployment in named("production", "Deployment").values():
        volume = deployment["spec"]["template"]["spec"]["volumes"][0]
        if "secret" in volume:
            assert f"secret generic {volume['secret']['secretName']}" in readme
    for key in ("admin-token", "password", "settings.json"):
        assert key in readme
