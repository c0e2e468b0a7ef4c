"""WordPress's statements for a comment's life (posted, held, approved, edited, trashed, deleted) through the
comments projection and the announcer: the events the outbox gets, valid against their schemas, once each."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from extracted.comments import records, schema
from extracted.comments.announcer import Announcer, next_comment_id
from extracted.comments.projection import CommentsProjection
from extracted.contracts import parse_and_validate
from extracted.runtime import Store, open_engine
from tests.extracted.comments.test_comments_projection import comment_row, event


class Site:
    """A comments store fed WordPress-shaped change events, with a clock the test moves."""

    def __init__(self, tmp_path: Path) -> None:
        self.engine: Engine = open_engine(f"sqlite:///{tmp_path / 'comments.db'}")
        self.projection = CommentsProjection()
        Store(self.engine, schema.metadata).create()
        self.now = 0
        self.announcer = Announcer(self.engine, "wordpress", clock=lambda: self.now)

    def batch(self, *events: tuple[str, dict[str, Any]], before: dict[str, Any] | None = None) -> None:
        with self.engine.begin() as connection:
            changes = [
                change
                for op, row in events
                for change in self.projection.project(event("wp_comments", op, row, before))
            ]
            Store(self.engine, schema.metadata).apply(connection, changes)
            self.projection.after_batch(connection, changes)

    def announced(self) -> list[dict[str, Any]]:
        self.now = 10**13  # long after every change: all settled
        self.announcer.announce_due()
        with self.engine.begin() as connection:
            events = records.outbox.pending(connection, 100)
            records.outbox.forget_through(connection, events[-1].sequence if events else 0)
        return [json.loads(parse_and_validate(item.value).to_json()) for item in events]


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return Site(tmp_path)


def test_a_comment_s_life(site: Site) -> None:
    site.batch(("c", comment_row(7, comment_approved="0")))
    (posted,) = site.announced()
    assert posted["type"] == "comment.posted" and posted["subject"] == "7"
    assert posted["data"]["status"] == "hold" and posted["data"]["date_gmt"] == "2024-11-24T13:00:00Z"
    assert posted["data"]["author_email"] == "a@x.test" and posted["data"]["date"] == "2024-11-24T13:00:00"

    site.batch(("u", comment_row(7, comment_approved="1")))
    assert [e["type"] for e in site.announced()] == ["comment.approved"]

    site.batch(("u", comment_row(7, comment_content="Hello, edited", comment_approved="1")))
    (updated,) = site.announced()
    assert updated["type"] == "comment.updated" and updated["data"]["changed"] == {"content": "Hello, edited"}

    site.batch(("u", comment_row(7, comment_content="Hello, edited", comment_approved="trash")))
    (trashed,) = site.announced()
    assert trashed["data"] | {} == {"id": 7, "post": 10, "status": "trash", "previous_status": "approved"}

    site.batch(("d", comment_row(7, comment_content="Hello, edited", comment_approved="trash")))
    (deleted,) = site.announced()
    assert deleted["type"] == "comment.deleted" and deleted["data"] == {"id": 7, "post": 10}
    assert site.announced() == []


def test_statements_within_the_settle_time_make_one_event(site: Site) -> None:
    # wp_insert_comment, then the same row updated by a plugin in the next statement
    site.batch(("c", comment_row(8, comment_approved="0")), ("u", comment_row(8, comment_approved="1")))
    assert [(e["type"], e["data"]["status"]) for e in site.announced()] == [("comment.posted", "approved")]


def test_an_echo_of_the_same_row_announces_nothing_and_ids_are_never_reused(site: Site) -> None:
    site.batch(("c", comment_row(9)))
    assert len(site.announced()) == 1
    site.batch(("u", comment_row(9)))  # the CDC echo of a legacy sync, or a no-op update
    assert site.announced() == []
    site.batch(("d", comment_row(9)))
    assert [e["type"] for e in site.announced()] == ["comment.deleted"]
    with site.engine.connect() as connection:
        assert next_comment_id(connection) == 19  # the deleted comment's id stays taken
