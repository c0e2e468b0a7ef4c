"""The registry's ``events`` and ``publishes`` fields: the domain events a capability consumes and
publishes, checked against the event catalog and each other, and content's entry consistent with its
projection."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.capabilities import REGISTRY, RegistryError, load_registry, publisher_of
from extracted.content import ContentProjection

ENTRY = """\
version: 1
capabilities:
  content:
    tables: [wp_posts]
    events: [users]
    service: {module: extracted.content, port: 18090}
    routes:
      - name: content-posts
        paths: [/wp-json/wp/v2/posts]
  users:
    tables: [wp_users]
    publishes: [users]
    service: {module: extracted.users, port: 18091}
    routes: []
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "capabilities.yaml"
    path.write_text(text)
    return path


def test_the_shipped_content_entry_consumes_user_and_comment_events_and_not_their_tables() -> None:
    content = load_registry(REGISTRY)["content"]
    projection = ContentProjection()
    assert content.events == ("users", "comments") == tuple(projection.source_events())
    assert content.event_topics("wordpress") == ["wordpress.events.users", "wordpress.events.comments"]
    assert not {"wp_users", "wp_usermeta", "wp_comments"} & set(content.tables)
    assert set(projection.source_tables()) <= set(content.tables)


def test_events_default_to_none(tmp_path: Path) -> None:
    capability = load_registry(_write(tmp_path, ENTRY.replace("    events: [users]\n", "")))["content"]
    assert capability.events == () and capability.event_topics("wordpress") == []


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        ("events: [people]", r":5: capabilities\.content\.events\[0\]: 'people' is not an aggregate .*posts, users"),
        ("events: [users, users]", r":5: capabilities\.content\.events\[1\]: 'users' is listed twice"),
        ("events: users", r":5: capabilities\.content\.events: must be a"),
        ("events: [{users: 1}]", r":5: capabilities\.content\.events\[0\]: .* is not an aggregate"),
    ],
)
def test_bad_events_name_file_line_and_field(tmp_path: Path, events: str, expected: str) -> None:
    path = _write(tmp_path, ENTRY.replace("events: [users]", events))
    with pytest.raises(RegistryError, match=expected) as raised:
        load_registry(path)
    assert str(raised.value).startswith(str(path))


def test_the_users_capability_publishes_what_content_consumes() -> None:
    registry = load_registry(REGISTRY)
    publisher = publisher_of(registry, "users")
    assert publisher is not None and publisher.name == "users"
    comments = publisher_of(registry, "comments")
    assert comments is not None and comments.name == "comments" and comments.events == ("users",)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("    publishes: [users]\n", ""), r":5: capabilities\.content\.events\[0\]: no capability publishes 'users'"),
        (
            ("    publishes: [users]\n", "    publishes: [people]\n"),
            r"users\.publishes\[0\]: 'people' is not an aggregate",
        ),
        (("    events: [users]\n", "    events: [users]\n    publishes: [users]\n"), r"'users' is also published by"),
    ],
)
def test_publishers_are_checked(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    path = _write(tmp_path, ENTRY.replace(*change))
    with pytest.raises(RegistryError, match=expected):
        load_registry(path)


def test_a_route_may_need_query_arguments_and_a_dry_run(tmp_path: Path) -> None:
    route = """      - name: users-register
        paths: [/wp-login.php]
        methods: [GET, HEAD, POST]
        query: {action: register, key: null}
        dry_run: true
"""
    path = _write(tmp_path, ENTRY.replace("    routes: []\n", "    routes:\n" + route))
    (register,) = load_registry(path)["users"].routes
    assert register.proxy_options() == {
        "query": {"action": "register", "key": None},
        "shadow": {"dry_run": True, "methods": ["GET", "HEAD", "POST"]},
    }
    assert load_registry(path)["content"].routes[0].proxy_options() == {}
    for bad, expected in (("dry_run: maybe", "dry_run: must be a"), ("query: {action: [1]}", "query.action: must map")):
        broken = _write(
            tmp_path, ENTRY.replace("    routes: []\n", "    routes:\n" + route.replace("dry_run: true", bad))
        )
        with pytest.raises(RegistryError, match=expected):
            load_registry(broken)
    typo = _write(
        tmp_path,
        ENTRY.replace(
            "        paths: [/wp-json/wp/v2/posts]\n", "        paths: [/wp-json/wp/v2/posts]\n        dryrun: true\n"
        ),
    )
    with pytest.raises(RegistryError, match=r"routes\[0\]\.dryrun: unknown field"):
        load_registry(typo)
