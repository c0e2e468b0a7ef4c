"""The site's settings the comment rules read: WordPress's options, its salt, wp-config's constants.

``SubmissionSettings.from_options(options, auth_salt=...)`` takes the ``wp_options`` values as
WordPress stores them (strings; a missing option is WordPress's ``get_option`` false) and what is
not an option:

- ``auth_salt``: ``wp_salt('auth')``, the key of the moderation hash (``wp_hash``, whose scheme is
  ``auth``) in the redirect of a held comment: ``AUTH_KEY . AUTH_SALT`` from ``wp-config.php`` (when
  ``SECRET_KEY`` is defined it replaces ``AUTH_KEY``, ``SECRET_SALT`` ``AUTH_SALT``); where wp-config leaves
  one undefined (or ``'put your unique phrase here'``), WordPress uses the ``auth_key``/``auth_salt``
  options instead (and makes them on first use).
- ``empty_trash_days``: ``EMPTY_TRASH_DAYS`` (30 unless wp-config says otherwise): a comment caught by
  the disallowed words goes to the trash, or to spam when it is 0.
- ``force_ssl_admin``: ``FORCE_SSL_ADMIN`` (default: the ``siteurl`` option is https).
- the columns' lengths, when the database's ``wp_comments`` differs from WordPress's schema.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from extracted.formatting.php import php_intval, php_truthy
from extracted.formatting.redirects import SiteUrls
from extracted.formatting.urls import parse_url

_HOST_PART = re.compile(r"https?://[^/]+", re.IGNORECASE)


@dataclass(frozen=True)
class ColumnLengths:
    """``wp_get_comment_fields_max_lengths`` (from the columns) and what the columns hold.

    A ``byte`` column (``tinytext``, ``text``) holds that many bytes, a ``char`` one (``varchar``) that
    many characters; the form's limits are the byte columns' minus 10.
    """

    author: tuple[str, int] = ("byte", 255)
    email: tuple[str, int] = ("char", 100)
    url: tuple[str, int] = ("char", 200)
    ip: tuple[str, int] = ("char", 100)
    content: tuple[str, int] = ("byte", 65535)
    agent: tuple[str, int] = ("char", 255)
    type: tuple[str, int] = ("char", 20)
    approved: tuple[str, int] = ("char", 20)

    def form_limit(self, column: tuple[str, int]) -> int:
        kind, length = column
        return length - 10 if kind == "byte" else length


def _text(options: Mapping[str, object], name: str, default: str = "") -> str:
    value = options.get(name, default)
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    return str(value)


@dataclass(frozen=True)
class SubmissionSettings:
    site_url_option: str
    home_url_option: str
    auth_salt: str
    require_name_email: bool = True
    comment_registration: bool = False
    comment_moderation: str = "0"  # compared as `1 == get_option(...)`
    comment_max_links: str = "2"
    moderation_keys: str = ""
    disallowed_keys: str = ""
    comment_previously_approved: str = "1"
    close_comments_for_old_posts: bool = False
    close_comments_days_old: int = 14
    page_comments: bool = False
    comments_per_page: str = "50"
    default_comments_page: str = "newest"
    thread_comments: bool = True
    thread_comments_depth: str = "5"
    permalink_structure: str = ""
    timezone_string: str = ""
    gmt_offset: str = "0"
    use_smilies: bool = True
    use_balance_tags: bool = False
    blog_public: bool = True
    locale: str = "en_US"
    empty_trash_days: int = 30
    force_ssl_admin: bool = False
    columns: ColumnLengths = field(default_factory=ColumnLengths)

    @classmethod
    def from_options(
        cls,
        options: Mapping[str, object],
        *,
        auth_salt: str,
        empty_trash_days: int = 30,
        force_ssl_admin: bool | None = None,
        columns: ColumnLengths | None = None,
    ) -> SubmissionSettings:
        site_url = _text(options, "siteurl")
        if force_ssl_admin is None:
            parts = parse_url(site_url)
            force_ssl_admin = parts is not None and parts.scheme == "https"
        return cls(
            site_url_option=site_url,
            home_url_option=_text(options, "home"),
            auth_salt=auth_salt,
            require_name_email=php_truthy(options.get("require_name_email")),
            comment_registration=php_truthy(options.get("comment_registration")),
            comment_moderation=_text(options, "comment_moderation"),
            comment_max_links=_text(options, "comment_max_links"),
            moderation_keys=_text(options, "moderation_keys"),
            disallowed_keys=_text(options, "disallowed_keys"),
            comment_previously_approved=_text(options, "comment_previously_approved"),
            close_comments_for_old_posts=php_truthy(options.get("close_comments_for_old_posts")),
            close_comments_days_old=php_intval(_text(options, "close_comments_days_old")),
            page_comments=php_truthy(options.get("page_comments")),
            comments_per_page=_text(options, "comments_per_page"),
            default_comments_page=_text(options, "default_comments_page"),
            thread_comments=php_truthy(options.get("thread_comments")),
            thread_comments_depth=_text(options, "thread_comments_depth"),
            permalink_structure=_text(options, "permalink_structure"),
            timezone_string=_text(options, "timezone_string"),
            gmt_offset=_text(options, "gmt_offset"),
            use_smilies=php_truthy(options.get("use_smilies")),
            use_balance_tags=_text(options, "use_balanceTags") == "1",
            blog_public=php_truthy(options.get("blog_public")),
            locale=_text(options, "WPLANG") or "en_US",
            empty_trash_days=empty_trash_days,
            force_ssl_admin=force_ssl_admin,
            columns=columns or ColumnLengths(),
        )

    @property
    def cookie_hash(self) -> str:
        """``COOKIEHASH``: the md5 of the ``siteurl`` option (empty when the option is)."""
        if not self.site_url_option:
            return ""
        return hashlib.md5(self.site_url_option.encode("utf-8", "surrogateescape")).hexdigest()

    @property
    def cookie_path(self) -> str:
        """``COOKIEPATH``: the home option without its scheme and host, with a ``/`` after."""
        return _HOST_PART.sub("", self.home_url_option + "/")

    def urls(self, *, https: bool) -> SiteUrls:
        return SiteUrls(self.site_url_option, self.home_url_option, https=https, force_ssl_admin=self.force_ssl_admin)
