"""Routes that match on query arguments as PHP reads ``$_REQUEST``: only wp-login.php's register action
goes to the users service; every other action (login, lostpassword, rp, logout…) stays with WordPress."""

from __future__ import annotations

import pytest

from proxy.config import parse_table
from proxy.routing import RequestArguments, decide, needs_form_body
from proxy.types import Decision, KeptReason, RawHeaders, RouteTable, Target

TABLE = """\
services: {users: "http://127.0.0.1:9002", content: "http://127.0.0.1:9001"}
routes:
  - name: register
    paths: ["/wp-login.php"]
    query: {action: register, key: null, checkemail: null}
    methods: [GET, HEAD, POST]
    service: users
    mode: cutover
  - {name: login-pages, paths: ["/wp-login.php"], methods: [GET, HEAD, POST], service: users, priority: -1}
  - {name: users-view, paths: ["/wp-json/wp/v2/users"], query: {context: view}, service: content, mode: cutover}
  - {name: empty-flag, paths: ["/flag"], query: {flag: ""}, service: content, mode: cutover}
"""
FORM = b"application/x-www-form-urlencoded"


@pytest.fixture(scope="module")
def table() -> RouteTable:
    return parse_table(TABLE, "t.yaml")


def form_headers(body: bytes, content_type: bytes = FORM) -> RawHeaders:
    return [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]


def run(
    table: RouteTable, method: str, target: str, headers: RawHeaders | None = None, body: bytes | None = None
) -> Decision:
    path, _, query = target.partition("?")
    return decide(table, method, path, query, headers or [], new_visitor_id="v", sample_roll=0, form_body=body)


def post(table: RouteTable, target: str, body: bytes, content_type: bytes = FORM) -> Decision:
    return run(table, "POST", target, form_headers(body, content_type), body)


@pytest.mark.parametrize(
    ("method", "target", "route", "served"),
    [
        ("GET", "/wp-login.php?action=register", "register", Target.SERVICE),
        ("HEAD", "/wp-login.php?action=register&redirect_to=%2F", "register", Target.SERVICE),
        ("GET", "/wp-login.php?action=re%67ister", "register", Target.SERVICE),  # values are decoded
        ("GET", "/wp-login.php", "login-pages", Target.LEGACY),  # no action: wp-login.php logs in
        ("GET", "/wp-login.php?action=login", "login-pages", Target.LEGACY),
        ("GET", "/wp-login.php?action=lostpassword", "login-pages", Target.LEGACY),
        ("GET", "/wp-login.php?action=rp&key=k&login=bob", "login-pages", Target.LEGACY),
        ("GET", "/wp-login.php?action=logout&_wpnonce=n", "login-pages", Target.LEGACY),
        ("GET", "/wp-login.php?action=register&key=k", "login-pages", Target.LEGACY),  # $_GET['key']: resetpass
        ("GET", "/wp-login.php?action=register&key=", "login-pages", Target.LEGACY),  # isset() of '' is true
        ("GET", "/wp-login.php?checkemail=registered", "login-pages", Target.LEGACY),
        ("GET", "/wp-login.php?action=register&checkemail=registered", "login-pages", Target.LEGACY),
        ("GET", "/wp-login.php?action=Register", "login-pages", Target.LEGACY),  # exact, as in_array(…, true)
        ("GET", "/wp-login.php?action=register+", "login-pages", Target.LEGACY),
        ("GET", "/wp-login.php?action=register%00", "login-pages", Target.LEGACY),
        ("GET", "/wp-login.php?action=register&action=login", "login-pages", Target.LEGACY),  # PHP keeps the last
        ("GET", "/wp-login.php?action[]=register", "login-pages", Target.LEGACY),  # an array: 'login'
        ("GET", "/wp-login.php?action=register&action[x]=register", "login-pages", Target.LEGACY),
        ("POST", "/wp-login.php?action=register", "register", Target.SERVICE),  # no body at all
        ("GET", "/?rest_route=/wp/v2/users&context=view", "users-view", Target.SERVICE),
        ("GET", "/wp-json/wp/v2/users?context=edit", "-", Target.LEGACY),
        ("GET", "/flag?flag=", "empty-flag", Target.SERVICE),
        ("GET", "/flag?flag", "empty-flag", Target.SERVICE),  # PHP: present, empty
        ("GET", "/flag?flag=x", "-", Target.LEGACY),
        ("GET", "/flag", "-", Target.LEGACY),
    ],
)
def test_query_choice(table: RouteTable, method: str, target: str, route: str, served: Target) -> None:
    decision = run(table, method, target)
    assert (decision.route_name, decision.target, decision.kept) == (route, served, None)


@pytest.mark.parametrize(
    "target",
    [
        "/wp-login.php?action=login&action=register",  # PHP acts on the last, a service may read the first
        "/wp-login.php?%61ction=register",
        "/wp-login.php?+action=register",
        "/wp-login.php?action%00x=register",
        "/wp-login.php?action[]=x&action=register",
    ],
)
def test_matched_arguments_in_unusual_forms_stay_with_wordpress(table: RouteTable, target: str) -> None:
    decision = run(table, "GET", target)
    assert (decision.route_name, decision.target, decision.kept) == ("register", Target.LEGACY, KeptReason.URL_FORM)
    assert not decision.shadow


