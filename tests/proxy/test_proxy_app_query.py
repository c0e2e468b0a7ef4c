"""The public app with a route on query arguments, in-process: the form body is read ahead to decide and
reaches whoever answers intact; a login POST to the register URL never reaches the service."""

from __future__ import annotations

import httpx
import pytest

from tests.proxy.fakes import SERVICE, FakeUpstreams

pytestmark = pytest.mark.anyio

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
REGISTER = b"user_login=bob&user_email=bob%40example.test&wp-submit=Register"
LOGIN = b"log=admin&pwd=secret&action=login&wp-submit=Log+In"


def routes(mode: str, shadow: str = "{methods: [GET, HEAD, POST], dry_run: true}") -> str:
    return (
        f"services: {{users: '{SERVICE}'}}\n"
        "routes:\n"
        "  - {name: register, paths: ['/wp-login.php'], query: {action: register, key: null, checkemail: null},\n"
        f"     methods: [GET, HEAD, POST], service: users, mode: {mode}, shadow: {shadow}}}\n"
    )


async def wordpress(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, text="wordpress", headers={"Content-Type": "text/html"})


async def service(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, text="wordpress", headers={"Content-Type": "text/html", "X-Served-By": "users"})


async def test_cutover_serves_register_and_keeps_login_at_wordpress(make_harness) -> None:  # type: ignore[no-untyped-def]
    upstreams = FakeUpstreams(wordpress, service)
    async with make_harness(upstreams, routes("cutover")) as h:
        form = await h.client.get("/wp-login.php?action=register")
        posted = await h.client.post("/wp-login.php?action=register", content=REGISTER, headers=FORM)
        login = await h.client.post("/wp-login.php?action=register", content=LOGIN, headers=FORM)
        plain = await h.client.post("/wp-login.php", content=LOGIN.replace(b"&action=login", b""), headers=FORM)
        stats = (await h.admin.get("/api/stats")).json()["routes"]
    assert form.headers["x-served-by"] == posted.headers["x-served-by"] == "users"
    assert [(r.method, r.url.raw_path, r.content) for r in upstreams.seen["service"]] == [
        ("GET", b"/wp-login.php?action=register", b""),
        ("POST", b"/wp-login.php?action=register", REGISTER),  # read ahead, then sent on whole
    ]
    assert "x-served-by" not in login.headers and "x-served-by" not in plain.headers
    assert [(r.url.raw_path, r.content) for r in upstreams.seen["wordpress"]] == [
        (b"/wp-login.php?action=register", LOGIN),
        (b"/wp-login.php", LOGIN.replace(b"&action=login", b"")),
    ]
    assert stats["register"]["served_by_service"] == 2


async def test_shadow_copies_register_posts_but_never_logins(make_harness) -> None:  # type: ignore[no-untyped-def]
    upstreams = FakeUpstreams(wordpress, service)
    async with make_harness(upstreams, routes("shadow")) as h:
        await h.client.post("/wp-login.php?action=register", content=LOGIN, headers=FORM)
        await h.client.post("/wp-login.php?action=login&action=register", content=b"log=a&pwd=b", headers=FORM)
        await h.client.post("/wp-login.php?action=register", content=REGISTER, headers=FORM)
        await h.runtime.shadow.drain()
    (copy,) = upstreams.seen["service"]
    assert (copy.method, copy.content, copy.headers["x-strangler-dry-run"]) == ("POST", REGISTER, "1")
    assert len(upstreams.seen["wordpress"]) == 3


async def test_a_form_too_big_to_read_ahead_goes_to_wordpress_whole(make_harness) -> None:  # type: ignore[no-untyped-def]
    upstreams = FakeUpstreams(wordpress, service)
    big = REGISTER + b"&pad=" + b"x" * (1 << 20)
    async with make_harness(upstreams, routes("cutover")) as h:
        answer = await h.client.post("/wp-login.php?action=register", content=big, headers=FORM)
    assert answer.text == "wordpress" and "x-served-by" not in answer.headers
    assert not upstreams.seen["service"] and upstreams.seen["wordpress"][0].content == big
