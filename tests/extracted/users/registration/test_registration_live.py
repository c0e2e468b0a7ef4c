"""The registration against the real stack: its database decides who exists, its nginx + PHP-FPM answers.

* Rules: a table of logins and addresses near the demo site's users (case, spaces, accents, ``\\n``,
  quotes, lengths) and random variations of them, through ``register_new_user()`` on the stack's
  WordPress (php-cli with its wp-config.php; each registration rolled back) and through ours with a
  lookup asking the same MariaDB (``SELECT … WHERE user_login = %s``).
* HTTP: ``wp-login.php?action=register`` over HTTP with registration off (the stack's default), then
  on for the duration of the test (restored after): statuses, WordPress's own headers and the pages,
  byte for byte. Nothing is ever registered on the stack.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pymysql
import pytest
from registration_harness import RuleEvaluator, first_difference, php_unavailable
from registration_sites import our_outcome, wordpress_outcome

from extracted.users.registration import (
    RegistrationRequest,
    RegistrationRules,
    RegistrationSettings,
    answer_registration,
    check_registration,
)
from tests.stack_fixture import StackHandle

pytestmark = [pytest.mark.stack, pytest.mark.php]

#: the headers WordPress itself sends (the others are nginx's and PHP's: Date, Server, Connection…)
WORDPRESS_HEADERS = {"expires", "cache-control", "content-type", "set-cookie", "x-frame-options", "x-redirect-by",
                     "location"}  # fmt: skip
DEMO_LOGINS = ["admin", "alice", "bruno", "chen", "dana"]


class MariaDBLookup:
    """Existence as ``get_user_by`` asks it: the stack's ``wp_users``, compared by the column's collation."""

    def __init__(self, connection: pymysql.connections.Connection[Any]) -> None:
        self._connection = connection

    def _exists(self, column: str, value: str) -> bool:
        with self._connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM wp_users WHERE {column} = %s LIMIT 1", (value,))
            return cursor.fetchone() is not None

    def login_exists(self, login: str) -> bool:
        return self._exists("user_login", login)

    def email_exists(self, email: str) -> bool:
        return self._exists("user_email", email)


@dataclass
class LiveSite:
    evaluator: RuleEvaluator
    connection: pymysql.connections.Connection[Any]
    options: dict[str, Any]
    wordpress_url: str

    @property
    def rules(self) -> RegistrationRules:
        return RegistrationRules(login_url=self.options["login_url"], admin_email=self.options["admin_email"],
                                 locale=self.options["WPLANG"] or "en_US")  # fmt: skip

    def settings(self, **overrides: str) -> RegistrationSettings:
        # get_option() answers false for an option the site never stored (WPLANG on an English site).
        options = {k: "" if v is False else str(v) for k, v in self.options.items()}
        return RegistrationSettings.from_options({**options, **overrides})


@pytest.fixture(scope="module")
def live(stack: StackHandle) -> Iterator[LiveSite]:
    reason = php_unavailable()
    if reason is not None:
        pytest.skip(reason)
    db = stack.components["mariadb"]
    connection = pymysql.connect(host=db["host"], port=int(db["port"]), user=db["root_user"],
                                 password=db["root_password"], database=db["database"], charset="utf8mb4",
                                 autocommit=True)  # fmt: skip
    docroot = Path(stack.components["wordpress"]["docroot"])
    with connection, RuleEvaluator(docroot, transactions=True) as evaluator:
        users_before = _users(connection)
        (options,) = evaluator.evaluate([{"fn": "site"}])
        yield LiveSite(evaluator, connection, options, stack.components["wordpress"]["url"])
        # every registration was rolled back, and the option restored
        assert _users(connection) == users_before
        assert evaluator.evaluate([{"fn": "site"}])[0]["users_can_register"] == options["users_can_register"]


def _users(connection: pymysql.connections.Connection[Any]) -> tuple[Any, ...]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT ID, user_login, user_email FROM wp_users ORDER BY ID")
        return tuple(cursor.fetchall())


def near_misses() -> list[str]:
    """The demo users' logins and addresses, and how a visitor might mistype them."""
    names: list[str] = []
    for login in DEMO_LOGINS:
        names += [login, login.upper(), login.capitalize(), f" {login}", f"{login} ", f"{login}  ", f"{login}\n",
                  f"{login}\t", f"{login}.", f"+{login}", f"{login}\u0301", login.replace("a", "á"),
                  f"{login}\x01"]  # fmt: skip
    return names


def addresses() -> list[str]:
    found: list[str] = []
    for login in DEMO_LOGINS:
        address = f"{login}@example.test"
        found += [address, address.upper(), f" {address}", f"{address} ", f"{login}\n@example.test",
                  f"{login}+tag@example.test", f"{login}@EXAMPLE.test", f"{login}@example.test.",
                  f"{login}'@example.test",
                  f"{login}&@example.test", f"{login}@example.test\n", f"new.{login}@example.test"]  # fmt: skip
    return found


def compare_live(live: LiveSite, pairs: list[tuple[str, str]]) -> int:
    requests = [{"fn": "register", "login": login, "email": email} for login, email in pairs]
    lookup = MariaDBLookup(live.connection)
    differences = []
    for (login, email), answer in zip(pairs, live.evaluator.evaluate(requests), strict=True):
        ours = our_outcome(check_registration(login, email, rules=live.rules, lookup=lookup))
        if ours != wordpress_outcome(answer):
            differences.append((login, email, ours, wordpress_outcome(answer)))
    assert differences == []
    return len(pairs)


