"""The users service's internal API without a server: ``POST /internal/users/{id}/set-password-key``.

The store is the service's own (SQLite, its real schema, a registration recorded as the endpoint does);
WordPress's database is a stand-in that runs the one UPDATE the keys need on a ``wp_users`` of logins
(the real MariaDB is in registration/test_legacy_sync_live.py). The site-emails extension's client
talks to the app served by uvicorn on a free port.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine, update
from starlette.applications import Starlette

from cli.stack.ports import free_port
from extracted.extensions.site_emails.registration import KeyClient, KeyNotReadyError, KeyRefusedError
from extracted.formatting.phpass import check_password
from extracted.runtime import ConsumerState, Store, open_engine
from extracted.users import schema
from extracted.users.app import create_app
from extracted.users.registration.record import record_registration
from extracted.users.registration.set_password_key import Issued, NotYet, SetPasswordKeys, Unknown
from extracted.users.service import UsersContext

TOKEN = "t0ken"
NOW_S = 1_700_000_000.5


@dataclass
class WordPressUsers:
    """``wp_users`` as far as the keys touch it: ID → [user_login, user_activation_key]."""

    rows: dict[int, list[str]] = field(default_factory=dict)
    commits: int = 0
    down: bool = False

    def execute(self, query: str, args: tuple[Any, ...]) -> int:
        assert re.fullmatch(r"UPDATE `wp_users` SET user_activation_key = %s WHERE ID = %s AND user_login = %s", query)
        value, user_id, login = args
        row = self.rows.get(user_id)
        if row is None or row[0] != login:
            return 0
        row[1] = value
        return 1

    @contextmanager
    def cursor(self) -> Iterator[WordPressUsers]:
        yield self

    def commit(self) -> None:
        self.commits += 1

    def rollback(self) -> None:
        raise AssertionError("nothing fails here")

    @contextmanager
    def connect(self) -> Iterator[WordPressUsers]:
        if self.down:
            raise OSError("connection refused")
        yield self


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    store = Store(open_engine(f"sqlite:///{tmp_path / 'users.db'}"), schema.metadata)
    store.create()
    yield store.engine
    store.engine.dispose()


def register(engine: Engine, login: str, *, state: str = "synced", https: bool = False) -> int:
    with engine.begin() as connection:
        user = record_registration(connection, login, f"{login}@example.test", 1_700_000_000_000,
                                   topic="wordpress.events.users", table_prefix="wp_", https=https)  # fmt: skip
        connection.execute(update(schema.registrations).where(schema.registrations.c.user_id == user.id)
                           .values(state=state))  # fmt: skip
    return user.id


def test_a_key_is_get_password_reset_key_s_and_replaces_the_one_before(engine: Engine) -> None:
    wordpress = WordPressUsers()
    user_id = register(engine, "ada", https=True)
    wordpress.rows[user_id] = ["ada", "1600000000:$P$Bold"]
    keys = SetPasswordKeys(engine, wordpress.connect, clock=lambda: NOW_S)
    first = keys.issue(user_id)
    assert isinstance(first, Issued) and re.fullmatch(r"[A-Za-z0-9]{20}", first.key)
    assert (first.user_id, first.user_login, first.user_email, first.https) == (user_id, "ada", "ada@example.test",
                                                                                True)  # fmt: skip
    stamp, hashed = wordpress.rows[user_id][1].split(":", 1)
    assert stamp == "1700000000" and re.fullmatch(r"\$P\$B[./0-9A-Za-z]{30}", hashed)
    assert check_password(first.key, hashed) and wordpress.commits == 1
    second = keys.issue(user_id)
    assert isinstance(second, Issued) and second.key != first.key
    assert not check_password(first.key, wordpress.rows[user_id][1].split(":", 1)[1])


def test_no_key_before_the_sync_for_strangers_or_for_users_gone_from_wordpress(engine: Engine) -> None:
    wordpress = WordPressUsers()
    keys = SetPasswordKeys(engine, wordpress.connect)
    pending, written, conflict = (register(engine, login, state=state) for login, state in
                                  (("p", "pending"), ("w", "written"), ("c", "conflict")))  # fmt: skip
    assert [keys.issue(user_id) for user_id in (pending, written, conflict)] == [
        NotYet("pending"), NotYet("written"), NotYet("conflict")]  # fmt: skip
    assert isinstance(keys.issue(999), Unknown)  # not a registration of the service: WordPress mails its own
    gone = register(engine, "gone")  # synced, then deleted in wp-admin
    assert isinstance(keys.issue(gone), Unknown) and wordpress.commits == 1  # the UPDATE found nothing


@pytest.fixture
def wordpress() -> WordPressUsers:
    return WordPressUsers()


class Client:
    """The app in-process (httpx's ASGI transport), called synchronously."""

    def __init__(self, app: Starlette) -> None:
        self.transport = httpx.ASGITransport(app=app)

    def request(self, method: str, url: str, headers: dict[str, str] | None = None) -> httpx.Response:
        async def send() -> httpx.Response:
            async with httpx.AsyncClient(transport=self.transport, base_url="http://service") as client:
                return await client.request(method, url, headers=headers)

        return asyncio.run(send())

    def post(self, url: str, headers: dict[str, str] | None = None) -> httpx.Response:
        return self.request("POST", url, headers)

    def get(self, url: str, headers: dict[str, str] | None = None) -> httpx.Response:
        return self.request("GET", url, headers)


def users_app(engine: Engine, wordpress: WordPressUsers, token: str = TOKEN) -> Starlette:
    context = UsersContext(set_password_keys=SetPasswordKeys(engine, wordpress.connect), internal_token=token)
    return create_app(engine, ConsumerState("users"), context)


@pytest.fixture
def client(engine: Engine, wordpress: WordPressUsers) -> Client:
    return Client(users_app(engine, wordpress))


@pytest.fixture
def served(engine: Engine, wordpress: WordPressUsers) -> Iterator[str]:
    """The app behind uvicorn on a free port: its URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(users_app(engine, wordpress), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def test_the_endpoint_answers_a_key_with_the_token_only(engine: Engine, wordpress: WordPressUsers,
                                                         client: Client) -> None:  # fmt: skip
    user_id = register(engine, "bob")
    wordpress.rows[user_id] = ["bob", ""]
    path = f"/internal/users/{user_id}/set-password-key"
    assert client.post(path).status_code == 401
    assert client.post(path, headers={"authorization": "Bearer wrong"}).status_code == 401
    answer = client.post(path, headers={"authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body.keys() == {"user_id", "user_login", "user_email", "key", "https"}
    assert (body["user_id"], body["user_login"], body["user_email"], body["https"]) == (
        user_id,
        "bob",
        "bob@example.test",
        False,
    )
    assert check_password(body["key"], wordpress.rows[user_id][1].split(":", 1)[1])


def test_the_endpoint_s_statuses_and_its_openapi(engine: Engine, wordpress: WordPressUsers,
                                                 client: Client) -> None:  # fmt: skip
    auth = {"authorization": f"Bearer {TOKEN}"}
    pending = register(engine, "later", state="pending")
    assert client.post(f"/internal/users/{pending}/set-password-key", headers=auth).status_code == 409
    assert client.post("/internal/users/4242/set-password-key", headers=auth).status_code == 404
    synced = register(engine, "down")
    wordpress.rows[synced] = ["down", ""]
    wordpress.down = True
    assert client.post(f"/internal/users/{synced}/set-password-key", headers=auth).status_code == 503
    document = client.get("/internal/openapi.json", headers=auth).json()
    operation = document["paths"]["/users/{user_id}/set-password-key"]["post"]
    assert {"200", "401", "404", "409", "503"} <= operation["responses"].keys()
    assert document["servers"] == [{"url": "/internal"}]


def test_without_a_token_configured_the_api_is_off(engine: Engine, wordpress: WordPressUsers) -> None:
    client = Client(users_app(engine, wordpress, token=""))
    assert client.post("/internal/users/1/set-password-key", headers={"authorization": "Bearer "}).status_code == 503


def test_site_emails_client_gets_the_key_and_tells_retry_from_refusal(engine: Engine, wordpress: WordPressUsers,
                                                                      served: str) -> None:  # fmt: skip
    user_id = register(engine, "cy", https=True)
    wordpress.rows[user_id] = ["cy", ""]
    keys = KeyClient(served, TOKEN)
    issued = keys.issue(user_id)
    assert (issued["user_login"], issued["user_email"], issued["https"]) == ("cy", "cy@example.test", True)
    pending = register(engine, "soon", state="pending")
    with pytest.raises(KeyNotReadyError, match="409"):
        keys.issue(pending)
    with pytest.raises(KeyRefusedError, match="404"):
        keys.issue(4242)
    with pytest.raises(KeyRefusedError, match="401"):
        KeyClient(served, "wrong").issue(user_id)
    with pytest.raises(KeyNotReadyError, match="unreachable"):
        KeyClient("http://127.0.0.1:9", TOKEN).issue(user_id)
