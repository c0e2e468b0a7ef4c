"""Content's users from the users service's domain events, not WordPress's user tables: subscriptions,
the users answers and author embeds built from schema-valid events, updates, roles, deletion, dedupe and
dead letters. No Kafka, no WordPress: events through the applier and the consumer on the in-memory broker.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from content_users import USERS_TOPIC, deleted, profile_updated, record, registered, role_changed
from sqlalchemy import select

from cdc.events import ChangeEvent, encode
from extracted.content import ContentProjection
from extracted.content.app import render
from extracted.content.schema import users
from extracted.content.site_data import SiteDataSource
from extracted.rest import parse_str
from extracted.runtime import (
    Consumer,
    ConsumerState,
    InMemoryBroker,
    Record,
    RuntimeSettings,
    Store,
    apply_batch,
    open_engine,
)

EPOCH_2024 = 1_704_103_200_000
offsets = itertools.count()
ZOE = {"id": 7, "login": "zoë", "nicename": "zoe", "display_name": "Zoë Ångström", "email": " Zoe@Example.TEST ",
       "url": "https://zoe.example.test", "description": "Writes about <em>ferns</em> & \"quotes\"."}  # fmt: skip


def row_event(table: str, op: str, row: dict[str, Any]) -> Record:
    topic = f"wordpress.wordpress.{table}"
    key_column = next(k for k in ("ID", "option_id") if k in row)
    change = ChangeEvent(topic, {key_column: row[key_column]}, op, row if op == "d" else None,  # type: ignore[arg-type]
                         None if op == "d" else row, {"table": table, "ts_ms": 1}, 1)  # fmt: skip
    key, value = encode(change)
    return Record(topic, 0, next(offsets), key, value)


def post(post_id: int, author: int, **fields: Any) -> dict[str, Any]:
    row = {
        "ID": post_id, "post_author": author, "post_date": EPOCH_2024, "post_date_gmt": EPOCH_2024,
        "post_content": "Hello", "post_title": f"Post {post_id}", "post_excerpt": "", "post_status": "publish",
        "comment_status": "open", "ping_status": "open", "post_password": "", "post_name": f"post-{post_id}",
        "post_modified": EPOCH_2024, "post_modified_gmt": EPOCH_2024, "post_parent": 0, "guid": f"http://x/?p={post_id}",
        "menu_order": 0, "post_type": "post", "post_mime_type": "", "comment_count": 0,
    }  # fmt: skip
    row.update(fields)
    return row


def option(option_id: int, name: str, value: str) -> Record:
    return row_event("wp_options", "r", {"option_id": option_id, "option_name": name, "option_value": value,
                                          "autoload": "yes"})  # fmt: skip


SITE = [option(1, "home", "http://example.test"), option(2, "permalink_structure", "/%postname%/")]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(open_engine(f"sqlite:///{tmp_path / 'content.db'}"), ContentProjection().metadata)
    store.create()
    return store


def apply(store: Store, *records: Record) -> None:
    result = apply_batch(store, ContentProjection(), list(records))
    assert not result.dead, result.dead


def get(store: Store, route: str, query: str = "") -> tuple[int, Any]:
    with store.engine.connect() as connection:
        rendered = render(connection, route, parse_str(query))
    return rendered.status, json.loads(rendered.body)


def body(store: Store, route: str, query: str = "") -> bytes:
    with store.engine.connect() as connection:
        return render(connection, route, parse_str(query)).body


def avatars(email: str) -> dict[str, str]:
    digest = hashlib.md5(email.strip().lower().encode(), usedforsecurity=False).hexdigest()
    host = f"http://{int(digest[0], 16) % 3}.gravatar.com"
    return {str(size): f"{host}/avatar/{digest}?s={size}&d=mm&r=g" for size in (24, 48, 96)}


def test_content_subscribes_to_user_events_and_to_no_wordpress_user_table(tmp_path: Path) -> None:
    projection = ContentProjection()
    assert not {"wp_users", "wp_usermeta"} & set(projection.source_tables())
    settings = RuntimeSettings(bootstrap="memory", group="content", store_url=f"sqlite:///{tmp_path / 'c.db'}")
    topics = settings.subscriptions(projection)
    assert USERS_TOPIC in topics
    assert not [topic for topic in topics if topic.endswith((".wp_users", ".wp_usermeta"))]
    store = Store(open_engine(settings.store_url), projection.metadata)
    consumer = Consumer(settings, projection, store, ConsumerState("content"), broker=InMemoryBroker())
    assert consumer.topics == topics


def author(store: Store, post_id: int = 5) -> Any:
    """The author ``_embed`` of a post: how content shows its users (``/wp/v2/users`` is the users service's)."""
    (embedded,) = get(store, f"/wp/v2/posts/{post_id}", "_embed=author")[1]["_embedded"]["author"]
    return embedded


UNKNOWN = {"code": "rest_user_invalid_id", "message": "Invalid user ID.", "data": {"status": 404}}


def test_an_author_embed_is_answered_from_its_registration_event(store: Store) -> None:
    apply(store, *SITE, row_event("wp_posts", "r", post(5, author=7)), record(registered(ZOE)))
    assert author(store) == {
        "id": 7,
        "name": "Zoë Ångström",
        "url": "https://zoe.example.test",
        "description": 'Writes about <em>ferns</em> & "quotes".',
        "link": "http://example.test/author/zoe/",
        "slug": "zoe",
        "avatar_urls": avatars(ZOE["email"]),
        "_links": {
            "self": [{"href": "http://example.test/wp-json/wp/v2/users/7"}],
            "collection": [{"href": "http://example.test/wp-json/wp/v2/users"}],
        },
    }
    # the bytes WordPress's json_encode writes (escaped slashes and non-ASCII), as when users came from rows;
    # the avatar hashes the trimmed, lower-cased email
    assert (
        b'"_embedded":{"author":[{"id":7,"name":"Zo\\u00eb \\u00c5ngstr\\u00f6m","url":"https:\\/\\/zoe.example.test",'
        b'"description":"Writes about <em>ferns<\\/em> & \\"quotes\\".",'
        b'"link":"http:\\/\\/example.test\\/author\\/zoe\\/",'
        b'"slug":"zoe","avatar_urls":{"24":"http:\\/\\/1.gravatar.com\\/avatar\\/a8e455e45c3709cf3d955a6212c0513c?s=24&d=mm&r=g",'
    ) in body(store, "/wp/v2/posts/5", "_embed=author")
    listing = get(store, "/wp/v2/posts", "_embed=author")[1]
    assert [item["_embedded"]["author"][0]["slug"] for item in listing] == ["zoe"]


def test_profile_updates_change_only_their_fields(store: Store) -> None:
    apply(store, *SITE, row_event("wp_posts", "r", post(5, author=7)), record(registered(ZOE)))
    apply(store, record(profile_updated(7, 2, display_name="Zoë Å.", email="new@example.test", first_name="Z")))
    item = author(store)
    assert (item["name"], item["avatar_urls"], item["slug"]) == ("Zoë Å.", avatars("new@example.test"), "zoe")
    assert item["description"] == ZOE["description"] and item["url"] == ZOE["url"]
    apply(store, record(profile_updated(7, 3, nicename="zoe-a", description="", url="")))
    item = author(store)
    assert (item["slug"], item["link"], item["description"], item["url"]) == (
        "zoe-a", "http://example.test/author/zoe-a/", "", "")  # fmt: skip
    apply(store, record(profile_updated(7, 4, locale="de_DE")))  # nothing content keeps
    assert author(store) == item
    apply(store, record(profile_updated(99, 2, display_name="Nobody")))  # never registered: nothing
    with store.engine.connect() as connection:
        assert [row.id for row in connection.execute(select(users))] == [7]


def test_role_changes_are_kept_and_deletion_removes_the_author(store: Store) -> None:
    apply(store, *SITE, row_event("wp_posts", "r", post(5, author=7)), record(registered(ZOE)))
    apply(store, record(role_changed(7, 2, ["editor", "author"], ["author"])))
    with store.engine.connect() as connection:
        assert connection.execute(select(users.c.roles)).scalar_one() == ["editor", "author"]
    before = author(store)
    apply(store, record(role_changed(7, 3, [], ["editor", "author"])))
    assert author(store) == before  # roles do not show to visitors
    apply(store, record(deleted(7, 4)))
    assert author(store) == UNKNOWN  # as WordPress embeds a post_author that is no user
    with store.engine.connect() as connection:
        assert connection.execute(select(users)).all() == []


def test_a_post_reassigned_before_the_deletion_embeds_its_new_author(store: Store) -> None:
    """WordPress reassigns (or deletes) a deleted user's posts: row events content gets anyway."""
    ann = {"id": 8, "login": "ann", "display_name": "Ann"}
    apply(store, *SITE, row_event("wp_posts", "r", post(5, author=7)), record(registered(ZOE)), record(registered(ann)))
    apply(store, row_event("wp_posts", "u", post(5, author=8)), record(deleted(7, 2)))
    assert (author(store)["id"], author(store)["name"]) == (8, "Ann")


def test_an_author_whose_registration_has_not_arrived_yet_is_unknown_until_it_does(store: Store) -> None:
    apply(store, *SITE, row_event("wp_posts", "r", post(5, author=7)))
    assert author(store) == UNKNOWN
    apply(store, record(registered(ZOE)))
    assert author(store)["id"] == 7


def test_redelivered_and_invalid_user_events(store: Store) -> None:
    apply(store, *SITE, row_event("wp_posts", "r", post(5, author=7)), row_event("wp_posts", "r", post(6, author=9)))
    first = registered(ZOE)
    rename = profile_updated(7, 2, display_name="Renamed")
    bad = json.loads(registered({"id": 9, "login": "x"}).to_json())
    bad["data"]["user_pass"] = "$P$hash"  # the contract refuses secrets
    records = [record(first), record(rename), record(first), Record(USERS_TOPIC, 0, 10_000, b"9",
                                                                    json.dumps(bad).encode())]  # fmt: skip
    result = apply_batch(store, ContentProjection(), records)
    assert (result.applied, result.skipped, len(result.dead)) == (2, 1, 1)
    assert "SchemaViolationError" in result.dead[0].error and "$.data.user_pass" in result.dead[0].error
    assert author(store)["name"] == "Renamed"  # the registration again did not undo it
    assert author(store, 6) == UNKNOWN


def test_site_data_for_dynamic_blocks_has_the_users_from_events(store: Store) -> None:
    apply(store, *SITE, record(registered(ZOE)), record(profile_updated(7, 2, description="Bio")))
    with store.engine.connect() as connection:
        (user,) = SiteDataSource(connection).part("users")
    assert (user.id, user.login, user.display_name, user.nicename, user.description, user.email) == (
        7, "zoë", "Zoë Ångström", "zoe", "Bio", ZOE["email"])  # fmt: skip