def test_existing_users_as_the_database_finds_them(live: LiveSite) -> None:
    logins, emails = near_misses(), addresses()
    pairs = [(login, "fresh.address@example.test") for login in logins]
    pairs += [("fresh_login", email) for email in emails]
    pairs += [("x" * 61, "admin@example.test"), ("y" * 60, "x" * 95 + "@e.com"), ("y" * 60, "x" * 94 + "@e.com"),
              ("+1", "a" + "&" * 85 + "@example.com")]  # fmt: skip
    pairs += list(zip(logins, reversed(emails), strict=False))
    assert compare_live(live, pairs) > 100


def test_random_variations_of_existing_users(live: LiveSite) -> None:
    generator = random.Random(14)
    pieces = [
        *DEMO_LOGINS,
        "@example.test",
        "example.test",
        " ",
        "\n",
        ".",
        "+",
        "'",
        "&",
        "-",
        "_",
        "é",
        "É",
        "0",
        "A",
    ]
    pairs = []
    for _ in range(400):
        login = "".join(generator.choice([p, p.upper()]) for p in generator.choices(pieces, k=generator.randint(1, 3)))
        email = "".join(generator.choice([p, p.upper()]) for p in generator.choices(pieces, k=generator.randint(1, 4)))
        pairs.append((login, email))
    assert compare_live(live, pairs) == 400


def test_redirect_targets_after_a_registration(live: LiveSite) -> None:
    from extracted.users.registration import registered_location

    targets = ["", "0", "/x", "wp-admin/", "http://evil.test/", live.options["home"] + "/a b", "//x", "/é"]
    answers = live.evaluator.evaluate(
        [{"fn": "safe_redirect", "text": t, "request_uri": "/sub/wp-login.php?action=register"} for t in targets]
    )
    urls = live.settings().urls(https=False)
    ours = [registered_location(t, urls=urls, request_uri="/sub/wp-login.php?action=register") for t in targets]
    assert ours == answers


def wordpress_headers(response: httpx.Response) -> list[tuple[str, str]]:
    return [(name, value) for name, value in response.headers.multi_items() if name.lower() in WORDPRESS_HEADERS]


def our_headers(headers: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    return [(name.lower(), value) for name, value in headers]


def http_answer(live: LiveSite, request: RegistrationRequest) -> httpx.Response:
    url = live.wordpress_url + request.request_uri
    if request.is_post:
        return httpx.post(url, data=dict(request.form), cookies=dict(request.cookies), timeout=30)
    return httpx.get(url, cookies=dict(request.cookies), timeout=30)


def compare_http(live: LiveSite, requests: list[RegistrationRequest], settings: RegistrationSettings) -> None:
    lookup = MariaDBLookup(live.connection)
    for request in requests:
        response = http_answer(live, request)
        ours = answer_registration(request, settings, lookup)
        assert ours.accepted is None
        assert (response.status_code, wordpress_headers(response)) == (ours.status, our_headers(ours.headers)), request
        assert response.text == ours.body, (request, first_difference(ours.body, response.text))


def register_requests() -> list[RegistrationRequest]:
    def uri(**query: str) -> str:
        from urllib.parse import urlencode

        return "/wp-login.php?" + urlencode({"action": "register", **query})

    posts = [
        {"user_login": "", "user_email": ""},
        {"user_login": "ADMIN", "user_email": "Alice@Example.TEST"},
        {"user_login": "admin ", "user_email": " admin@example.test"},
        {"user_login": "bruno\n", "user_email": "bruno\n@example.test"},
        {"user_login": "x" * 61, "user_email": "new.one@example.test"},
        {"user_login": "fresh", "user_email": "x" * 95 + "@e.com"},
        {"user_login": 'q"uote\\s<b>', "user_email": "chen@EXAMPLE.test", "redirect_to": "/a'b"},
    ]
    requests = [
        RegistrationRequest(request_uri=uri()),
        RegistrationRequest(query={"action": "register", "redirect_to": '/x"y'}, request_uri=uri(redirect_to='/x"y')),
        RegistrationRequest(query={"action": "register", "wp_lang": "de_DE"}, request_uri=uri(wp_lang="de_DE")),
        RegistrationRequest(cookies={"wp_lang": "fr_FR"}, request_uri=uri()),
    ]
    requests += [RegistrationRequest("POST", {"action": "register"}, form, request_uri=uri()) for form in posts]
    return requests


@contextlib.contextmanager
def _registration(live: LiveSite, value: str) -> Iterator[None]:
    """``users_can_register`` set to ``value`` (other tests of the session may have left it either way)."""
    with live.connection.cursor() as cursor:
        cursor.execute("SELECT option_value FROM wp_options WHERE option_name = 'users_can_register'")
        (before,) = cursor.fetchone() or ("0",)
        cursor.execute("UPDATE wp_options SET option_value = %s WHERE option_name = 'users_can_register'", (value,))
        try:
            yield
        finally:
            cursor.execute(
                "UPDATE wp_options SET option_value = %s WHERE option_name = 'users_can_register'", (before,)
            )


def test_http_with_registration_off(live: LiveSite) -> None:
    with _registration(live, "0"):
        compare_http(live, register_requests(), live.settings(users_can_register="0"))


def test_http_with_registration_on(live: LiveSite) -> None:
    with _registration(live, "1"):
        compare_http(live, register_requests(), live.settings(users_can_register="1"))
