"""What the rules ask the comments store (``SubmissionView``) and what they decide (``Decision``).

The store answers with WordPress's data as ``wp_posts``/``wp_comments``/``wp_users`` hold it. Where a
question compares text (the duplicate check, the flood check, a previously approved author), WordPress
asks MariaDB, whose ``utf8mb4_unicode_520_ci`` collation ignores case, accents and trailing spaces
(``extracted.rest.collation`` has it): a store that compares exactly says "no duplicate" where
WordPress says "duplicate". The values are given as WordPress puts them in its SQL: some still slashed
(``O\\'Brien``), as WordPress queries them — those match no stored row with a quote, as in WordPress.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from .settings import SubmissionSettings

__all__ = [
    "Accepted",
    "CommentRow",
    "Decision",
    "Deferred",
    "DuplicateQuestion",
    "PostView",
    "Refused",
    "StoredComment",
    "SubmissionView",
]


@dataclass(frozen=True)
class PostView:
    """A ``wp_posts`` row as the rules read it (``get_post``), with its ``get_permalink()``."""

    id: int
    post_type: str = "post"
    status: str = "publish"
    comment_status: str = "open"
    password: str = ""
    date_gmt: str = "0000-00-00 00:00:00"  # post_date_gmt
    parent: int = 0  # post_parent (an attachment's post)
    permalink: str = ""  # get_permalink(): where the comment's link points
    trash_meta_status: str = ""  # its _wp_trash_meta_status meta (a trashed post's status before)


@dataclass(frozen=True)
class StoredComment:
    """A ``wp_comments`` row as the rules read it (``get_comment``)."""

    id: int
    post_id: int
    approved: str  # comment_approved: "1", "0", "spam", "trash", "post-trashed"
    parent: int = 0
    date_gmt: str = ""
    author_email: str = ""


@dataclass(frozen=True)
class DuplicateQuestion:
    """``wp_allow_comment``'s duplicate check: is there a comment, not trashed, with these values?

    ``comment_post_ID = post_id AND comment_parent = parent AND comment_approved != 'trash' AND
    comment_author = author [AND comment_author_email = email, when email is not None] AND
    comment_content = content`` (the values unslashed; compared by the column's collation).
    """

    post_id: int
    parent: str
    author: str
    email: str | None
    content: str


class SubmissionView(Protocol):
    """What ``decide`` (and ``answers`` for the comment's link) reads of the site: the lead's store."""

    @property
    def settings(self) -> SubmissionSettings: ...

    @property
    def now(self) -> datetime:
        """The current time (timezone-aware): the comment's date and the flood and closing checks."""
        ...

    def post(self, post_id: int) -> PostView | None: ...

    def comment(self, comment_id: int) -> StoredComment | None:
        """Any comment by id, on any post (a reply's parent, whose status decides whether it is kept)."""
        ...

    def is_duplicate(self, question: DuplicateQuestion) -> bool: ...

    def last_comment_date_gmt(self, *, ip: str, email: str, since: str) -> str | None:
        """The latest ``comment_date_gmt`` (``Y-m-d H:i:s``) ``>= since`` of the comments with
        ``comment_author_IP = ip OR comment_author_email = email`` (an empty email matches every
        comment without one: WordPress's query), or None."""
        ...

    def user_id_by_email(self, email: str) -> int | None:
        """The registered user whose ``user_email`` is this (``get_user_by('email')``), or None."""
        ...

    def has_approved_comment_by_user(self, user_id: int) -> bool:
        """An approved comment (``comment_approved = '1'``) with this ``user_id``."""
        ...

    def has_approved_comment_by_author(self, author: str, email: str) -> bool:
        """An approved comment with ``comment_author = author AND comment_author_email = email``."""
        ...

    def count_older_comments(self, *, post_id: int, before_gmt: str, unapproved_email: str | None) -> int:
        """Only with ``page_comments`` on (``get_page_of_comment``): the top-level comments of the post
        (``comment_parent = 0``) dated before ``before_gmt`` that are approved, or unapproved from
        ``unapproved_email`` when it is given."""
        ...


@dataclass(frozen=True)
class CommentRow:
    """Every ``wp_comments`` column ``wp_insert_comment`` writes (the id is the store's to give)."""

    comment_post_ID: int  # noqa: N815 (WordPress's column names)
    comment_author: str
    comment_author_email: str
    comment_author_url: str
    comment_author_IP: str  # noqa: N815
    comment_date: str
    comment_date_gmt: str
    comment_content: str
    comment_approved: str
    comment_agent: str
    comment_parent: int
    comment_karma: int = 0
    comment_type: str = "comment"
    user_id: int = 0

    def columns(self) -> dict[str, str | int]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Accepted:
    """WordPress stores ``row``; ``approved`` is ``"1"``, ``"0"`` (held), ``"spam"`` or ``"trash"``."""

    row: CommentRow

    @property
    def approved(self) -> str:
        return self.row.comment_approved


@dataclass(frozen=True)
class Refused:
    """A ``WP_Error``: ``status`` is its data (the page's HTTP status); ``silent`` ones have none, and
    ``wp-comments-post.php`` answers them with an empty page."""

    code: str
    message: str = ""
    status: int = 0

    @property
    def silent(self) -> bool:
        return self.status == 0


@dataclass(frozen=True)
class Deferred:
    """Something these rules do not follow (a logged-in visitor, markup kses would parse…): let WordPress
    take the request."""

    reason: str


Decision = Accepted | Refused | Deferred
