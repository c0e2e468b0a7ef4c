"""WordPress 6.1.9's rules for a visitor's comment: ``wp_handle_comment_submission`` → ``wp_new_comment``.

    decision = decide(submission, view)   # Accepted (the row to store), Refused, or Deferred

In WordPress's order: the post (missing, private, closed — also by age, ``close_comments_for_old_posts``
—, trashed, not published, password-protected without the right ``wp-postpass_`` cookie), registration
required, name and email required, empty comment, the fields' lengths (``wp_check_comment_data_max_lengths``,
on the trimmed values before any filter), then ``wp_new_comment``: the reply's parent kept only when it is
approved or held, ``REMOTE_ADDR`` cleaned, the user agent cut to 254 bytes, the dates, the ``pre_comment_*``
filters (``fields``), the duplicate check (409), the flood check (429: the visitor's last comment, by IP
or email, less than 15 s before), the approval (``moderation``), and the insert, with WordPress's second
try when the database refuses the row (``columns``; a second refusal is a 500).

The visitor is anonymous: a request carrying WordPress's login cookies is ``Deferred`` (WordPress would
check them and treat a user's comment otherwise), as is anything these rules do not follow.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from extracted.formatting.errors import FormattingError, UnsupportedContentError
from extracted.formatting.kses_comments import (
    pre_comment_author_email,
    pre_comment_author_name,
    pre_comment_author_url,
    pre_comment_content,
)
from extracted.formatting.php import (
    addslashes,
    byte_length,
    loose_equals,
    php_absint,
    php_empty,
    php_intval,
    php_trim,
    php_truthy,
    stripslashes,
    substr_bytes,
)
from extracted.formatting.phpass import check_password
from extracted.formatting.sanitize import is_email
from extracted.formatting.strip_tags import strip_tags
from extracted.formatting.types import SiteOptions

from .columns import fits, strip_invalid_text
from .moderation import ApprovalLookup, CheckedFields, check_comment, in_disallowed_list
from .request import CommentSubmission
from .settings import SubmissionSettings
from .view import Accepted, CommentRow, Decision, Deferred, DuplicateQuestion, PostView, Refused, SubmissionView

__all__ = ["MESSAGES", "decide", "local_time"]

Fields = tuple[str, str, str, str]  # author, email, url, content

MYSQL = "%Y-%m-%d %H:%M:%S"
ZERO_DATE = "0000-00-00 00:00:00"
_NOT_IP = re.compile(r"[^0-9a-fA-F:., ]")
_FLOAT_PREFIX = re.compile(r"[ \t\n\r\x0b\x0c]*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")

#: the messages of the errors wp-comments-post.php shows (WordPress's English)
MESSAGES = {
    "comment_closed": "Sorry, comments are closed for this item.",
    "not_logged_in": "Sorry, you must be logged in to comment.",
    "require_name_email": "<strong>Error:</strong> Please fill the required fields.",
    "require_valid_email": "<strong>Error:</strong> Please enter a valid email address.",
    "require_valid_comment": "<strong>Error:</strong> Please type your comment text.",
    "comment_author_column_length": "<strong>Error:</strong> Your name is too long.",
    "comment_author_email_column_length": "<strong>Error:</strong> Your email address is too long.",
    "comment_author_url_column_length": "<strong>Error:</strong> Your URL is too long.",
    "comment_content_column_length": "<strong>Error:</strong> Your comment is too long.",
    "comment_duplicate": "Duplicate comment detected; it looks as though you&#8217;ve already said that!",
    "comment_flood": "You are posting comments too quickly. Slow down.",
    "comment_save_error": "<strong>Error:</strong> The comment could not be saved. Please try again later.",
}
_STATUSES = {"comment_closed": 403, "not_logged_in": 403, "comment_duplicate": 409, "comment_flood": 429,
             "comment_save_error": 500}  # fmt: skip


def _refused(code: str) -> Refused:
    return Refused(code, MESSAGES[code], _STATUSES.get(code, 200))


def _site_zone(settings: SubmissionSettings) -> tzinfo:
    """``wp_timezone()``: the ``timezone_string`` option, else ``gmt_offset`` as ``±HH:MM``."""
    if settings.timezone_string:
        try:
            return ZoneInfo(settings.timezone_string)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise UnsupportedContentError(f"timezone_string {settings.timezone_string!r} is not a zone") from error
    match = _FLOAT_PREFIX.match(settings.gmt_offset)
    offset = float(match.group(0)) if match else 0.0
    hours = int(offset)
    minutes = int(abs((offset - hours) * 60))
    sign = -1 if offset < 0 else 1
    return timezone(sign * timedelta(hours=abs(hours), minutes=minutes))


def local_time(now: datetime, settings: SubmissionSettings) -> str:
    """``current_time('mysql')``: the site's local time."""
    return now.astimezone(_site_zone(settings)).strftime(MYSQL)


