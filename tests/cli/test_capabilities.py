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
    service: {module: extracted.content, port: content}
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
    assert {route.name for route in content.routes} >= {"content-posts", "content-pages", "content-users"}
    assert content.parity_threshold == 99.9


def test_a_valid_minimal_entry_gets_defaults(tmp_path: Path) -> None:
    capability = load_registry(_write(tmp_path, VALID))["content"]
    assert capability.routes[0].methods == ("GET", "HEAD")
    assert capability.max_lag_events == 0


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        (VALID.replace("tables: [wp_posts]", "tables: [wp posts]"), r":5: capabilities\.content\.tables\[0\]"),
        (VALID.replace("    service: {module: extracted.content, port: content}\n", ""), r"missing field 'service'"),
        (VALID.replace("description: posts", "colour: blue"), r":4: capabilities\.content\.colour: unknown field"),
        (VALID.replace("paths: [/wp-json/wp/v2/posts]", "paths: [wp-json]"), r":9: .*routes\[0\]\.paths"),
        (VALID.replace("version: 1", "version: 7"), r":1: version: unsupported version 7"),
        (VALID + "    parity_threshold: 140\n", r"parity_threshold: must be a percentage"),
    ],
)
def test_errors_name_file_line_and_field(tmp_path: Path, broken: str, expected: str) -> None:
    path = _write(tmp_path, broken)
    with pytest.raises(RegistryError, match=expected) as raised:
        load_registry(path)
    assert str(raised.value).startswith(str(path))


def test_a_route_in_two_capabilities_is_refused(tmp_path: Path) -> None:
    twice = VALID + VALID.split("capabilities:\n", 1)[1].replace("  content:", "  other:")
    with pytest.raises(RegistryError, match="also in content"):
        load_registry(_write(tmp_path, twice))


def test_unreadable_yaml_is_named(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="cannot read"):
        load_registry(_write(tmp_path, "capabilities: [unclosed"))
