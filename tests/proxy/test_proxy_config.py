"""Route table file: schema, validation errors naming file/line/field, round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from proxy.config import load_table, parse_table, table_from_data, table_to_data, write_table
from proxy.errors import RouteConfigError
from proxy.types import Mode, RequestClass

GOOD = """\
version: 1
services:
  content: http://127.0.0.1:9001/
routes:
  - name: posts
    paths: ["/wp-json/wp/v2/posts", "/wp-json/wp/v2/posts/{id:int}"]
    service: content
    mode: canary
    canary_percent: 12.5
    priority: 10
    timeout: 2
    shadow:
      forward_credentials: true
    compare:
      headers: [Content-Type, X-WP-Total]
      ignore: ["$[*].guid"]
  - name: users
    paths: ["/wp-json/wp/v2/users/**"]
    methods: [get]
    service: content
"""


def test_good_table_is_parsed_with_defaults() -> None:
    table = parse_table(GOOD, "routes.yaml")
    posts, users = table.routes
    assert posts.mode is Mode.CANARY and posts.canary_percent == 12.5 and posts.priority == 10
    assert posts.service_url == "http://127.0.0.1:9001"
    assert posts.shadow.forward_credentials and posts.compare.headers == ("content-type", "x-wp-total")
    assert posts.line == 5
    assert users.methods == frozenset({"GET"}) and users.mode is Mode.LEGACY
    assert users.shadow.methods == frozenset({"GET", "HEAD", "OPTIONS"}) and users.fallback


@pytest.mark.parametrize(
    ("replace", "by", "line", "field"),
    [
        ("mode: canary", "mode: sideways", 8, "routes[0].mode"),
        ("canary_percent: 12.5", "canary_percent: 120", 9, "routes[0].canary_percent"),
        ("    methods: [get]", "    methods: [FETCH]", 19, "routes[1].methods[0]"),
        ("priority: 10", "priorty: 10", 10, "routes[0].priorty"),
        ("service: content\n    mode", "service: cms\n    mode", 7, "routes[0].service"),
        ("/wp-json/wp/v2/users/**", "wp-json/{bad", 18, "routes[1].paths[0]"),
        ("timeout: 2", "timeout: soon", 11, "routes[0].timeout"),
        ("- name: users", "- name: posts", 17, "routes[1].name"),
        ("http://127.0.0.1:9001/", "ftp://x", 3, "services.content"),
        ("forward_credentials: true", "forward_credentials: 1", 13, "routes[0].shadow.forward_credentials"),
        ("      forward_credentials: true", "      methods: [GET, POST]", 13, "routes[0].shadow.methods"),
        ("    methods: [get]", "    personal: [logged_in, cookies]", 19, "routes[1].personal[1]"),
        ('ignore: ["$[*].guid"]', 'ignore: ["$[*].guid", "$[*.link"]', 16, "routes[0].compare.ignore[1]"),
        ('ignore: ["$[*].guid"]', 'ignore: ["guid"]', 16, "routes[0].compare.ignore[0]"),
        ('ignore: ["$[*].guid"]', 'masks: {location: ["(unclosed"]}', 16, "routes[0].compare.masks.location[0]"),
        ('ignore: ["$[*].guid"]', "masks: [location]", 16, "routes[0].compare.masks"),
    ],
)
def test_errors_name_line_and_field(replace: str, by: str, line: int, field: str) -> None:
    assert replace in GOOD
    with pytest.raises(RouteConfigError) as info:
        parse_table(GOOD.replace(replace, by, 1), "routes.yaml")
    assert (info.value.file, info.value.line, info.value.field) == ("routes.yaml", line, field)
    assert str(info.value).startswith(f"routes.yaml:{line}: {field}: ")


def test_compare_masks_are_kept_by_lower_case_header_name() -> None:
    table = parse_table(GOOD.replace('ignore: ["$[*].guid"]', 'masks: {Location: ["#comment-\\\\d+"]}'), "r.yaml")
    assert table.routes[0].compare.masks == (("location", ("#comment-\\d+",)),)


def test_shadowing_writes_needs_a_dry_run_contract() -> None:
    with pytest.raises(RouteConfigError, match=r"unsafe method\(s\) DELETE, POST: .*dry_run: true"):
        parse_table(GOOD.replace("forward_credentials: true", "methods: [GET, POST, DELETE]"), "r.yaml")
    declared = parse_table(GOOD.replace("forward_credentials: true", "{methods: [GET, POST], dry_run: true}"), "r")
    assert declared.routes[0].shadow.methods == {"GET", "POST"} and declared.routes[0].shadow.dry_run


def test_missing_required_field_points_at_the_route() -> None:
    text = "services: {s: 'http://x:1'}\nroutes:\n  - name: a\n    service: s\n"
    with pytest.raises(RouteConfigError) as info:
        parse_table(text, "r.yaml")
    assert info.value.line == 3 and "paths" in info.value.message


def test_yaml_syntax_error_has_a_line() -> None:
    with pytest.raises(RouteConfigError) as info:
        parse_table("routes:\n  - name: [unclosed\n", "r.yaml")
    assert info.value.line is not None and info.value.field == "(syntax)"


def test_missing_or_empty_file_is_an_empty_table(tmp_path: Path) -> None:
    assert load_table(tmp_path / "absent.yaml").routes == ()
    (tmp_path / "empty.yaml").write_text("")
    assert load_table(tmp_path / "empty.yaml").routes == ()
    assert not (tmp_path / "absent.yaml").exists()


def test_round_trip_through_plain_data() -> None:
    text = GOOD.replace("forward_credentials: true", "{methods: [GET, POST], dry_run: true}")
    table = parse_table(text.replace("    methods: [get]", "    personal: [post_password]"), "routes.yaml")
    again = table_from_data(table_to_data(table), "api")
    assert again.routes[1].personal == {RequestClass.POST_PASSWORD} and again.routes[0].shadow.dry_run
    assert [(r.name, r.mode, r.canary_percent, r.paths, r.methods, r.shadow, r.personal) for r in again.routes] == [
        (r.name, r.mode, r.canary_percent, r.paths, r.methods, r.shadow, r.personal) for r in table.routes
    ]


QUERY = """\
services: {users: "http://127.0.0.1:9002"}
routes:
  - name: register
    paths: ["/wp-login.php"]
    methods: [GET, HEAD, POST]
    query: {action: register, key: null, checkemail: ~, empty: ''}
    service: users
