"""A browser's side of a cut-over site: who answered, and logging in through the proxy."""

from __future__ import annotations

import httpx

from tests.stack_fixture import StackHandle


def served_by_service(response: httpx.Response) -> bool:
    return response.headers.get("server") != "nginx"  # WordPress's answers carry nginx's header


def log_in(browser: httpx.Client, stack: StackHandle) -> str:
    """Logs in through the proxy as a browser does; returns the REST nonce the block editor uses."""
    wordpress = stack.components["wordpress"]
    browser.cookies.set("wordpress_test_cookie", "WP Cookie check")
    login = browser.post(
        "/wp-login.php",
        data={"log": wordpress["admin_user"], "pwd": wordpress["admin_password"], "testcookie": "1"},
    )
    assert login.status_code == 302, login.text[:300]
    nonce = browser.get("/wp-admin/admin-ajax.php", params={"action": "rest-nonce"})
    assert nonce.status_code == 200 and nonce.text.strip() not in ("", "0"), nonce.text[:300]
    return nonce.text.strip()
