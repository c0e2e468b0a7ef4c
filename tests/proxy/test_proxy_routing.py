"""Pure routing decisions: normalisation, rest_route, methods, priority, modes, canary, shadow safety."""

from __future__ import annotations

import pytest

from proxy.config import parse_table
from proxy.routing import canary_bucket, decide, effective_methods, normalize_path, route_path
from proxy.types import Decision, KeptReason, RawHeaders, RequestClass, RouteTable, Target

TABLE = """\
services: {content: "http://127.0.0.1:9001"}
routes:
  - {name: posts, paths: ["/wp-json/wp/v2/posts", "/wp-json/wp/v2/posts/{id:int}"], service: content,
     mode: cutover}
  - {name: shadowed, paths: ["/wp-json/wp/v2/tags/**"], service: content, mode: shadow}
  - {name: canary, paths: ["/wp-json/wp/v2/users/*"], service: content, mode: canary, canary_percent: 10}
  - {name: catchall, paths: ["/wp-json/**"], service: content, mode: shadow, priority: -1,
     methods: [GET, HEAD, POST]}
  - {name: special, paths: ["/wp-json/wp/v2/posts/7"], service: content, mode: legacy, priority: 5}
"""


@pytest.fixture(scope="module")
def table() -> RouteTable:
    return parse_table(TABLE, "t.yaml")


def run(table: RouteTable, method: str, target: str, headers: RawHeaders | None = None, roll: float = 0) -> Decision:
    path, _, query = target.partition("?")
    return decide(table, method, path, query, headers or [], new_visitor_id="fresh", sample_roll=roll)


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("/a//b/", "/a/b"),
        ("/%7Euser/", "/~user"),
        ("", "/"),
        ("/", "/"),
        ("/wp-json/wp/v2/posts%2F", "/wp-json/wp/v2/posts"),
    ],
)
def test_normalize_path(raw: str, normal: str) -> None:
    assert normalize_path(raw) == normal


def test_rest_route_is_the_same_route() -> None:
    assert route_path("/", "rest_route=/wp/v2/posts/12&_embed") == "/wp-json/wp/v2/posts/12"
    assert route_path("/index.php", "rest_route=%2Fwp%2Fv2%2Fposts%2F") == "/wp-json/wp/v2/posts"
    assert route_path("/blog/", "rest_route=/wp/v2/posts") == "/blog"


@pytest.mark.parametrize(
    ("method", "target", "route", "served"),
    [
        ("GET", "/wp-json/wp/v2/posts", "posts", Target.SERVICE),
        ("GET", "/wp-json/wp/v2/posts/", "posts", Target.SERVICE),
        ("HEAD", "/wp-json/wp/v2/posts/12?context=view", "posts", Target.SERVICE),
        ("GET", "/?rest_route=/wp/v2/posts/12", "posts", Target.SERVICE),
        ("GET", "/wp-json/wp/v2/posts/abc", "catchall", Target.LEGACY),
        ("GET", "/wp-json/wp/v2/posts/7", "special", Target.LEGACY),  # higher priority wins
        ("POST", "/wp-json/wp/v2/posts", "catchall", Target.LEGACY),  # posts route is GET/HEAD only
        ("GET", "/wp-json/wp/v2/posts?_method=DELETE", "-", Target.LEGACY),  # effective DELETE: no route
        ("GET", "/2024/01/hello-world/", "-", Target.LEGACY),
    ],
)
def test_route_choice(table: RouteTable, method: str, target: str, route: str, served: Target) -> None:
    decision = run(table, method, target)
    assert (decision.route_name, decision.target) == (route, served)


def test_effective_method_follows_wordpress() -> None:
    assert effective_methods("GET", "_method=post", []) == ("POST", "GET")
    assert effective_methods("POST", "", [(b"X-HTTP-Method-Override", b"delete")]) == ("DELETE", "POST")
    assert effective_methods("get", "a=1", []) == ("GET",)


@pytest.mark.parametrize(
    ("method", "target", "headers", "shadowed"),
    [
        ("GET", "/wp-json/wp/v2/tags/3", [], True),
        ("HEAD", "/wp-json/wp/v2/tags", [], True),
        ("POST", "/wp-json/anything", [], False),  # routed (catchall allows POST) but unsafe
        ("GET", "/wp-json/wp/v2/tags/3?_method=POST", [], False),
        ("GET", "/wp-json/anything", [(b"x-http-method-override", b"PUT")], False),
    ],
)
def test_only_effectively_safe_methods_are_shadowed(
    table: RouteTable, method: str, target: str, headers: RawHeaders, shadowed: bool
) -> None:
    decision = run(table, method, target, headers)
    assert decision.target is Target.LEGACY and decision.shadow is shadowed


