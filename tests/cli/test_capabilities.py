from __future__ import annotations

from pathlib import Path

import pytest

from cli.capabilities import REGISTRY, RegistryError, load_registry

VALID = """\
version: 1
capabilities:
  content:
    description: posts
    tables: [wp_posts]
    service: {module: extracted.content, port: 18090}
    routes:
      - name: content-posts
        paths: [/wp-json/wp/v2/posts]
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "capabilities.yaml"
    path.write_text(text)
    return path


def test_the_shipped_registry_declares_content() -> None:
    content = load_registry(REGISTRY)["content"]
    assert content.module == "extracted.content"
    assert "wp_posts" in content.tables
    assert content.topics("wordpress", "wordpress")[0] == "wordpress.wordpress.wp_posts"
    assert {route.name for route in content.routes} >= {"content-posts", "content-pages"}
    assert content.parity_threshold == 99.9
    assert (content.port, content.port_name) == (18010, "content")


def test_the_shipped_registry_declares_users_with_the_users_routes() -> None:
    registry = load_registry(REGISTRY)
    users = registry["users"]
    assert (users.module, users.port, users.port_name) == ("extracted.users", 18020, "users")
    assert set(users.tables) == {"wp_users", "wp_usermeta", "wp_options", "wp_posts"}
    assert [(route.name, route.paths) for route in users.routes] == [
        ("users", ("/wp-json/wp/v2/users", "/wp-json/wp/v2/users/{id:int}")),
        ("users-register", ("/wp-login.php",)),
    ]
    register = users.routes[1]
    assert dict(register.query)["action"] == "register" and register.dry_run and "POST" in register.methods
    assert not any("/users" in path for route in registry["content"].routes for path in route.paths)


def test_a_valid_minimal_entry_gets_defaults(tmp_path: Path) -> None:
    capability = load_registry(_write(tmp_path, VALID))["content"]
    assert capability.routes[0].methods == ("GET", "HEAD")
    assert capability.max_lag_events == 0


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        (VALID.replace("tables: [wp_posts]", "tables: [wp posts]"), r":5: capabilities\.content\.tables\[0\]"),
        (VALID.replace("    service: {module: extracted.content, port: 18090}\n", ""), r"missing field 'service'"),
        (VALID.replace("description: posts", "colour: blue"), r":4: capabilities\.content\.colour: unknown field"),
        (VALID.replace("paths: [/wp-json/wp/v2/posts]", "paths: [wp-json]"), r":9: .*routes\[0\]\.paths"),
        (VALID.replace("version: 1", "version: 7"), r":1: version: unsupported version 7"),
        (VALID + "    parity_threshold: 140\n", r"parity_threshold: must be a percentage"),
        (VALID.replace("port: 18090", "port: content"), r":6: capabilities\.content\.service\.port: must be an int"),
        (VALID.replace("port: 18090", "port: 80"), r":6: capabilities\.content\.service\.port: 80 is not a port"),
        (VALID.replace("port: 18090", "port: 65536"), r"service\.port: 65536 is not a port from 1024 to 65535"),
        (VALID.replace("port: 18090", "port: 18001"), r":6: .*service\.port: 18001 is the stack's proxy_admin port"),
        (VALID.replace("  content:", "  kafka:"), r":4: capabilities\.kafka: the name is taken by the stack's kafka"),
        (
            VALID.replace("service: {module: extracted.content, port: 18090}", "service: {module: extracted.content}"),
            r"capabilities\.content\.service: missing field 'port'",
        ),
    ],
)
def test_errors_name_file_line_and_field(tmp_path: Path, broken: str, expected: str) -> None:
    path = _write(tmp_path, broken)
    with pytest.raises(RegistryError, match=expected) as raised:
        load_registry(path)
    assert str(raised.value).startswith(str(path))


def test_a_route_in_two_capabilities_is_refused(tmp_path: Path) -> None:
    twice = VALID + VALID.split("capabilities:\n", 1)[1].replace("  content:", "  other:").replace("18090", "18091")
    with pytest.raises(RegistryError, match="also in content"):
        load_registry(_write(tmp_path, twice))


def other(name: str, port: int) -> str:
    """A second capability for VALID."""
    module = f"extracted.{name.replace('-', '_')}"
    return (
        f"  {name}:\n    tables: [wp_users]\n    service: {{module: {module}, port: {port}}}\n"
        f"    routes:\n      - name: {name}-users\n        paths: [/wp-json/wp/v2/users]\n"
    )


def test_two_capabilities_cannot_share_a_port(tmp_path: Path) -> None:
    path = _write(tmp_path, VALID + other("users", 18090))
    with pytest.raises(
        RegistryError, match=r":12: capabilities\.users\.service\.port: 18090 is also the port of content"
    ):
        load_registry(path)
    assert load_registry(_write(tmp_path, VALID + other("users", 18091)))["users"].port == 18091


def test_two_capabilities_cannot_share_a_port_setting(tmp_path: Path) -> None:
    text = VALID + other("user-list", 18091) + other("user_list", 18092)
    with pytest.raises(RegistryError, match=r"capabilities\.user_list: its port setting is also user-list's"):
        load_registry(_write(tmp_path, text))


def test_a_registry_error_is_a_stack_error_every_command_reports() -> None:
    from cli.stack import StackError

    assert issubclass(RegistryError, StackError)


def test_unreadable_yaml_is_named(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="cannot read"):
        load_registry(_write(tmp_path, "capabilities: [unclosed"))


def test_route_compare_rules_reach_the_proxy(tmp_path: Path) -> None:
    text = VALID + '        compare: {headers: [location], masks: {location: ["(?<=#comment-)\\\\d+"]}}\n'
    (route,) = load_registry(_write(tmp_path, text))["content"].routes
    assert route.proxy_options() == {
        "compare": {"headers": ["location"], "masks": {"location": ["(?<=#comment-)\\d+"]}}
    }


@pytest.mark.parametrize(
    ("compare", "field"),
    [
        ('{masks: {location: ["(bad"]}}', "compare.masks.location[0]: not a regular expression"),
        ("{headers: location}", "compare.headers: must be a list of strings"),
        ("{mask: {}}", "compare.mask: unknown field"),
    ],
)
def test_bad_compare_rules_name_the_field(tmp_path: Path, compare: str, field: str) -> None:
    with pytest.raises(RegistryError, match=f"capabilities.content.routes\\[0\\].{field}".replace("[0]:", "\\[0\\]:")):
        load_registry(_write(tmp_path, VALID + f"        compare: {compare}\n"))


def test_a_route_priority_reaches_the_proxy_and_ranks_catch_alls_last(tmp_path: Path) -> None:
    (route,) = load_registry(_write(tmp_path, VALID + "        priority: -10\n"))["content"].routes
    assert route.priority == -10 and route.proxy_options() == {"priority": -10}
    html = {r.name: r for r in load_registry(REGISTRY)["content"].routes}["content-html-404"]
    assert html.priority < 0 and html.paths == ("/{slug:slug}",)
    with pytest.raises(RegistryError, match="priority: must be an integer"):
        load_registry(_write(tmp_path, VALID + "        priority: high\n"))
