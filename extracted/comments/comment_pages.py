"""Which comment page a comment's link names, as WordPress 6.1's ``get_comment_link`` and
``get_page_of_comment`` decide it outside the comment loop (a REST answer).

With ``page_comments`` on, the page comes from ``comments_per_page``: the comment's top-level ancestor
when comments are threaded deeper than one level (``thread_comments``, ``thread_comments_depth``), and
the approved top-level comments of its post (of any type) posted strictly before it, by
``comment_date_gmt``: ``ceil((older + 1) / per_page)``, page 1 without older ones. ``comment_order``
does not enter into it. With ``default_comments_page`` ``oldest`` page 1 is named by no page at all.
The options are PHP's strings, read as PHP reads them: an empty ``comments_per_page`` (``""``, ``"0"``)
names no page, other values below one name page 1; a value PHP would not read as a plain number, a
loop of parents, are declined (:class:`PageUnmodelledError`). A reply whose ancestor is gone names no page.

The visitor's own held comments would count too when WordPress knows the visitor's email (a commenter
cookie, or ``unapproved`` and ``moderation-hash`` in the query): the app declines those requests on
paged sites (:func:`identifies_commenter`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, func, select

from extracted.rest import Query, with_query

from . import schema

__all__ = [
    "COMMENT_PAGES_BASE",
    "CommentPaging",
    "PageUnmodelledError",
    "comment_link",
    "identifies_commenter",
    "paging",
]

comments = schema.comments
#: ``$wp_rewrite->comments_pagination_base``
COMMENT_PAGES_BASE = "comment-page"
_DIGITS = re.compile(r"[0-9]+")
#: deeper chains of parents than this are a loop in PHP (it recurses until it runs out of stack)
_MAX_DEPTH = 1000
COMMENTER_COOKIE = "comment_author_email_"


class PageUnmodelledError(ValueError):
    """Options or comments whose page the service does not reproduce."""


def _php_true(value: str | None) -> bool:
    return value not in (None, "", "0")


@dataclass(frozen=True)
class CommentPaging:
    """What of the site's options the page of a comment depends on."""

    #: ``page_comments``: links name a page (else never)
    paged: bool = False
    #: ``comments_per_page`` as PHP reads it; None: empty (no page is named)
    per_page: int | None = None
    #: ``thread_comments_depth`` when threaded, else -1 (``max_depth``)
    max_depth: int = -1
    #: ``default_comments_page`` is ``oldest``: page 1 is the post's own link
    oldest_first: bool = False


def paging(options: Mapping[str, str]) -> CommentPaging:
    """The paging of comment links from the site's options (raises :class:`PageUnmodelledError`)."""
    if not _php_true(options.get("page_comments")):
        return CommentPaging()
    raw = options.get("comments_per_page", "")
    if raw in ("", "0"):
        per_page = None  # empty(): per_page and page 0, so no page at all
    elif _DIGITS.fullmatch(raw):
        per_page = int(raw)
    else:
        raise PageUnmodelledError(f"comments_per_page {raw[:20]!r}")
    max_depth = -1
    if _php_true(options.get("thread_comments")):
        depth = options.get("thread_comments_depth", "")
        if not _DIGITS.fullmatch(depth):
            raise PageUnmodelledError(f"thread_comments_depth {depth[:20]!r}")
        max_depth = int(depth)
    return CommentPaging(True, per_page, max_depth, options.get("default_comments_page") == "oldest")


def _comment(connection: Connection, comment_id: int) -> Row[Any] | None:
    return connection.execute(select(comments).where(comments.c.id == comment_id)).first()


def page_of_comment(connection: Connection, paging: CommentPaging, comment: Row[Any]) -> int | None:
    """``get_page_of_comment``: None when a parent it climbs to is gone."""
    assert paging.per_page is not None
    if paging.per_page < 1:
        return 1
    seen = {comment.id}
    while paging.max_depth > 1 and comment.parent != 0:
        if comment.parent in seen or len(seen) > _MAX_DEPTH:
            raise PageUnmodelledError("a loop of comment parents")
        seen.add(comment.parent)
        found = _comment(connection, comment.parent)
        if found is None:
            return None
        comment = found
    older = connection.execute(
        select(func.count()).select_from(comments).where(
            comments.c.post_id == comment.post_id, comments.c.approved == "1", comments.c.parent == 0,
            comments.c.date_gmt < comment.date_gmt,
        )
    ).scalar_one()  # fmt: skip
    return 1 if not older else math.ceil((older + 1) / paging.per_page)


def comment_link(connection: Connection, paging: CommentPaging, comment: Row[Any], post_link: str, *,
                 pretty: bool, trailing: Any) -> str:  # fmt: skip
    """``get_comment_link`` of ``comment`` (a ``schema.comments`` row) whose post's permalink is
    ``post_link``; ``trailing`` is ``user_trailingslashit``."""
    page = None
    if paging.paged and paging.per_page is not None:
        page = page_of_comment(connection, paging, comment)
        if paging.oldest_first and page == 1:
            page = None
    link = post_link
    if page:
        link = (
            trailing(link.rstrip("/\\") + f"/{COMMENT_PAGES_BASE}-{page}") if pretty else with_query(link, cpage=page)
        )
    if pretty:
        link = trailing(link)
    return f"{link}#comment-{comment.id}"


def identifies_commenter(cookies: Mapping[str, str], query: Query) -> bool:
    """Whether WordPress knows the visitor's email (``wp_get_unapproved_comment_author_email``): then their
    held comments count in a comment's page."""
    if any(name.startswith(COMMENTER_COOKIE) and value for name, value in cookies.items()):
        return True
    unapproved, moderation_hash = query.get("unapproved"), query.get("moderation-hash")
    return bool(unapproved) and unapproved != "0" and bool(moderation_hash) and moderation_hash != "0"
