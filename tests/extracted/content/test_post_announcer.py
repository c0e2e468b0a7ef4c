"""WordPress's statements for a post's life (inserted, scheduled, published, edited with revisions and
autosaves, meta and comment churn, trashed, deleted) through the content projection and the announcer:
the events the outbox gets, valid against their schemas, once each, also after a replay."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from cdc.events import ChangeEvent
from extracted.content import post_records, schema
from extracted.content.post_announcer import ROUND_LIMIT, Announcer
from extracted.content.projection import ContentProjection
from extracted.contracts import parse_and_validate
from extracted.runtime import Store, open_engine

MS_2024_11_24_13 = 1732453200000
#: a clock long after any change the projection marks (it marks them with the wall clock)
LATER = 10**13
STRUCTURE = "/%year%/%monthnum%/%day%/%postname%/"
LINK = "http://site.test/2024/11/24/ferns/"


def event(table: str, op: str, row: dict[str, Any], before: dict[str, Any] | None = None) -> ChangeEvent:
    after = None if op == "d" else row
    return ChangeEvent(f"wordpress.wordpress.{table}", {}, op, row if op == "d" else before, after,  # type: ignore[arg-type]
                       {"table": table}, 1000)  # fmt: skip


def post_row(post_id: int, **values: Any) -> dict[str, Any]:
    row = {
        "ID": post_id, "post_author": 1, "post_date": MS_2024_11_24_13, "post_date_gmt": MS_2024_11_24_13,
        "post_content": "<p>Ferns.</p>", "post_title": "Ferns", "post_excerpt": "", "post_status": "publish",
        "comment_status": "open", "ping_status": "open", "post_password": "", "post_name": "ferns",
        "post_modified": MS_2024_11_24_13, "post_modified_gmt": MS_2024_11_24_13, "post_parent": 0,
        "guid": f"http://site.test/?p={post_id}", "menu_order": 0, "post_type": "post", "post_mime_type": "",
        "comment_count": 0,
    }  # fmt: skip
    return {**row, **values}


def option_row(option_id: int, name: str, value: str) -> dict[str, Any]:
    return {"option_id": option_id, "option_name": name, "option_value": value, "autoload": "yes"}


class Site:
    """A content store fed WordPress-shaped change events, with a clock the test moves."""

    def __init__(self, tmp_path: Path) -> None:
        self.engine: Engine = open_engine(f"sqlite:///{tmp_path / 'content.db'}")
        self.store = Store(self.engine, schema.metadata)
        self.store.create()
        self.projection = ContentProjection()
        self.now = 0
        self.announcer = Announcer(self.engine, "wordpress", clock=lambda: self.now)
        self.site_options()

    def site_options(self, structure: str = STRUCTURE) -> None:
        self.batch(("wp_options", "c", option_row(1, "home", "http://site.test")),
                   ("wp_options", "c", option_row(2, "permalink_structure", structure)))  # fmt: skip

    def batch(self, *events: tuple[str, str, dict[str, Any]]) -> None:
        with self.engine.begin() as connection:
            changes = [change for table, op, row in events for change in self.projection.project(event(table, op, row))]
            self.store.apply(connection, changes)
            self.projection.after_batch(connection, changes)

    def posts(self, *events: tuple[str, dict[str, Any]]) -> None:
        self.batch(*(("wp_posts", op, row) for op, row in events))

    def announced(self) -> list[dict[str, Any]]:
        self.now = LATER  # long after every change: all settled
        for _ in range(100):
            if not self.announcer.announce_due() and not self.announcer.pending_count():
                break
        with self.engine.begin() as connection:
            events = post_records.outbox.pending(connection, 10_000)
            post_records.outbox.forget_through(connection, events[-1].sequence if events else 0)
        assert all(item.topic == "wordpress.events.posts" for item in events)
        return [json.loads(parse_and_validate(item.value).to_json()) for item in events]


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return Site(tmp_path)


def test_a_post_s_life(site: Site) -> None:
    # the editor's "Add New": an auto-draft, then the draft with its revisions and meta
    site.posts(("c", post_row(7, post_status="auto-draft", post_title="Auto Draft", post_name="",
                              post_date_gmt=0)))  # fmt: skip
    site.posts(("u", post_row(7, post_status="draft", post_name="", post_date_gmt=0)),
               ("c", post_row(8, post_type="revision", post_status="inherit", post_parent=7,
                              post_name="7-revision-v1")))  # fmt: skip
    site.batch(("wp_postmeta", "c", {"meta_id": 1, "post_id": 7, "meta_key": "_edit_lock", "meta_value": "1:1"}))
    assert site.announced() == []
    # scheduled, then the cron publishes it (the status alone)
    site.posts(("u", post_row(7, post_status="future")))
    assert site.announced() == []
    site.posts(("u", post_row(7)))
    (published,) = site.announced()
    assert published["type"] == "post.published" and published["subject"] == "7"
    assert published["source"] == "/strangler/content"
    assert published["data"] == {
        "id": 7, "type": "post", "status": "publish", "title": "Ferns", "content": "<p>Ferns.</p>", "excerpt": "",
        "slug": "ferns", "link": LINK, "author": 1, "date_gmt": "2024-11-24T13:00:00Z", "comment_status": "open",
        "password_protected": False, "categories": [], "tags": [],
    }  # fmt: skip
    # churn: a comment count, the modification date, a menu order, an autosave, meta: nothing
    site.posts(("u", post_row(7, comment_count=3, post_modified=MS_2024_11_24_13 + 60_000, menu_order=2)),
               ("c", post_row(9, post_type="revision", post_status="inherit", post_parent=7,
                              post_name="7-autosave-v1", post_title="Ferns?")))  # fmt: skip
    site.batch(("wp_postmeta", "c", {"meta_id": 2, "post_id": 7, "meta_key": "_edit_last", "meta_value": "1"}))
    assert site.announced() == []
    # an edit of the title with a category: one event with only what changed
    site.posts(("u", post_row(7, post_title="Ferns and mosses", comment_count=3)))
    site.batch(("wp_terms", "c", {"term_id": 4, "name": "Plants", "slug": "plants", "term_group": 0}),
               ("wp_term_taxonomy", "c", {"term_taxonomy_id": 5, "term_id": 4, "taxonomy": "category",
                                          "description": "", "parent": 0, "count": 1}),
               ("wp_term_relationships", "c", {"object_id": 7, "term_taxonomy_id": 5, "term_order": 0}))  # fmt: skip
    (updated,) = site.announced()
    assert updated["type"] == "post.updated"
    assert updated["data"] == {"id": 7, "type": "post", "changed": {"title": "Ferns and mosses", "categories": [4]}}
    # trashed (meta first, then the status and the slug), then deleted for good
    site.batch(("wp_postmeta", "c", {"meta_id": 3, "post_id": 7, "meta_key": "_wp_trash_meta_status",
                                     "meta_value": "publish"}))  # fmt: skip
    site.posts(("u", post_row(7, post_status="trash", post_name="ferns__trashed", post_title="Ferns and mosses")))
    (unpublished,) = site.announced()
    assert unpublished["type"] == "post.unpublished"
    assert unpublished["data"] == {"id": 7, "type": "post", "status": "trash"}
    site.posts(("d", post_row(9, post_type="revision", post_status="inherit")),
               ("d", post_row(7, post_status="trash")))  # fmt: skip
    (deleted,) = site.announced()
    assert deleted["type"] == "post.deleted" and deleted["data"] == {"id": 7, "type": "post"}
    assert len({e["id"] for e in (published, updated, unpublished, deleted)}) == 4
    assert site.announced() == []


def test_insert_then_guid_update_within_the_settle_time_is_one_event(site: Site) -> None:
    site.posts(("c", post_row(7, guid="", post_type="page", post_name="about")))
    with site.engine.connect() as connection:
        marked = connection.execute(select(post_records.pending.c.last_change_ms)).scalar_one()
    site.now = marked + 100  # the next statement, 100 ms later: still settling
    assert site.announcer.announce_due() == 0
    site.posts(("u", post_row(7, post_type="page", post_name="about")))
    (published,) = site.announced()
    assert published["data"]["type"] == "page" and published["data"]["link"] == "http://site.test/about/"


def test_a_draft_deleted_before_it_was_published_makes_no_event(site: Site) -> None:
    site.posts(("c", post_row(7, post_status="draft")))
    site.posts(("d", post_row(7, post_status="draft")))
    assert site.announced() == []


def test_nothing_is_announced_before_the_site_s_links_are_known(tmp_path: Path) -> None:
    site = Site.__new__(Site)
    site.engine = open_engine(f"sqlite:///{tmp_path / 'bare.db'}")
    site.store, site.projection, site.now = Store(site.engine, schema.metadata), ContentProjection(), 0
    site.store.create()
    site.announcer = Announcer(site.engine, "wordpress", clock=lambda: site.now)
    site.posts(("c", post_row(7)))
    site.now = LATER
    assert site.announcer.announce_due() == 0 and site.announcer.pending_count() == 1
    site.site_options("")
    (published,) = site.announced()
    assert published["data"]["link"] == "http://site.test/?p=7"


def test_a_replay_announces_nothing_twice(site: Site) -> None:
    life = [("c", post_row(7)), ("u", post_row(7, post_title="Two")), ("c", post_row(11, post_type="page"))]
    site.posts(*life)
    assert sorted(e["type"] for e in site.announced()) == ["post.published", "post.published"]
    site.store.drop()  # a rebuild: the read model goes, the ledger (announced state, outbox) stays
    site.store.create()
    site.site_options()
    for change in life:
        site.posts(change)
    assert site.announced() == []
    with site.engine.connect() as connection:
        assert connection.execute(select(post_records.announced.c.version)).scalars().all() == [1, 1]


def test_a_round_decides_a_bounded_number_of_posts(site: Site) -> None:
    count = ROUND_LIMIT + 50
    site.posts(*(("c", post_row(100 + n, post_name=f"p{n}")) for n in range(count)))
    site.now = LATER
    assert site.announcer.announce_due() == ROUND_LIMIT
    assert site.announcer.pending_count() == 50
    assert len(site.announced()) == count