def _parse_mysql(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, MYSQL)
    except ValueError:
        return None


def _logged_in(submission: CommentSubmission, settings: SubmissionSettings) -> bool:
    names = ("wordpress_logged_in_", "wordpress_sec_", "wordpress_")
    return any(php_truthy(submission.cookie(name + settings.cookie_hash)) for name in names)


def _post_status(post: PostView, view: SubmissionView) -> str:
    """``get_post_status``: an attachment's is its post's."""
    if post.post_type != "attachment":
        return post.status
    if post.status != "inherit":
        return post.status if post.status in ("private", "trash", "auto-draft") else "publish"
    parent = view.post(post.parent) if post.parent else None
    if parent is None or post.id == post.parent:
        return "publish"
    status = _post_status(parent, view)
    if status == "trash":
        return parent.trash_meta_status or "publish"
    return status


def _comments_open(post: PostView, settings: SubmissionSettings, now: datetime) -> bool:
    """``comments_open`` with ``_close_comments_for_old_post``."""
    if post.comment_status != "open":
        return False
    days = settings.close_comments_days_old
    if not settings.close_comments_for_old_posts or not days or post.post_type != "post":
        return True
    if post.date_gmt == ZERO_DATE:
        return True
    published = _parse_mysql(post.date_gmt)
    age = now.timestamp() - (published.replace(tzinfo=UTC).timestamp() if published else 0)
    return int(age) <= days * 86400


def _password_required(post: PostView, submission: CommentSubmission, settings: SubmissionSettings) -> bool:
    if php_empty(post.password):
        return False
    cookie = submission.cookie("wp-postpass_" + settings.cookie_hash)
    if cookie is None:
        return True
    if not isinstance(cookie, str):
        raise UnsupportedContentError("an array wp-postpass_ cookie (WordPress dies on it)")
    if not cookie.startswith("$P$B") or not cookie.isascii():
        return True
    return not check_password(post.password, cookie)


def _post_refusal(post: PostView | None, submission: CommentSubmission, view: SubmissionView) -> Refused | None:
    """The post's checks of ``wp_handle_comment_submission``, for a visitor who is not logged in."""
    if post is None or php_empty(post.comment_status):
        return Refused("comment_id_not_found")
    status = _post_status(post, view)
    if status == "private":
        return Refused("comment_id_not_found")
    if not _comments_open(post, view.settings, view.now):
        return _refused("comment_closed")
    if status == "trash":
        return Refused("comment_on_trash")
    if status != "publish":
        return Refused("comment_on_draft")
    if _password_required(post, submission, view.settings):
        return Refused("comment_on_password_protected")
    return None


def decide(submission: CommentSubmission, view: SubmissionView) -> Decision:
    """WordPress's decision on a POST to ``wp-comments-post.php`` (see the module's docstring)."""
    if submission.method != "POST":
        raise ValueError("wp-comments-post.php answers anything but a POST with a 405 (answers.method_not_allowed)")
    settings = view.settings
    if _logged_in(submission, settings):
        return Deferred("the request carries WordPress's login cookies")
    try:
        return _decide(submission, view)
    except FormattingError as error:  # not followed here, or WordPress dies on it (its own 500 page)
        return Deferred(f"{type(error).__name__}: {error}")
    except UnicodeError as error:  # bytes that are not UTF-8 where a formatting function cannot take them
        return Deferred(f"text that is not UTF-8: {error}")


def _decide(submission: CommentSubmission, view: SubmissionView) -> Decision:
    settings = view.settings
    post_id = php_intval(submission.form.get("comment_post_ID"))
    author = php_trim(strip_tags(submission.text("author") or ""))
    email = php_trim(submission.text("email") or "")
    url = php_trim(submission.text("url") or "")
    content = php_trim(submission.text("comment") or "")
    parent = php_absint(submission.form.get("comment_parent"))

    post = view.post(post_id) if post_id else None
    refusal = _post_refusal(post, submission, view)
    if refusal is not None:
        return refusal
    assert post is not None
    if settings.comment_registration:
        return _refused("not_logged_in")
    if settings.require_name_email:
        if email == "" or author == "":
            return _refused("require_name_email")
        if not is_email(email):
            return _refused("require_valid_email")
    if content == "":
        return _refused("require_valid_comment")
    columns = settings.columns
    for code, value, column in (
        ("comment_author_column_length", author, columns.author),
        ("comment_author_email_column_length", email, columns.email),
        ("comment_author_url_column_length", url, columns.url),
        ("comment_content_column_length", content, columns.content),
    ):
        if byte_length(value) > columns.form_limit(column):
            return _refused(code)
    return _new_comment(submission, view, post_id, parent, (author, email, url, content))


