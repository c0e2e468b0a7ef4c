"""The users service's HTTP app on a store fed WordPress-shaped change events: who a visitor may see
(users with published posts), the site's URLs and avatars from the kept options, the service's
definition (its workers, its transactional id), and that content no longer answers ``/wp/v2/users``."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, select

from cdc.events import ChangeEvent
from extracted.runtime import ConsumerState, RuntimeSettings, Store, open_engine
from extracted.users import schema
from extracted.users.app import create_app
from extracted.users.projection import UsersProjection
from extracted.users.service import DEFINITION, UsersContext, transactional_id


def _event(table: str, op: str, row: dict[str, Any], before: dict[str, Any] | None = None) -> ChangeEvent:
    after = None if op == "d" else row
    return ChangeEvent(f"wordpress.wordpress.{table}", {}, op, row if op == "d" else before, after, {}, 1000)  # type: ignore[arg-type]


def _user(user_id: int, name: str, email: str = "") -> ChangeEvent:
    row = {"ID": user_id, "user_login": name.lower(), "user_nicename": name.lower(), "user_email": email,
           "user_url": "", "user_registered": 0, "display_name": name}  # fmt: skip
    return _event("wp_users", "r", row)


def _post(post_id: int, author: int, status: str = "publish", post_type: str = "post") -> ChangeEvent:
    row = {"ID": post_id, "post_author": author, "post_type": post_type, "post_status": status,
           "post_content": "never stored", "post_title": "t"}  # fmt: skip
    return _event("wp_posts", "r", row)


def _option(option_id: int, name: str, value: str) -> ChangeEvent:
    return _event("wp_options", "r", {"option_id": option_id, "option_name": name, "option_value": value})


class Client:
    def __init__(self, engine: Engine) -> None:
        state = ConsumerState("users", connected=True, running=True, caught_up_once=True)
        self.transport = httpx.ASGITransport(app=create_app(engine, state))

    def get(self, url: str) -> httpx.Response:
        async def send() -> httpx.Response:
            async with httpx.AsyncClient(transport=self.transport, base_url="http://service") as client:
                return await client.get(url)

        return asyncio.run(send())


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(open_engine(f"sqlite:///{tmp_path / 'users.db'}"), schema.metadata)
    store.create()
    return store


def apply(store: Store, *events: ChangeEvent) -> None:
    projection = UsersProjection()
    with store.engine.begin() as connection:
        changes = [change for event in events for change in projection.project(event)]
        store.apply(connection, changes)
        projection.after_batch(connection, changes)


SITE = [
    _option(1, "home", "http://example.test"),
    _option(2, "permalink_structure", "/%postname%/"),
    _option(3, "avatar_default", "identicon"),
    _option(4, "_transient_doing_cron", "1"),
]


def test_visitors_see_authors_of_published_posts_only(store: Store) -> None:
    apply(store, *SITE, _user(1, "Zoé", "z@example.test"), _user(2, "adam"), _user(3, "Émile"), _user(4, "drafty"),
          _post(10, 1), _post(11, 3, post_type="page"), _post(12, 4, status="draft"),
          _post(13, 4, status="publish", post_type="revision"))  # fmt: skip
    client = Client(store.engine)
    answer = client.get("/wp-json/wp/v2/users")
    assert answer.status_code == 200 and answer.headers["x-wp-total"] == "2"
    assert [user["name"] for user in answer.json()] == ["Émile", "Zoé"]  # by name, as the collation sorts
    zoe = answer.json()[1]
    assert zoe["link"] == "http://example.test/author/zoé/"
    assert zoe["avatar_urls"]["24"].endswith("?s=24&d=identicon&r=g")
    assert zoe["_links"]["self"] == [{"href": "http://example.test/wp-json/wp/v2/users/1"}]
    assert client.get("/wp-json/wp/v2/users/4").status_code == 401  # a draft and a revision show nobody
    assert client.get("/wp-json/wp/v2/users/2").json()["code"] == "rest_user_cannot_view"
    assert client.get("/wp-json/wp/v2/users/99").status_code == 404
    assert client.get("/?rest_route=/wp/v2/users/1").json()["name"] == "Zoé"
    assert client.get("/wp-json/wp/v2/users?search=emile").json()[0]["id"] == 3
    assert client.get("/wp-json/wp/v2/users?roles=author").json()["code"] == "rest_user_cannot_view"
    assert client.get("/wp-json/wp/v2/posts").json()["code"] == "rest_no_route"

    apply(store, _event("wp_posts", "d", {"ID": 10, "post_author": 1, "post_type": "post", "post_status": "publish"}))
    assert client.get("/wp-json/wp/v2/users/1").status_code == 401
    assert client.get("/healthz").json()["healthy"] is True


def test_only_the_options_the_service_reads_are_kept(store: Store) -> None:
    apply(store, *SITE)
    renamed = {"option_id": 2, "option_name": "permalink_structure_old", "option_value": "/%postname%/"}
    apply(store, _event("wp_options", "u", renamed, before={"option_id": 2, "option_name": "permalink_structure"}))
    with store.engine.connect() as connection:
        kept = {row.name: row.value for row in connection.execute(select(schema.options))}
    assert kept == {"home": "http://example.test", "avatar_default": "identicon"}


def test_posts_are_kept_without_their_content(store: Store) -> None:
    apply(store, _post(10, 1))
    with store.engine.connect() as connection:
        assert connection.execute(select(schema.posts)).all() == [(10, 1, "post", "publish")]


def test_the_definition_runs_the_announcer_and_the_relay() -> None:
    runtime = RuntimeSettings(bootstrap="127.0.0.1:1", group="strangler-users", store_url="sqlite://")
    context = UsersContext()
    workers = DEFINITION.workers(open_engine("sqlite://"), runtime, context) if DEFINITION.workers else []
    assert [worker.name for worker in workers] == ["announcer", "relay"]  # no legacy database: no sync
    assert context.registration is not None and not context.registration.can_sync
    assert transactional_id(runtime) == "users-outbox.strangler-users"
    assert DEFINITION.program == "python -m extracted.users"
    assert set(UsersProjection().source_tables()) == {"wp_users", "wp_usermeta", "wp_options", "wp_posts"}