def test_shadow_sampling(table: RouteTable) -> None:
    partial = parse_table(TABLE.replace("mode: shadow}", "mode: shadow, shadow: {sample_percent: 25}}"), "t")
    assert run(partial, "GET", "/wp-json/wp/v2/tags", roll=24.9).shadow
    assert not run(partial, "GET", "/wp-json/wp/v2/tags", roll=25.0).shadow


def test_canary_is_sticky_and_near_its_percentage(table: RouteTable) -> None:
    served = 0
    visitors = 4000
    for index in range(visitors):
        cookie = [(b"cookie", f"a=b; strangler_visitor=v{index}".encode())]
        first = run(table, "GET", "/wp-json/wp/v2/users/1", cookie)
        again = run(table, "GET", "/wp-json/wp/v2/users/2", cookie)
        assert first.target == again.target and first.set_visitor_cookie is None
        served += first.target is Target.SERVICE
    assert 0.08 < served / visitors < 0.12


def test_new_visitor_gets_a_cookie_and_growth_keeps_visitors_in(table: RouteTable) -> None:
    decision = run(table, "GET", "/wp-json/wp/v2/users/1")
    assert decision.set_visitor_cookie == "fresh"
    assert decision.target is (Target.SERVICE if canary_bucket("fresh") < 10 else Target.LEGACY)
    inside = [f"v{i}" for i in range(500) if canary_bucket(f"v{i}") < 10]
    assert all(canary_bucket(v) < 30 for v in inside)


def test_empty_table_sends_everything_to_wordpress() -> None:
    assert run(RouteTable(), "DELETE", "/anything") == Decision(None, Target.LEGACY, method="DELETE")


LOGGED_IN: RawHeaders = [(b"cookie", b"wordpress_logged_in_abc=admin%7C1")]


@pytest.mark.parametrize(
    "target", ["/wp-json/wp/v2/posts/1", "/wp-json/wp/v2/tags/3", "/wp-json/wp/v2/users/1", "/?rest_route=/wp/v2/posts"]
)
def test_personal_requests_stay_with_wordpress_in_every_mode(table: RouteTable, target: str) -> None:
    for headers in (LOGGED_IN, [(b"authorization", b"Basic eA==")], [(b"x-wp-nonce", b"n")]):
        decision = run(table, "GET", target, headers)
        assert decision.target is Target.LEGACY and not decision.shadow
        assert decision.kept is KeptReason.PERSONAL and decision.personal
    assert run(table, "GET", target + ("&" if "?" in target else "?") + "preview=true").kept is KeptReason.PERSONAL


def test_personal_is_counted_on_legacy_routes_too(table: RouteTable) -> None:
    decision = run(table, "GET", "/wp-json/wp/v2/posts/7", LOGGED_IN)
    assert (decision.route_name, decision.kept, decision.personal) == ("special", None, {RequestClass.LOGGED_IN})


def test_a_route_may_take_the_personal_classes_it_declares() -> None:
    declared = parse_table(TABLE.replace("mode: cutover}", "mode: cutover, personal: [post_password]}"), "t")
    postpass: RawHeaders = [(b"cookie", b"wp-postpass_abc=%24P%24B")]
    taken = run(declared, "GET", "/wp-json/wp/v2/posts/1", postpass)
    assert taken.target is Target.SERVICE and taken.personal == {RequestClass.POST_PASSWORD} and taken.kept is None
    both = run(declared, "GET", "/wp-json/wp/v2/posts/1", [*postpass, *LOGGED_IN])
    assert both.target is Target.LEGACY and both.kept is KeptReason.PERSONAL  # only what it declares


@pytest.mark.parametrize(
    ("method", "target", "headers"),
    [
        ("GET", "/wp-json/wp/v2/posts%2F1", []),
        ("GET", "/wp-json//wp/v2/posts/1", []),
        ("GET", "/wp-json/wp/v2/tags/%33", []),
        ("GET", "/wp-json/wp/v2/../v2/tags/3", []),
        ("GET", "/wp-json/wp/v2/./tags/3", []),
        ("GET", "/?rest_route=/wp/v2/posts&rest_route=/wp/v2/users", []),
        ("POST", "/wp-json/anything?_method=GET", []),
        ("POST", "/wp-json/anything", [(b"x-http-method-override", b"GET")]),
    ],
)
def test_unusual_url_forms_stay_with_wordpress(
    table: RouteTable, method: str, target: str, headers: RawHeaders
) -> None:
    decision = run(table, method, target, headers)
    assert decision.target is Target.LEGACY and not decision.shadow and decision.kept is KeptReason.URL_FORM


def test_decision_carries_the_effective_method(table: RouteTable) -> None:
    assert run(table, "POST", "/wp-json/anything?_method=get").method == "GET"
    assert run(table, "GET", "/wp-json/wp/v2/posts").method == "GET"