def _kept_parent(parent: int, view: SubmissionView) -> int:
    """A reply keeps its parent only when that comment is approved or held (``wp_get_comment_status``)."""
    if parent <= 0:
        return 0
    stored = view.comment(parent)
    if stored is None:
        return 0
    return parent if loose_equals(stored.approved, "1") or loose_equals(stored.approved, "0") else 0


def _filtered(fields: Fields, settings: SubmissionSettings, home_url: str) -> Fields:
    """``wp_filter_comment`` of the slashed author, email, url and content."""
    author, email, url, content = fields
    return (pre_comment_author_name(author), pre_comment_author_email(email), pre_comment_author_url(url),
            pre_comment_content(content, home_url=home_url, use_balance_tags=settings.use_balance_tags))  # fmt: skip


def _new_comment(
    submission: CommentSubmission,
    view: SubmissionView,
    post_id: int,
    parent: int,
    fields: Fields,
) -> Decision:
    settings = view.settings
    parent = _kept_parent(parent, view)
    ip = _NOT_IP.sub("", addslashes(submission.remote_addr))
    agent = substr_bytes(addslashes(submission.user_agent or ""), 254)
    now = view.now
    date, date_gmt = local_time(now, settings), now.astimezone(UTC).strftime(MYSQL)
    home_url = settings.urls(https=submission.https).home_url()
    author, email, url, content = (addslashes(value) for value in fields)
    slashed = _filtered((author, email, url, content), settings, home_url)
    for attempt in (1, 2):
        approval = _allow(view, post_id=post_id, parent=parent, slashed=slashed, ip=ip, agent=agent, date_gmt=date_gmt)
        if isinstance(approval, Refused):
            return approval
        author, email, url, content = (stripslashes(value) for value in slashed)
        row = CommentRow(
            comment_post_ID=post_id, comment_author=author, comment_author_email=email,
            comment_author_url=url, comment_author_IP=stripslashes(ip), comment_date=date,
            comment_date_gmt=date_gmt, comment_content=content, comment_approved=approval,
            comment_agent=stripslashes(agent), comment_parent=parent,
        )  # fmt: skip
        if fits(row, settings.columns):
            return Accepted(row)
        if attempt == 1:  # WordPress cleans the fields for their columns and filters them again
            lengths = (settings.columns.author, settings.columns.email, settings.columns.url, settings.columns.content)
            author, email, url, content = (strip_invalid_text(value, column)
                                           for value, column in zip(slashed, lengths, strict=True))  # fmt: skip
            slashed = _filtered((author, email, url, content), settings, home_url)
    return _refused("comment_save_error")


def _allow(
    view: SubmissionView,
    *,
    post_id: int,
    parent: int,
    slashed: Fields,
    ip: str,
    agent: str,
    date_gmt: str,
) -> str | Refused:
    """``wp_allow_comment``: the duplicate and flood checks, then the approval."""
    settings = view.settings
    author, email, url, content = slashed
    question = DuplicateQuestion(post_id, str(parent), stripslashes(author),
                                 stripslashes(email) if php_truthy(email) else None, stripslashes(content))  # fmt: skip
    if view.is_duplicate(question):
        return _refused("comment_duplicate")
    since = (view.now.astimezone(UTC) - timedelta(hours=1)).strftime(MYSQL)
    last = view.last_comment_date_gmt(ip=ip, email=email, since=since)
    if last is not None and php_truthy(last):
        last_time, new_time = _parse_mysql(last), _parse_mysql(date_gmt)
        if last_time is not None and new_time is not None and (new_time - last_time).total_seconds() < 15:
            return _refused("comment_flood")
    checked = CheckedFields(author=author, email=email, url=url, content=content, ip=ip, agent=agent)
    site = SiteOptions(
        home=settings.home_url_option, siteurl=settings.site_url_option, use_smilies=settings.use_smilies
    )
    lookup = ApprovalLookup(view.user_id_by_email, view.has_approved_comment_by_user,
                            view.has_approved_comment_by_author)  # fmt: skip
    approved = check_comment(
        checked,
        moderation=settings.comment_moderation,
        max_links=settings.comment_max_links,
        moderation_keys=settings.moderation_keys,
        previously_approved=settings.comment_previously_approved,
        site=site,
        lookup=lookup,
    )
    if in_disallowed_list(checked, disallowed_keys=settings.disallowed_keys):
        return "trash" if settings.empty_trash_days else "spam"
    return "1" if approved else "0"
