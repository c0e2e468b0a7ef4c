"""The real `python -m proxy serve` with a route on query arguments: wp-login.php's register action goes to
the users service, every login POST to WordPress only, never copied to the service in shadow mode."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from proxy.client import AdminClient
from tests.proxy.proxy_processes import ProxyProcess, Upstream, raw_exchange, start_proxy

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def upstream() -> Iterator[Upstream]:
    with Upstream().running() as server:
        yield server


@pytest.fixture(scope="module")
def proxy(upstream: Upstream, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProxyProcess]:
    routes = (
        f"services: {{users: '{upstream.url}/svc'}}\n"
        "routes:\n"
        "  - name: register\n"
        "    paths: ['/wp-login.php']\n"
        "    query: {action: register, key: null, checkemail: null}\n"
        "    methods: [GET, HEAD, POST]\n"
        "    service: users\n"
        "    mode: cutover\n"
        "    shadow: {methods: [GET, HEAD, POST], dry_run: true}\n"
    )
    process = start_proxy(tmp_path_factory.mktemp("proxy"), upstream.url, routes_text=routes)
    yield process
    assert process.stop() == 0, process.log.read_text()


def test_register_goes_to_the_service_and_login_to_wordpress(proxy: ProxyProcess) -> None:
    assert httpx.get(proxy.url + "/wp-login.php?action=register").text == "page /svc/wp-login.php"
    register = httpx.post(proxy.url + "/wp-login.php?action=register", content=b"user_login=bob", headers=FORM)
    assert register.text == "page /svc/wp-login.php"
    for target, body in [
        ("/wp-login.php?action=register", b"log=admin&pwd=secret&action=login"),
        ("/wp-login.php", b"log=admin&pwd=secret"),
        ("/wp-login.php?action=lostpassword", b"user_login=admin"),
        ("/wp-login.php?action=register&key=k", b"pass1=secret"),
    ]:
        assert httpx.post(proxy.url + target, content=body, headers=FORM).text == "page /wp-login.php", target
    with AdminClient(proxy.admin_url, proxy.token) as client:
        (route,) = client.list_routes()
        assert route["query"] == {"action": "register", "checkemail": None, "key": None}
        assert client.stats()["register"]["served_by_service"] == 2


LOGINS = [
    b"POST /wp-login.php?action=register&n=1 HTTP/1.1\r\nHost: a\r\n"
    b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 33\r\n\r\n"
    b"log=admin&pwd=secret&action=login",
    b"POST /wp-login.php?n=2 HTTP/1.1\r\nHost: a\r\n"
    b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 20\r\n\r\nlog=admin&pwd=secret",
    # chunked, the overriding action in the second chunk: read ahead across chunks
    b"POST /wp-login.php?action=register&n=3 HTTP/1.1\r\nHost: a\r\n"
    b"Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"14\r\nlog=admin&pwd=secret\r\nd\r\n&action=login\r\n0\r\n\r\n",
    b"GET /wp-login.php?action=login&action=register&n=4 HTTP/1.1\r\nHost: a\r\n\r\n",
]


def test_shadowed_logins_never_reach_the_service(proxy: ProxyProcess, upstream: Upstream) -> None:
    """Pipelined on one connection, then a barrier that is shadowed: copies leave in order, so once the
    barrier's comparison is stored, a copy of any login before it would have reached the service."""
    with AdminClient(proxy.admin_url, proxy.token) as client:
        client.set_mode("register", "shadow")
        try:
            since, before = time.time(), len(upstream.paths)
            barrier = b"GET /wp-login.php?action=register&n=barrier HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
            answer = raw_exchange(int(proxy.url.rsplit(":", 1)[1]), b"".join([*LOGINS, barrier]))
            assert answer.count(b"HTTP/1.1 200 ") == len(LOGINS) + 1, answer[:500]
            deadline = time.monotonic() + 10
            while not client.comparisons("register", since=since) and time.monotonic() < deadline:
                time.sleep(0.05)
            rows = client.comparisons("register", since=since)
            assert [row["target"] for row in rows] == ["/wp-login.php?action=register&n=barrier"]
            seen = upstream.paths[before:]
            assert [path for path in seen if path.startswith("/svc")] == ["/svc/wp-login.php?action=register&n=barrier"]
            expected = [request.split(b" ")[1].decode() for request in LOGINS]
            assert [path for path in seen if path in expected] == expected  # each at WordPress once
            stats = client.stats()["register"]
            assert stats["kept_url_form"] >= 1  # n=4: matched by PHP's reading, kept for its form
        finally:
            client.set_mode("register", "cutover")


def test_strangler_route_keeps_and_sets_the_query(proxy: ProxyProcess, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    import cli.route_commands
    from cli.main import app

    monkeypatch.setattr(cli.route_commands, "admin_client", lambda: AdminClient(proxy.admin_url, proxy.token))

    def strangler(*arguments: str) -> str:
        result = CliRunner().invoke(app, list(arguments), env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.output
        return result.output

    assert "shadow" in strangler("route", "shadow", "register")
    assert "/wp-login.php?action=register&!checkemail&!key" in strangler("route", "list")
    assert "cutover" in strangler("route", "cutover", "register")
    with AdminClient(proxy.admin_url, proxy.token) as client:
        assert client.list_routes()[0]["query"] == {"action": "register", "checkemail": None, "key": None}
    strangler(
        "route", "set", "cli-query", "--path", "/wp-login.php", "--service", "users", "--query", "action=rp",
        "--query", "empty=", "--query-absent", "key",
    )  # fmt: skip
    try:
        with AdminClient(proxy.admin_url, proxy.token) as client:
            added = next(r for r in client.list_routes() if r["name"] == "cli-query")
        assert added["query"] == {"action": "rp", "empty": "", "key": None}
        bad = CliRunner().invoke(app, ["route", "set", "x", "--path", "/a", "--service", "users", "--query", "a"])
        assert bad.exit_code == 1 and "NAME=VALUE" in bad.output
    finally:
        with AdminClient(proxy.admin_url, proxy.token) as client:
            client.delete_route("cli-query")
