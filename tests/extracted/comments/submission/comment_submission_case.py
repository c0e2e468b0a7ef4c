"""A case of the comment submission differential (``Case``), the base form and the values cases share."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from comment_submission_sites import POST_ID, comment_row, post_row

from extracted.comments.submission import SubmissionSettings
from extracted.formatting.phpass import hash_password

DAY = 86400
SITE_HASH = SubmissionSettings.from_options({"siteurl": "http://example.test"}, auth_salt="").cookie_hash
BASE_FORM = {"comment_post_ID": str(POST_ID), "author": "Ada", "email": "ada@example.com", "url": "",
             "comment": "Nice post."}  # fmt: skip


def form(extra: Sequence[tuple[str, str]] = (), **changes: str | None) -> bytes:
    """The base form with fields changed (None: left out), as a browser encodes it."""
    fields = {**BASE_FORM, **{name.replace("__", "-"): value for name, value in changes.items()}}
    pairs = [(name, value) for name, value in fields.items() if value is not None]
    return urlencode([*pairs, *extra]).encode()


@dataclass(frozen=True)
class Case:
    name: str
    body: bytes = field(default_factory=form)
    options: Mapping[str, Any] = field(default_factory=dict)
    post: Mapping[str, Any] = field(default_factory=dict)  # the post's changes
    posts: Sequence[Mapping[str, Any]] = ()  # more posts
    comments: Sequence[Mapping[str, Any]] = ()
    users: Sequence[Mapping[str, Any]] = ()
    cookie: bytes | None = None
    user_agent: bytes | None = b"Mozilla/5.0 (X11; Linux x86_64) Harness/1.0"
    remote_addr: str = "192.0.2.10"
    method: str = "POST"
    content_type: str = "application/x-www-form-urlencoded"
    https: bool = False
    empty_trash_days: int | None = None
    deferred: bool = False  # the rules let WordPress take it

    def all_posts(self) -> list[dict[str, Any]]:
        return [post_row(**self.post), *(dict(post) for post in self.posts)]


RIGHT_HASH = hash_password("secret", salt=b"harnes")
OTHER_HASH = hash_password("other", salt=b"harnes")
POSTPASS = f"wp-postpass_{SITE_HASH}"
EARLIER = comment_row(40, comment_author="Ada", comment_author_email="ada@example.com", comment_content="Nice post.")
PREVIOUSLY = {"comment_previously_approved": "1"}  # WordPress's default, off in the other cases
LONG_LINKS = "See http://one.example and http://two.example here."
