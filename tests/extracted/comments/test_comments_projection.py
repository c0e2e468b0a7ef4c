"""The comments projection: WordPress's rows (as CDC sends them) and the users service's events → the read model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from cdc.events import ChangeEvent, Tombstone
from extracted.comments import schema
from extracted.comments.projection import SOURCE_TABLES, CommentsProjection, mysql_datetime, project, project_user_event
from extracted.contracts import CloudEvent
from extracted.runtime import Delete, Store, Truncate, Update, Upsert, open_engine
from extracted.runtime.types import EventProjection

MS_2024_11_24_13 = 1732453200000  # 2024-11-24 13:00:00 as CDC sends a DATETIME (epoch ms read as UTC)


def event(table: str, op: str, row: dict[str, Any], before: dict[str, Any] | None = None) -> ChangeEvent:
    after = None if op == "d" else row
    return ChangeEvent(f"wordpress.wordpress.{table}", {}, op, row if op == "d" else before, after,  # type: ignore[arg-type]
                       {"table": table}, 1000)  # fmt: skip


def comment_row(comment_id: int, **values: Any) -> dict[str, Any]:
    row = {"comment_ID": comment_id, "comment_post_ID": 10, "comment_author": "Ann",
           "comment_author_email": "a@x.test", "comment_author_url": "https://ann.test",
           "comment_author_IP": "127.0.0.1", "comment_date": MS_2024_11_24_13, "comment_date_gmt": MS_2024_11_24_13,
           "comment_content": "Hello", "comment_karma": 0, "comment_approved": "1", "comment_agent": "curl",
           "comment_type": "comment", "comment_parent": 0, "user_id": 0}  # fmt: skip
    return {**row, **values}


def user_event(kind: str, data: dict[str, Any]) -> CloudEvent:
    return CloudEvent(id=f"e-{kind}-{data['id']}", source="/strangler/users", type=kind, subject=str(data["id"]),
                      time="2024-11-24T13:00:00Z", data=data)  # fmt: skip


def test_every_column_of_a_comment_is_kept() -> None:
    (change,) = project(event("wp_comments", "c", comment_row(7, comment_parent=3, user_id=2, comment_karma=5)))
    assert change == Upsert("comments_comments", {"id": 7}, {
        "post_id": 10, "author": "Ann", "author_email": "a@x.test", "author_url": "https://ann.test",
        "author_ip": "127.0.0.1", "date": "2024-11-24 13:00:00", "date_gmt": "2024-11-24 13:00:00", "content": "Hello",
        "karma": 5, "approved": "1", "agent": "curl", "type": "comment", "parent": 3, "user_id": 2,
        **schema.lookup_keys("a@x.test", "Hello"),
    })  # fmt: skip


def test_dates_are_kept_as_mariadb_shows_them() -> None:
    assert mysql_datetime(MS_2024_11_24_13) == "2024-11-24 13:00:00"
    assert mysql_datetime(0) == mysql_datetime(None) == "0000-00-00 00:00:00"
    assert mysql_datetime(-30610224000000) == "1000-01-01 00:00:00"  # before the epoch
    assert sorted(["2024-11-24 13:00:00", "0000-00-00 00:00:00", "2024-01-02 00:00:00"])[0] == "0000-00-00 00:00:00"


def test_deletes_truncates_tombstones_and_moved_keys() -> None:
    assert project(event("wp_comments", "d", comment_row(7))) == [Delete("comments_comments", {"id": 7})]
    assert project(event("wp_comments", "t", {})) == [Truncate("comments_comments")]
    assert project(Tombstone("wordpress.wordpress.wp_comments", {"comment_ID": 7})) == []
    moved = project(event("wp_comments", "u", comment_row(8), before=comment_row(7)))
    assert [type(change) for change in moved] == [Delete, Upsert] and moved[0] == Delete("comments_comments", {"id": 7})


def test_posts_keep_what_visibility_and_links_need_and_the_texts_of_posts_and_pages() -> None:
    row = {"ID": 10, "post_type": "page", "post_status": "publish", "post_password": "pw", "comment_status": "open",
           "ping_status": "closed", "post_name": "about", "post_parent": 3, "post_author": 1,
           "post_date": MS_2024_11_24_13, "post_date_gmt": MS_2024_11_24_13, "post_content": "Text",
           "post_title": "About", "post_excerpt": None}  # fmt: skip
    change, texts = project(event("wp_posts", "r", row))
    assert isinstance(change, Upsert) and change.key == {"id": 10}
    assert change.values == {"type": "page", "status": "publish", "password": "pw", "comment_status": "open",
                             "ping_status": "closed", "name": "about", "parent": 3, "author": 1,
                             "date": "2024-11-24 13:00:00", "date_gmt": "2024-11-24 13:00:00"}  # fmt: skip
    assert texts == Upsert("comments_post_texts", {"id": 10}, {"title": "About", "excerpt": "", "content": "Text"})
    revision = project(event("wp_posts", "c", {**row, "ID": 11, "post_type": "revision"}))
    assert revision[1] == Delete("comments_post_texts", {"id": 11})
    assert project(event("wp_posts", "d", row)) == [Delete("comments_posts", {"id": 10}),
                                                   Delete("comments_post_texts", {"id": 10})]  # fmt: skip


def test_only_thumbnails_and_oembed_caches_of_the_post_meta() -> None:
    meta = {"meta_id": 5, "post_id": 10, "meta_key": "_thumbnail_id", "meta_value": "42"}
    kept = Upsert("comments_post_meta", {"meta_id": 5}, {"post_id": 10, "key": "_thumbnail_id", "value": "42"})
    assert project(event("wp_postmeta", "c", meta)) == [kept]
    assert project(event("wp_postmeta", "c", {**meta, "meta_key": "_oembed_ab12", "meta_value": "<b>"}))
    assert project(event("wp_postmeta", "c", {**meta, "meta_key": "_edit_lock"})) == []
    renamed = project(event("wp_postmeta", "u", {**meta, "meta_key": "x"}, before=meta))
    assert renamed == [Delete("comments_post_meta", {"meta_id": 5})]


def test_only_the_kept_options() -> None:
    kept = project(event("wp_options", "c", {"option_id": 1, "option_name": "home", "option_value": "http://x.test"}))
    assert kept == [Upsert("comments_options", {"option_id": 1}, {"name": "home", "value": "http://x.test"})]
    assert project(event("wp_options", "c", {"option_id": 2, "option_name": "_transient_x", "option_value": "1"})) == []
    renamed = event("wp_options", "u", {"option_id": 1, "option_name": "home_old", "option_value": "x"},
                    before={"option_id": 1, "option_name": "home", "option_value": "x"})  # fmt: skip
    assert project(renamed) == [Delete("comments_options", {"option_id": 1})]
    assert project(event("wp_users", "c", {"ID": 1})) == []  # not a source table


def test_users_events_keep_emails_only() -> None:
    registered = user_event("user.registered", {"id": 4, "login": "ann", "email": "Ann@X.test", "roles": ["author"]})
    assert project_user_event(registered) == [Upsert("comments_user_emails", {"user_id": 4}, {"email": "Ann@X.test"})]
    updated = user_event("user.profile_updated", {"id": 4, "changed": {"email": "new@x.test"}})
    assert project_user_event(updated) == [Update("comments_user_emails", {"user_id": 4}, {"email": "new@x.test"})]
    assert project_user_event(user_event("user.profile_updated", {"id": 4, "changed": {"url": "u"}})) == []
    assert project_user_event(user_event("user.deleted", {"id": 4})) == [Delete("comments_user_emails", {"user_id": 4})]
    assert project_user_event(user_event("user.role_changed", {"id": 4, "roles": []})) == []


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(open_engine(f"sqlite:///{tmp_path / 'comments.db'}"), schema.metadata)
    store.create()
    return store


def test_the_runtime_sees_an_event_projection(store: Store) -> None:
    projection = CommentsProjection()
    assert isinstance(projection, EventProjection)
    assert (
        tuple(projection.source_tables()) == SOURCE_TABLES == ("wp_comments", "wp_posts", "wp_options", "wp_postmeta")
    )
    assert list(projection.source_events()) == ["users"]
    with store.engine.begin() as connection:
        registered = user_event("user.registered", {"id": 2, "email": "b@x.test"})
        changes = [*projection.project(event("wp_comments", "c", comment_row(7)))]
        changes += projection.project_event(registered)
        store.apply(connection, changes)
        projection.after_batch(connection, changes)
    with store.engine.connect() as connection:
        assert connection.execute(select(schema.comments.c.date)).scalar_one() == "2024-11-24 13:00:00"
        assert connection.execute(select(schema.user_emails.c.email)).scalar_one() == "b@x.test"