def test_the_register_form_post_goes_to_the_service(table: RouteTable) -> None:
    body = b"user_login=bob&user_email=bob%40example.test&redirect_to=&wp-submit=Register"
    decision = post(table, "/wp-login.php?action=register", body)
    assert (decision.route_name, decision.target) == ("register", Target.SERVICE)
    charset = post(table, "/wp-login.php?action=register", body, FORM.upper() + b"; charset=UTF-8")
    assert charset.target is Target.SERVICE


@pytest.mark.parametrize(
    "body",
    [
        b"log=admin&pwd=secret&action=login",  # $_REQUEST: the body's action wins over the URL's
        b"log=admin&pwd=secret&action=",
        b"log=admin&pwd=secret&action[]=register",
        b"log=admin&pwd=secret&key=k",  # our absence rule reads $_REQUEST: stricter than $_GET
        b"&".join([b"x=1"] * 1001) + b"&log=admin",  # more than PHP reads: unknown
    ],
)
def test_a_login_post_to_the_register_url_stays_with_wordpress(table: RouteTable, body: bytes) -> None:
    decision = post(table, "/wp-login.php?action=register", body)
    assert (decision.route_name, decision.target, decision.shadow) == ("login-pages", Target.LEGACY, False)


def test_the_body_alone_may_name_the_action(table: RouteTable) -> None:
    assert post(table, "/wp-login.php", b"action=register&user_login=bob").target is Target.SERVICE
    twice = post(table, "/wp-login.php?action=login", b"action=register&user_login=bob")
    assert (twice.route_name, twice.target, twice.kept) == ("register", Target.LEGACY, KeptReason.URL_FORM)


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        (form_headers(b"user_login=bob"), None),  # body too big to read ahead
        (form_headers(b"user_login=bob", b"multipart/form-data; boundary=x"), b"user_login=bob"),
        (form_headers(b'{"user_login": "bob"}', b"application/json"), b'{"user_login": "bob"}'),
        ([(b"content-length", b"14")], b"user_login=bob"),  # no content type
        ([*form_headers(b"user_login=bob"), (b"content-type", FORM)], b"user_login=bob"),  # two
        (form_headers(b"user_login=bob", b" " + FORM), b"user_login=bob"),  # PHP: empty media type
        ([(b"content-type", FORM), (b"transfer-encoding", b"chunked")], None),
    ],
)
def test_bodies_not_read_as_php_reads_them_match_no_query_route(
    table: RouteTable, headers: RawHeaders, body: bytes | None
) -> None:
    decision = run(table, "POST", "/wp-login.php?action=register", headers, body)
    assert (decision.route_name, decision.target) == ("login-pages", Target.LEGACY)


def test_php_reads_a_form_body_only_for_post() -> None:
    headers = form_headers(b"action=login")
    assert RequestArguments("PUT", "action=register", headers, b"action=login").parsed is None
    assert RequestArguments("post", "action=register", headers, b"action=login").parsed is None
    parsed = RequestArguments("POST", "action=register", headers, b"action=login").parsed
    assert parsed is not None and parsed[b"action"].value == b"login"


def test_needs_form_body_only_where_a_query_route_could_match(table: RouteTable) -> None:
    headers = form_headers(b"a=1")
    assert needs_form_body(table, "POST", "/wp-login.php", "action=register", headers)
    assert needs_form_body(table, "POST", "/wp-login.php", "", headers)
    assert not needs_form_body(table, "GET", "/wp-login.php", "", headers)
    assert not needs_form_body(table, "POST", "/wp-login.php", "", [(b"content-length", b"3")])
    assert not needs_form_body(table, "POST", "/xmlrpc.php", "", headers)
    assert not needs_form_body(table, "POST", "/wp-json/wp/v2/users", "", headers)  # GET/HEAD only
    plain = parse_table(
        "services: {s: 'http://x:1'}\nroutes: [{name: a, paths: ['/wp-login.php'], service: s, methods: [POST]}]\n",
        "t",
    )
    assert not needs_form_body(plain, "POST", "/wp-login.php", "", headers)


def test_personal_requests_stay_with_wordpress(table: RouteTable) -> None:
    logged_in: RawHeaders = [(b"cookie", b"wordpress_logged_in_abc=admin%7C1")]
    decision = run(table, "GET", "/wp-login.php?action=register", logged_in)
    assert (decision.target, decision.kept) == (Target.LEGACY, KeptReason.PERSONAL)
    probe: RawHeaders = [(b"cookie", b"wordpress_test_cookie=WP%20Cookie%20check")]
    assert run(table, "GET", "/wp-login.php?action=register", probe).target is Target.SERVICE


def test_priority_and_file_order_decide_as_without_query() -> None:
    routes = """\
services: {s: "http://x:1"}
routes:
  - {name: any-action, paths: ["/wp-login.php"], service: s, mode: cutover}
  - {name: register, paths: ["/wp-login.php"], query: {action: register}, service: s, mode: cutover}
"""
    earlier = parse_table(routes, "t")
    assert run(earlier, "GET", "/wp-login.php?action=register").route_name == "any-action"  # the earlier wins
    ranked = parse_table(routes.replace("query: {action: register},", "query: {action: register}, priority: 1,"), "t")
    assert run(ranked, "GET", "/wp-login.php?action=register").route_name == "register"
    assert run(ranked, "GET", "/wp-login.php?action=login").route_name == "any-action"
