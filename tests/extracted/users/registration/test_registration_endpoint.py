"""The registration endpoint through the service's HTTP app, without a server: what it declines, what a
registration stores, what a dry run does not. WordPress's page and rules are the real ones (their
differential tests are their own), on a store seeded as CDC would have it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, func, insert, select

from extracted.runtime import ConsumerState, Store, open_engine
from extracted.users import schema
from extracted.users.app import create_app
from extracted.users.registration.endpoint import RegistrationEndpoint
from extracted.users.service import UsersContext

NOW_S = 1_700_000_000.5
HOME = "http://site.test"


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    store = Store(open_engine(f"sqlite:///{tmp_path / 'users.db'}"), schema.metadata)
    store.create()
    with store.engine.begin() as connection:
        options = {"users_can_register": "1", "default_role": "subscriber", "home": HOME, "siteurl": HOME,
                   "blog_charset": "UTF-8"}  # fmt: skip
        for index, (name, value) in enumerate(options.items(), start=1):
            connection.execute(insert(schema.options).values(option_id=index, name=name, value=value))
    yield store.engine
    store.engine.dispose()


class AppClient:
    """The service's ASGI app over httpx, one event loop per request (the endpoint's work is in threads)."""

    def __init__(self, app: object) -> None:
        self.transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]

    def request(self, method: str, url: str, **options: object) -> httpx.Response:
        async def send() -> httpx.Response:
            async with httpx.AsyncClient(transport=self.transport, base_url=HOME) as http:
                return await http.request(method, url, **options)  # type: ignore[arg-type]

        return asyncio.run(send())

    def get(self, url: str, **options: object) -> httpx.Response:
        return self.request("GET", url, **options)

    def post(self, url: str, **options: object) -> httpx.Response:
        return self.request("POST", url, **options)


def client(engine: Engine, *, can_sync: bool = True) -> tuple[AppClient, list[str]]:
    woken: list[str] = []
    context = UsersContext(RegistrationEndpoint(
        engine, topic="wordpress.events.users", table_prefix="wp_", can_sync=can_sync,
        on_registered=lambda: woken.append("woken"), clock=lambda: NOW_S,
    ))  # fmt: skip
    return AppClient(create_app(engine, ConsumerState("users"), context)), woken


def counts(engine: Engine) -> tuple[int, int, int, int]:
    with engine.connect() as connection:
        return tuple(  # type: ignore[return-value]
            int(connection.execute(select(func.count()).select_from(table)).scalar_one())
            for table in (schema.users, schema.user_meta, schema.registrations, schema.outbox.table)
        )


def test_a_registration_stores_everything_once_and_answers_wordpress_s_redirect(engine: Engine) -> None:
    http, woken = client(engine)
    answer = http.post("/wp-login.php?action=register", data={"user_login": "ada", "user_email": "ada@x.test",
                       "redirect_to": "", "wp-submit": "Register"})  # fmt: skip
    assert answer.status_code == 302 and answer.content == b""
    assert [(k, v) for k, v in answer.headers.items() if k != "content-length"] == [
        ("content-type", "text/html; charset=UTF-8"),  # first, as PHP-FPM passes them
        ("expires", "Wed, 11 Jan 1984 05:00:00 GMT"), ("cache-control", "no-cache, must-revalidate, max-age=0"),
        ("set-cookie", "wordpress_test_cookie=WP%20Cookie%20check; path=/"),
        ("x-frame-options", "SAMEORIGIN"), ("x-redirect-by", "WordPress"),
        ("location", "/wp-login.php?checkemail=registered"),
    ]  # fmt: skip
    assert counts(engine) == (1, 14, 1, 1) and woken == ["woken"]
    taken = http.post("/wp-login.php?action=register", data={"user_login": "ADA", "user_email": "ada@x.test"})
    assert taken.status_code == 200 and "This username is already registered" in taken.text
    assert "This email address is already registered" in taken.text
    assert counts(engine) == (1, 14, 1, 1) and woken == ["woken"]


def test_a_dry_run_answers_the_same_and_stores_publishes_and_wakes_nothing(engine: Engine) -> None:
    http, woken = client(engine)
    dry = http.post("/wp-login.php?action=register", data={"user_login": "bob", "user_email": "bob@x.test"},
                    headers={"X-Strangler-Dry-Run": "1"})  # fmt: skip
    assert dry.status_code == 302 and dry.headers["location"] == "/wp-login.php?checkemail=registered"
    assert counts(engine) == (0, 0, 0, 0) and woken == []
    error = http.post("/wp-login.php?action=register", data={"user_login": "", "user_email": "bob@x.test"},
                      headers={"X-Strangler-Dry-Run": "1"})  # fmt: skip
    assert error.status_code == 200 and "Please enter a username" in error.text
    real = http.post("/wp-login.php?action=register", data={"user_login": "bob", "user_email": "bob@x.test"})
    assert real.status_code == 302 and counts(engine) == (1, 14, 1, 1)


@pytest.mark.parametrize(
    ("target", "form", "declined"),
    [
        ("/wp-login.php", {}, "wp-login action"),  # the login form
        ("/wp-login.php?action=lostpassword", {}, "wp-login action"),
        ("/wp-login.php?action=register&checkemail=registered", {}, "wp-login action"),
        ("/wp-login.php?action=register&key=abc", {}, "wp-login action"),
        ("/wp-login.php?action=register", {"action": "login", "log": "x"}, "wp-login action"),  # $_REQUEST: POST wins
        ("/wp-login.php?action=register", {"user_login[]": "x", "user_email": "x@x.test"}, "request body"),
        ("/wp-login.php?action=register&a[]=1", {}, "query"),
    ],
)
def test_what_the_service_does_not_do_is_declined_before_acting(
    engine: Engine, target: str, form: dict[str, str], declined: str
) -> None:
    http, woken = client(engine)
    answer = http.post(target, data=form) if form else http.get(target)
    assert answer.status_code == 503 and answer.headers["x-strangler-unavailable"] == declined
    assert counts(engine) == (0, 0, 0, 0) and woken == []


def test_without_a_legacy_database_or_with_registration_off(engine: Engine) -> None:
    http, _ = client(engine, can_sync=False)
    assert http.get("/wp-login.php?action=register").headers["x-strangler-unavailable"] == "registration"
    multipart = client(engine)[0].post("/wp-login.php?action=register", files={"user_login": ("a", b"x")})
    assert multipart.headers["x-strangler-unavailable"] == "request body"
    with engine.begin() as connection:
        connection.execute(schema.options.update().where(schema.options.c.name == "users_can_register").values(
            value="0"))  # fmt: skip
    off = client(engine)[0].get("/wp-login.php?action=register")
    assert off.status_code == 302 and off.headers["location"].endswith("registration=disabled")


def test_a_page_showing_what_the_store_lacks_is_declined(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(insert(schema.options).values(option_id=99, name="site_icon", value="12"))
    answer = client(engine)[0].get("/wp-login.php?action=register")
    assert answer.status_code == 503 and answer.headers["x-strangler-unavailable"] == "site icon"


def test_a_redirect_to_on_the_site_is_where_the_registration_goes(engine: Engine) -> None:
    http, _ = client(engine)
    answer = http.post("/wp-login.php?action=register", data={"user_login": "cy", "user_email": "cy@x.test",
                       "redirect_to": f"{HOME}/welcome/"})  # fmt: skip
    assert answer.status_code == 302 and answer.headers["location"] == f"{HOME}/welcome/"
    assert counts(engine) == (1, 14, 1, 1)
