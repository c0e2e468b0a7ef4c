"""What an anonymous visitor may read, as WordPress 6.1's comments controller decides it.

A comment is readable when its post exists and is readable and the comment is approved
(``check_read_permission``). A post is readable (``check_read_post_permission``) when its type is
registered, it asks no password — or the request gives the right one, which counts only when the
request names one post or one comment — and the posts controller's ``check_read_permission`` lets it
through: a type shown in the REST API, published, or ``inherit`` from a readable parent (or from none).
Private, draft, pending, future and trashed posts are not readable. Posts are read once per request
(:class:`Posts`).
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, select

from extracted.formatting.phpdata import php_int
from extracted.rest import POST_TYPE_ROUTES, REGISTERED_POST_TYPES, ServiceUnavailableError

from . import schema
from .comment_args import SERVICE, RequestView, php_array, php_empty

__all__ = ["PasswordFacts", "Posts", "comment_readable", "php_post_id", "post_readable", "type_readable"]

posts_table = schema.posts
#: deeper ``inherit`` chains than this are a loop in PHP (it recurses until it runs out of stack)
_MAX_DEPTH = 50


class Posts:
    """The request's posts by id, each read once (visibility, links and permalinks read the same rows)."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._rows: dict[int, Row[Any] | None] = {}

    def load(self, ids: Iterable[int]) -> None:
        wanted = sorted({post_id for post_id in ids if post_id not in self._rows})
        if not wanted:
            return
        rows = self.connection.execute(select(posts_table).where(posts_table.c.id.in_(wanted)))
        found = {row.id: row for row in rows}
        self._rows.update({post_id: found.get(post_id) for post_id in wanted})

    def get(self, post_id: int) -> Row[Any] | None:
        """``get_post($post_id)``: None for an id of nothing (and for 0)."""
        if not post_id:
            return None
        if post_id not in self._rows:
            self.load([post_id])
        return self._rows[post_id]


def php_post_id(value: Any) -> int:
    """The id ``get_post($value)`` looks up (``WP_Post::get_instance``: ``(int) $value``)."""
    if isinstance(value, dict | list):
        return 1 if value else 0
    return php_int(value)


@dataclass(frozen=True)
class PasswordFacts:
    """What of the request a post's password check reads."""

    #: one post (``post``) or one comment (``id``) asked for: only then does ``password`` count
    applies: bool
    password: Any = None

    @classmethod
    def of(cls, view: RequestView) -> PasswordFacts:
        post = view.get("post")
        one_post = not php_empty(post) and (not isinstance(post, list | dict) or len(php_array(post)) == 1)
        return cls(one_post or not php_empty(view.get("id")), view.get("password"))


def _password_given(post: Row[Any], facts: PasswordFacts) -> bool:
    """``can_access_password_content`` for a visitor."""
    if php_empty(post.password) or not facts.applies or php_empty(facts.password):
        return False
    if not isinstance(facts.password, str):  # PHP's hash_equals() throws a TypeError: WordPress fails
        raise ServiceUnavailableError("a password that is not a string", service=SERVICE, unavailable="password")
    return hmac.compare_digest(post.password.encode(), facts.password.encode("utf-8", "surrogateescape"))


def type_readable(posts: Posts, post: Row[Any], depth: int = 0) -> bool:
    """The posts controller's ``check_read_permission`` for a visitor."""
    if post.type not in POST_TYPE_ROUTES:
        return False
    if post.status == "publish":
        return True
    if post.status == "inherit" and post.parent > 0:
        parent = posts.get(post.parent)
        if parent is not None:
            if depth >= _MAX_DEPTH:
                raise ServiceUnavailableError("a loop of parents", service=SERVICE, unavailable="post parents")
            return type_readable(posts, parent, depth + 1)
    return bool(post.status == "inherit")


def post_readable(posts: Posts, post: Row[Any], facts: PasswordFacts) -> bool:
    """``check_read_post_permission`` for a visitor."""
    if post.type not in REGISTERED_POST_TYPES:
        return False
    if not php_empty(post.password) and not _password_given(post, facts):
        return False  # post_password_required(), and a visitor may not edit the post
    return type_readable(posts, post)


def comment_readable(posts: Posts, comment: Row[Any], facts: PasswordFacts) -> bool:
    """``check_read_permission`` of a comment for a visitor."""
    post = posts.get(comment.post_id)
    return post is not None and post_readable(posts, post, facts) and php_int(comment.approved) == 1
