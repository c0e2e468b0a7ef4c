"""The content read model built from events constructed with the CDC contract, and read through the API
layer (no Kafka, no WordPress): order across tables, deletes, truncates, option changes, rendering."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from cdc.events import ChangeEvent, Tombstone, encode
from extracted.content import ContentProjection
from extracted.content.app import render
from extracted.rest import parse_str
from extracted.runtime import Record, Store, apply_batch, open_engine

EPOCH_2024 = 1_704_103_200_000  # 2024-01-01T10:00:00 as CDC writes DATETIME (epoch ms read as UTC)
offsets = itertools.count()


def event(table: str, op: str, row: dict[str, Any], before: dict[str, Any] | None = None) -> Record:
    topic = f"wordpress.wordpress.{table}"
    key_column = next(k for k in ("ID", "meta_id", "option_id", "term_id", "umeta_id") if k in row)
    change = ChangeEvent(topic, {key_column: row[key_column]}, op, before if op != "d" else row,  # type: ignore[arg-type]
                         None if op == "d" else row, {"table": table, "ts_ms": 1}, 1)  # fmt: skip
    key, value = encode(change)
    return Record(topic, 0, next(offsets), key, value)


def post(post_id: int, **fields: Any) -> dict[str, Any]:
    row = {
        "ID": post_id, "post_author": 1, "post_date": EPOCH_2024, "post_date_gmt": EPOCH_2024,
        "post_content": "Hello -- world", "post_title": "It's a title", "post_excerpt": "", "post_status": "publish",
        "comment_status": "open", "ping_status": "open", "post_password": "", "post_name": f"post-{post_id}",
        "post_modified": EPOCH_2024, "post_modified_gmt": EPOCH_2024, "post_parent": 0, "guid": f"http://x/?p={post_id}",
        "menu_order": 0, "post_type": "post", "post_mime_type": "", "comment_count": 0,
    }  # fmt: skip
    row.update(fields)
    return row


def option(option_id: int, name: str, value: str) -> dict[str, Any]:
    return {"option_id": option_id, "option_name": name, "option_value": value, "autoload": "yes"}


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(open_engine(f"sqlite:///{tmp_path / 'content.db'}"), ContentProjection().metadata)
    store.create()
    return store


def apply(store: Store, *records: Record) -> None:
    result = apply_batch(store, ContentProjection(), list(records), lambda letters: None)
    assert not result.dead, result.dead


def get(store: Store, route: str, query: str = "") -> tuple[int, Any]:
    with store.engine.connect() as connection:
        rendered = render(connection, route, parse_str(query))
    return rendered.status, json.loads(rendered.body)


SITE = [
    event("wp_options", "r", option(1, "home", "http://example.test")),
    event("wp_options", "r", option(2, "permalink_structure", "/%postname%/")),
]


def test_meta_before_its_post_and_rendering_at_projection_time(store: Store) -> None:
    apply(store, *SITE, event("wp_postmeta", "c", {"meta_id": 1, "post_id": 5, "meta_key": "_thumbnail_id",
                                                   "meta_value": "9"}))  # fmt: skip
    apply(store, event("wp_posts", "c", post(5)))
    status, body = get(store, "/wp/v2/posts/5")
    assert status == 200
    assert body["featured_media"] == 9
    assert body["title"]["rendered"] == "It&#8217;s a title"
    assert body["content"]["rendered"] == "<p>Hello &#8212; world</p>\n"
    assert body["link"] == "http://example.test/post-5/"


def test_changed_home_option_changes_links_and_deletes_and_tombstones_remove(store: Store) -> None:
    apply(store, *SITE, event("wp_posts", "r", post(5)), event("wp_posts", "r", post(6)))
    apply(store, event("wp_options", "u", option(1, "home", "https://moved.test")))
    assert get(store, "/wp/v2/posts/5")[1]["link"] == "https://moved.test/post-5/"
    topic = "wordpress.wordpress.wp_posts"
    key, value = encode(Tombstone(topic, {"ID": 6}))
    apply(store, event("wp_posts", "d", post(6)), Record(topic, 0, next(offsets), key, value))
    assert get(store, "/wp/v2/posts/6")[0] == 404
    assert [item["id"] for item in get(store, "/wp/v2/posts")[1]] == [5]


def test_visibility_and_truncate(store: Store) -> None:
    apply(store, *SITE, event("wp_posts", "r", post(5, post_status="draft")),
          event("wp_posts", "r", post(7, post_password="secret")))  # fmt: skip
    forbidden = {"code": "rest_forbidden", "message": "Sorry, you are not allowed to do that.", "data": {"status": 401}}
    assert get(store, "/wp/v2/posts/5") == (401, forbidden)
    protected = get(store, "/wp/v2/posts/7")[1]
    assert protected["content"] == {"rendered": "", "protected": True}
    assert get(store, "/wp/v2/posts/7", "password=secret")[1]["content"]["rendered"].startswith("<p>Hello")
    assert get(store, "/wp/v2/posts/7", "password=nope")[0] == 403
    truncate = ChangeEvent("wordpress.wordpress.wp_posts", {}, "t", None, None, {"table": "wp_posts"}, 1)
    key, value = encode(truncate)
    apply(store, Record("wordpress.wordpress.wp_posts", 0, next(offsets), key, value))
    assert get(store, "/wp/v2/posts")[1] == []


def test_invalid_parameters_answer_like_wordpress(store: Store) -> None:
    apply(store, *SITE)
    status, body = get(store, "/wp/v2/posts", "per_page=0&page=0&orderby=foo")
    assert status == 400
    assert body["message"] == "Invalid parameter(s): page, per_page"
    assert body["data"]["params"]["per_page"] == "per_page must be between 1 (inclusive) and 100 (inclusive)"
    status, body = get(store, "/wp/v2/posts", "orderby=foo&order=bar&sticky=x")
    assert body["message"] == "Invalid parameter(s): orderby, order, sticky"
    assert body["data"]["params"]["order"] == "order is not one of asc and desc."
