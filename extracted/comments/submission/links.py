"""Where WordPress sends a visitor after a comment: ``get_comment_link`` and ``wp-comments-post.php``'s redirect.

The link is the post's permalink with ``#comment-N`` (and, when the site pages its comments, the page
the comment is on: ``comment-page-2/`` or ``?cpage=2``). A posted ``redirect_to`` replaces it (still
magic-quoted, as WordPress reads ``$_POST``). A held comment from a visitor who did not consent to the
cookies gets ``unapproved=N&moderation-hash=H`` so that the post shows it to them for 10 minutes:
``H = wp_hash(comment_date_gmt)``, an HMAC-MD5 keyed with ``wp_salt('auth')`` (``settings.auth_salt``).
Then ``wp_safe_redirect``: the location sanitized, and replaced by the admin URL when it leaves the site.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
from datetime import UTC, datetime

from extracted.formatting.errors import UnsupportedContentError
from extracted.formatting.kses_comments import pre_comment_author_email
from extracted.formatting.kses_php import esc_html
from extracted.formatting.php import (
    addslashes,
    has_invalid_utf8,
    loose_equals,
    php_empty,
    php_intval,
    php_truthy,
    stripslashes,
)
from extracted.formatting.redirects import safe_redirect_location
from extracted.rest.phpquery import wp_add_query_arg

from .request import CommentSubmission
from .settings import SubmissionSettings
from .view import CommentRow, PostView, SubmissionView

__all__ = ["comment_link", "moderation_hash", "submission_location", "unapproved_email"]

_NUMBER = re.compile(r"[ \t\n\r\x0b\x0c]*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[ \t\n\r\x0b\x0c]*")


def moderation_hash(date_gmt: str, auth_salt: str) -> str:
    """``wp_hash($comment->comment_date_gmt)``."""
    return hmac.new(auth_salt.encode("utf-8", "surrogateescape"), date_gmt.encode(), hashlib.md5).hexdigest()


def _number(option: str) -> float:
    if not _NUMBER.fullmatch(option):
        raise UnsupportedContentError(f"a comments option that is not a number: {option!r}")
    return float(option)


def _trailing_slash(link: str, settings: SubmissionSettings) -> str:
    """``user_trailingslashit``: as the permalink structure ends."""
    link = link.rstrip("/\\")
    return link + "/" if settings.permalink_structure.endswith("/") else link


def unapproved_email(submission: CommentSubmission, view: SubmissionView) -> str:
    """``wp_get_unapproved_comment_author_email``: from ``?unapproved=&moderation-hash=`` (10 minutes), else
    the commenter's cookie as ``sanitize_comment_cookies`` left it."""
    settings = view.settings
    unapproved, given_hash = submission.query.get("unapproved"), submission.query.get("moderation-hash")
    if unapproved is not None and given_hash is not None and php_truthy(unapproved) and php_truthy(given_hash):
        if not isinstance(given_hash, str):
            raise UnsupportedContentError("an array moderation-hash (WordPress dies on it)")
        stored = view.comment(php_intval(unapproved))
        expected = moderation_hash(stored.date_gmt, settings.auth_salt) if stored is not None else ""
        if stored is not None and hmac.compare_digest(given_hash.encode("utf-8", "surrogateescape"), expected.encode()):
            try:
                dated = datetime.strptime(stored.date_gmt, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
            except ValueError:
                dated = None
            if dated is not None and view.now.timestamp() < dated.timestamp() + 600 and stored.author_email:
                return stored.author_email
    cookie = submission.cookie("comment_author_email_" + settings.cookie_hash)
    if not isinstance(cookie, str):
        return ""
    email = stripslashes(pre_comment_author_email(addslashes(cookie)))
    return "" if has_invalid_utf8(email) else esc_html(email)


def _page_of_comment(
    row: CommentRow, per_page: float, submission: CommentSubmission, view: SubmissionView
) -> int | None:
    """``get_page_of_comment``: with threading, the page of the comment's top-level ancestor."""
    settings = view.settings
    if per_page < 1:
        return 1
    max_depth = _number(settings.thread_comments_depth) if settings.thread_comments else -1.0
    parent, date_gmt, post_id = row.comment_parent, row.comment_date_gmt, row.comment_post_ID
    while max_depth > 1 and parent != 0:
        stored = view.comment(parent)
        if stored is None:
            return None
        parent, date_gmt, post_id = stored.parent, stored.date_gmt, stored.post_id
    email = unapproved_email(submission, view)
    older = view.count_older_comments(post_id=post_id, before_gmt=date_gmt, unapproved_email=email or None)
    return 1 if older == 0 else math.ceil((older + 1) / per_page)


def comment_link(
    post: PostView, comment_id: int, row: CommentRow, submission: CommentSubmission, view: SubmissionView
) -> str:
    """``get_comment_link($comment)`` of the new comment (``post`` is its post)."""
    settings = view.settings
    link = post.permalink
    per_page = settings.comments_per_page if settings.page_comments else ""
    page: int | None = 0
    if not php_empty(per_page):
        page = _page_of_comment(row, _number(per_page), submission, view)
        if settings.default_comments_page == "oldest" and page == 1:
            page = None
    using_permalinks = settings.permalink_structure != ""
    if page and settings.page_comments:
        if using_permalinks:
            link = _trailing_slash(link.rstrip("/\\") + "/" + f"comment-page-{page}", settings)
        else:
            link = wp_add_query_arg(link, {"cpage": str(page)})
    if using_permalinks:
        link = _trailing_slash(link, settings)
    return f"{link}#comment-{comment_id}"


def submission_location(
    post: PostView,
    comment_id: int,
    row: CommentRow,
    submission: CommentSubmission,
    view: SubmissionView,
    *,
    cookies_consent: bool,
) -> str:
    """The ``Location`` ``wp-comments-post.php`` sends after storing the comment."""
    settings = view.settings
    posted = submission.form.get("redirect_to")
    if isinstance(posted, dict):
        redirect_to = "Array" if posted else ""  # PHP's array to string
    else:
        redirect_to = addslashes(posted) if posted is not None else ""
    if php_empty(redirect_to):
        location = comment_link(post, comment_id, row, submission, view)
    else:
        location = f"{redirect_to}#comment-{comment_id}"
    held = loose_equals(row.comment_approved, "0")
    if not cookies_consent and held and not php_empty(row.comment_author_email):
        hashed = moderation_hash(row.comment_date_gmt, settings.auth_salt)
        location = wp_add_query_arg(location, {"unapproved": str(comment_id), "moderation-hash": hashed})
    urls = settings.urls(https=submission.https)
    return safe_redirect_location(location, urls=urls, request_uri=submission.request_uri)
