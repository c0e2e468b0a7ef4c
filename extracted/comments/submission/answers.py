"""WordPress 6.1's HTTP answer to ``POST /wp-comments-post.php``: status, its headers, the page.

    decision = decide(submission, view)
    if isinstance(decision, Accepted):
        comment_id = store(decision.row)        # the store gives the id
        answer = accepted_answer(submission, decision, comment_id, view)
    elif isinstance(decision, Refused):
        answer = refused_answer(decision, view.settings)
    else:                                       # Deferred: let WordPress answer
        ...

- Not a POST: 405 with ``Allow: POST`` and no body, before WordPress loads (``method_not_allowed``).
- A refusal with a status (``wp_die``): WordPress's error page, "Comment Submission Failure", the
  message and a link back; 403 (closed, registration required), 409 (duplicate), 429 (flood), 500
  (not saved), 200 (a required field, a length).
- A silent refusal (no such post, trashed, not published, password-protected): 200 and an empty page.
- Accepted: 302 to the comment (``links``), with the commenter cookies ``comment_author_{COOKIEHASH}``,
  ``comment_author_email_…``, ``comment_author_url_…`` for 30,000,000 s when the form's
  ``wp-comment-cookies-consent`` is given, and the same three cleared (a year in the past) when not.

Headers are the ones WordPress (and PHP for it) send, in their order; the server's own (``Date``,
``Server``, ``Connection``, PHP's ``X-Powered-By``) are not here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.resources import files
from string import Template

from extracted.formatting.html import escape_attribute
from extracted.formatting.urls import esc_url
from extracted.rest.phpquery import php_rawurlencode

from .links import submission_location
from .request import CommentSubmission
from .settings import SubmissionSettings
from .view import Accepted, PostView, Refused, SubmissionView

__all__ = ["SubmissionAnswer", "accepted_answer", "method_not_allowed", "refused_answer", "wp_die_page"]

Headers = tuple[tuple[str, str], ...]
COOKIE_LIFETIME = 30_000_000  # the comment_cookie_lifetime filter's default
YEAR_IN_SECONDS = 365 * 24 * 3600
NO_CACHE: Headers = (
    ("Expires", "Wed, 11 Jan 1984 05:00:00 GMT"),
    ("Cache-Control", "no-cache, must-revalidate, max-age=0"),
)
PHP_DEFAULT_TYPE = ("Content-type", "text/html; charset=UTF-8")  # PHP's own, when WordPress sets none
_PAGE = Template(files(__package__).joinpath("wp_die.html").read_text(encoding="utf-8"))
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class SubmissionAnswer:
    status: int
    headers: Headers
    body: str = ""


def method_not_allowed() -> SubmissionAnswer:
    """``wp-comments-post.php`` to anything but a POST."""
    return SubmissionAnswer(405, (("Allow", "POST"), ("Content-type", "text/plain;charset=UTF-8")))


def wp_die_page(message: str, settings: SubmissionSettings) -> str:
    """``wp_die('<p>' . $message . '</p>', 'Comment Submission Failure', back_link)``'s page."""
    language = settings.locale.replace("_", "-")
    robots = "max-image-preview:large, noindex, follow" if settings.blog_public else "noindex, nofollow"
    return _PAGE.substitute(language_attributes=f'lang="{escape_attribute(language)}"', robots=robots,
                            message=f"<p>{message}</p>")  # fmt: skip


def refused_answer(refused: Refused, settings: SubmissionSettings) -> SubmissionAnswer:
    if refused.silent:
        return SubmissionAnswer(200, (*NO_CACHE, PHP_DEFAULT_TYPE))
    headers = (("Content-Type", "text/html; charset=UTF-8"), *NO_CACHE)
    return SubmissionAnswer(refused.status, headers, wp_die_page(refused.message, settings))


def _cookie_date(timestamp: int) -> str:
    moment = datetime.fromtimestamp(timestamp, UTC)
    return f"{_DAYS[moment.weekday()]}, {moment.day:02d} {_MONTHS[moment.month - 1]} {moment.year} " + moment.strftime(
        "%H:%M:%S GMT"
    )


def _set_cookie(name: str, value: str, expires: int, now: int, path: str, *, secure: bool) -> tuple[str, str]:
    """PHP's ``setcookie($name, $value, $expires, $path, '', $secure)`` header."""
    if value == "":
        cookie = f"{name}=deleted; expires={_cookie_date(1)}; Max-Age=0"
    else:
        cookie = f"{name}={php_rawurlencode(value)}; expires={_cookie_date(expires)}; Max-Age={max(0, expires - now)}"
    return "Set-Cookie", cookie + f"; path={path}" + ("; secure" if secure else "")


def _cookies(accepted: Accepted, settings: SubmissionSettings, *, consent: bool, https: bool, now: int) -> Headers:
    """``wp_set_comment_cookies`` for a visitor who is not logged in."""
    names = tuple(f"{kind}{settings.cookie_hash}" for kind in ("comment_author_", "comment_author_email_",
                                                                "comment_author_url_"))  # fmt: skip
    path = settings.cookie_path
    if not consent:
        return tuple(_set_cookie(name, " ", now - YEAR_IN_SECONDS, now, path, secure=False) for name in names)
    row = accepted.row
    values = (row.comment_author, row.comment_author_email, esc_url(row.comment_author_url))
    secure = settings.urls(https=https).home_url().startswith("https:")
    expires = now + COOKIE_LIFETIME
    pairs = zip(names, values, strict=True)
    return tuple(_set_cookie(name, value, expires, now, path, secure=secure) for name, value in pairs)


def accepted_answer(
    submission: CommentSubmission,
    accepted: Accepted,
    comment_id: int,
    view: SubmissionView,
    *,
    post: PostView | None = None,
) -> SubmissionAnswer:
    """The redirect after WordPress stored ``accepted.row`` as comment ``comment_id`` (``view.now``: the
    time the cookies are set at; ``post``: the comment's post, else asked of the view)."""
    settings = view.settings
    post = post or view.post(accepted.row.comment_post_ID)
    if post is None:
        raise ValueError(f"the comment's post {accepted.row.comment_post_ID} is not in the store")
    consent = submission.given("wp-comment-cookies-consent")
    now = int(view.now.timestamp())
    cookies = _cookies(accepted, settings, consent=consent, https=submission.https, now=now)
    location = submission_location(post, comment_id, accepted.row, submission, view, cookies_consent=consent)
    headers = (*NO_CACHE, *cookies, ("X-Redirect-By", "WordPress"), ("Location", location), PHP_DEFAULT_TYPE)
    return SubmissionAnswer(302, headers)
