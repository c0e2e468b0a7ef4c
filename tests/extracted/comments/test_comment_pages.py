"""Comment pages as ``get_comment_link`` names them: the options as PHP reads them, the page of a reply
(its top-level ancestor's when threaded), the link's forms, and when the visitor's email would count.

The pages themselves are checked against WordPress by ``test_comments_live.py`` (paged comments)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, insert, select

from extracted.comments import schema
from extracted.comments.comment_pages import (
    CommentPaging,
    PageUnmodelledError,
    comment_link,
    identifies_commenter,
    paging,
)
from extracted.runtime import Store, open_engine


def test_the_options_as_php_reads_them() -> None:
    assert paging({}) == CommentPaging() and not paging({"page_comments": "0", "comments_per_page": "2"}).paged
    assert paging({"page_comments": "1", "comments_per_page": "2"}) == CommentPaging(True, 2, -1, False)
    assert paging({"page_comments": "1", "comments_per_page": "0"}).per_page is None  # empty(): no page
    assert paging({"page_comments": "1", "comments_per_page": "00"}).per_page == 0  # not empty: page 1
    threaded = paging({"page_comments": "1", "comments_per_page": "3", "thread_comments": "1",
                       "thread_comments_depth": "5", "default_comments_page": "oldest"})  # fmt: skip
    assert threaded == CommentPaging(True, 3, 5, True)
    for odd in ({"comments_per_page": "2x"}, {"comments_per_page": " 2"},
                {"comments_per_page": "2", "thread_comments": "1", "thread_comments_depth": "deep"}):  # fmt: skip
        with pytest.raises(PageUnmodelledError):
            paging({"page_comments": "1", **odd})


@pytest.fixture
def db(tmp_path: Path) -> Any:
    store = Store(open_engine(f"sqlite:///{tmp_path / 'pages.db'}"), schema.metadata)
    store.create()
    rows = [  # (id, post, parent, approved, date_gmt)
        (1, 5, 0, "1", "2024-01-01 10:00:00"), (2, 5, 0, "1", "2024-01-01 11:00:00"),
        (3, 5, 0, "0", "2024-01-01 11:30:00"), (4, 5, 2, "1", "2024-01-01 11:45:00"),
        (5, 5, 0, "1", "2024-01-01 12:00:00"), (6, 5, 0, "1", "2024-01-01 12:00:00"),
        (7, 5, 4, "1", "2024-01-01 13:00:00"), (8, 5, 99, "1", "2024-01-01 14:00:00"),
        (9, 5, 10, "1", "2024-01-01 15:00:00"), (10, 5, 9, "1", "2024-01-01 15:00:00"),
    ]  # fmt: skip
    with store.engine.begin() as connection:
        for comment_id, post, parent, approved, date in rows:
            connection.execute(insert(schema.comments).values(id=comment_id, post_id=post, parent=parent,
                                                              approved=approved, date_gmt=date))  # fmt: skip
    with store.engine.connect() as connection:
        yield connection


def _link(db: Connection, paged: CommentPaging, comment_id: int, pretty: bool = True) -> str:
    row = db.execute(select(schema.comments).where(schema.comments.c.id == comment_id)).one()

    def trailing(path: str) -> str:
        return path.rstrip("/") + "/"

    post = "http://x.test/p/" if pretty else "http://x.test/?p=5"
    return comment_link(db, paged, row, post, pretty=pretty, trailing=trailing)


def test_pages_count_older_approved_top_level_comments(db: Connection) -> None:
    flat = CommentPaging(True, 2, -1, False)
    # comment 6 has 1, 2 before it (5 has the same second, 3 is held): page 2; a reply counts top-level ones
    assert [_link(db, flat, n).split("/")[-2] for n in (1, 2, 5, 6, 4)] == [
        "comment-page-1", "comment-page-1", "comment-page-2", "comment-page-2", "comment-page-2"]  # fmt: skip
    threaded = CommentPaging(True, 2, 5, False)
    assert _link(db, threaded, 7) == "http://x.test/p/comment-page-1/#comment-7"  # 7 → 4 → 2: page 1
    assert _link(db, threaded, 8) == "http://x.test/p/#comment-8"  # its parent is gone: no page
    with pytest.raises(PageUnmodelledError):
        _link(db, threaded, 9)  # 9 → 10 → 9
    oldest = CommentPaging(True, 2, 5, True)
    assert _link(db, oldest, 7) == "http://x.test/p/#comment-7" and "comment-page-2" in _link(db, oldest, 5)
    assert _link(db, flat, 5, pretty=False) == "http://x.test/?p=5&cpage=2#comment-5"
    assert _link(db, CommentPaging(True, None), 5) == "http://x.test/p/#comment-5"  # empty per page: none
    assert _link(db, CommentPaging(True, 0), 5) == "http://x.test/p/comment-page-1/#comment-5"


def test_when_the_visitor_s_held_comments_would_count() -> None:
    assert identifies_commenter({"comment_author_email_abc": "a@x.test"}, {})
    assert not identifies_commenter({"comment_author_abc": "A"}, {"unapproved": "5"})
    assert identifies_commenter({}, {"unapproved": "5", "moderation-hash": "f00"})
    assert not identifies_commenter({}, {"unapproved": "0", "moderation-hash": "f00"})
