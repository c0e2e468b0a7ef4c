"""A route on query arguments in front of the real WordPress: wp-login.php's register action goes to the
service, while a login POSTed to the register URL (``action=login`` in the body) is a login for PHP-FPM's
``$_REQUEST`` and stays with WordPress, never copied to the service."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from proxy.client import AdminClient
from tests.proxy.proxy_processes import Upstream

pytestmark = pytest.mark.stack
ROUTE = "stack-test-register"


@pytest.fixture
def service() -> Iterator[Upstream]:
    with Upstream().running() as upstream:
        yield upstream


@pytest.fixture
def admin(stack, service: Upstream) -> Iterator[AdminClient]:  # type: ignore[no-untyped-def]
    proxy = stack.components["proxy"]
    with AdminClient(proxy["admin_url"], proxy["admin_token"]) as client:
        client.set_route(
            ROUTE,
            ["/wp-login.php"],
            "register-stand-in",
            service_url=service.url,
            mode="cutover",
            methods=("GET", "HEAD", "POST"),
            query={"action": "register", "key": None, "checkemail": None},
            shadow={"methods": ["GET", "HEAD", "POST"], "dry_run": True},
        )
        try:
            yield client
        finally:
            client.delete_route(ROUTE)


def login_post(base: str, wordpress: dict[str, Any]) -> httpx.Response:
    with httpx.Client(base_url=base, timeout=120, follow_redirects=False) as browser:
        browser.cookies.set("wordpress_test_cookie", "WP Cookie check")
        return browser.post(
            "/wp-login.php?action=register",
            data={
                "log": wordpress["admin_user"],
                "pwd": wordpress["admin_password"],
                "action": "login",
                "wp-submit": "Log In",
                "testcookie": "1",
            },
        )


def logged_in(response: httpx.Response) -> bool:
    cookies = response.headers.get_list("set-cookie")
    return response.status_code == 302 and any("wordpress_logged_in_" in cookie for cookie in cookies)


def test_register_to_the_service_login_to_wordpress(stack, admin: AdminClient, service: Upstream) -> None:  # type: ignore[no-untyped-def]
    proxy = str(stack.components["proxy"]["url"]).rstrip("/")
    wordpress = stack.components["wordpress"]
    # WordPress itself reads the body's action over the URL's: the model the route relies on
    assert logged_in(login_post(str(wordpress["url"]).rstrip("/"), wordpress))
    assert httpx.get(proxy + "/wp-login.php?action=register", timeout=30).text == "page /wp-login.php"
    assert service.paths == ["/wp-login.php?action=register"]
    assert logged_in(login_post(proxy, wordpress))  # answered by WordPress, not the stand-in
    form = httpx.get(proxy + "/wp-login.php?action=lostpassword", timeout=60)
    assert form.status_code == 200 and 'name="user_login"' in form.text
    assert service.paths == ["/wp-login.php?action=register"]

    admin.set_mode(ROUTE, "shadow")
    since = time.time()
    assert logged_in(login_post(proxy, wordpress))
    assert httpx.get(proxy + "/wp-login.php?action=register&n=barrier", timeout=60).status_code in (200, 302)
    deadline = time.monotonic() + 30
    while not admin.comparisons(ROUTE, since=since) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [row["target"] for row in admin.comparisons(ROUTE, since=since)] == [
        "/wp-login.php?action=register&n=barrier"
    ]
    assert service.paths == ["/wp-login.php?action=register", "/wp-login.php?action=register&n=barrier"]