"""


def test_query_is_parsed_sorted_with_absent_and_empty_values() -> None:
    (route,) = parse_table(QUERY, "routes.yaml").routes
    assert route.query == (("action", "register"), ("checkemail", None), ("empty", ""), ("key", None))
    assert parse_table(QUERY.replace("    query: {action: register, key: null, checkemail: ~, empty: ''}\n", ""), "r")


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("query: [action, register]", "routes[0].query", "must map argument names"),
        ("query: {}", "routes[0].query", "at least one argument"),
        ("query:", "routes[0].query", "must map argument names"),
        ("query: {action: 2}", "routes[0].query.action", "must be a string"),
        ("query: {action: true}", "routes[0].query.action", "must be a string"),
        ("query: {action: [register]}", "routes[0].query.action", "must be a string"),
        ("query: {action: {a: b}}", "routes[0].query.action", "must be a string"),
        ("query: {act.ion: register}", "routes[0].query.act.ion", "argument names are"),
        ("query: {'action[]': register}", "routes[0].query.action[]", "argument names are"),
        ("query: {'': register}", "routes[0].query.", "argument names are"),
        ("query: {1: register}", "routes[0].query.1", "argument names are"),
        ("querry: {action: register}", "routes[0].querry", "unknown field"),
    ],
)
def test_query_errors_name_line_and_field(query: str, field: str, message: str) -> None:
    text = QUERY.replace("query: {action: register, key: null, checkemail: ~, empty: ''}", query)
    with pytest.raises(RouteConfigError) as info:
        parse_table(text, "routes.yaml")
    assert (info.value.file, info.value.line, info.value.field) == ("routes.yaml", 6, field)
    assert message in info.value.message


def test_query_round_trips_through_data_and_the_file(tmp_path: Path) -> None:
    table = parse_table(QUERY, "routes.yaml")
    data = table_to_data(table)
    assert data["routes"][0]["query"] == {"action": "register", "checkemail": None, "empty": "", "key": None}
    assert table_from_data(data, "api").routes[0].query == table.routes[0].query
    write_table(tmp_path / "routes.yaml", table)
    assert load_table(tmp_path / "routes.yaml").routes[0].query == table.routes[0].query
    assert "query" not in table_to_data(parse_table(GOOD, "r"))["routes"][0]
