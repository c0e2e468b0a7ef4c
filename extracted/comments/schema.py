"""The comments read model: WordPress's comments, and what answering about them needs.

``comments_comments`` mirrors every column of ``wp_comments`` (the service will also write comments
of its own into it: nothing may be lost), named without WordPress's ``comment_`` prefixes. Dates are
kept as MariaDB shows a ``DATETIME``, ``YYYY-MM-DD HH:MM:SS`` (the zero date ``0000-00-00 00:00:00``),
so that text order and ``<``/``>`` compare as MariaDB compares the column (``before``, ``after``, the
``date`` and ``date_gmt`` orders). The indexes are the listing's: WordPress's
``comment_approved_date_gmt``, and the filters visitors use (post, parent); ``email_key`` and
``content_key`` (:func:`lookup_keys`) let the submission checks find the comments MariaDB's collation
would compare equal without reading every comment.

``comments_posts`` is the slice of ``wp_posts`` the answers read: whether the comment's post exists,
whether a visitor may read it (type, status, parent, password) and its permalink (name, date,
parent chain), with revisions (the embedded post's ``version-history``); ``comments_post_texts`` the raw
title, excerpt and content of posts and pages and ``comments_post_meta`` their ``_thumbnail_id`` and
oEmbed caches (a comment's post as ``_embed=up`` shows it). ``comments_options`` keeps :data:`OPTIONS` only.
``comments_user_emails`` is each user's email from the users service's events (``user.registered``,
``user.profile_updated``, ``user.deleted``): ``get_avatar_data`` hashes the *user's* email for a comment of
an existing user.

No ``wp_commentmeta``: the REST answer's ``meta`` is ``[]`` (no comment meta is registered for REST).
"""

from __future__ import annotations

import hashlib

from sqlalchemy import BigInteger, Column, Index, Integer, MetaData, String, Table, Text

from extracted.rest.collation import fold

__all__ = [
    "OPTIONS",
    "ZERO_DATE",
    "collation_key",
    "comments",
    "kept_meta",
    "lookup_keys",
    "metadata",
    "options",
    "post_meta",
    "post_texts",
    "posts",
    "user_emails",
]

metadata = MetaData()

#: a zero ``DATETIME`` as MariaDB shows it (CDC sends 0 or null)
ZERO_DATE = "0000-00-00 00:00:00"

comments = Table(
    "comments_comments",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),  # comment_ID
    Column("post_id", BigInteger, nullable=False, default=0),  # comment_post_ID
    Column("author", Text, nullable=False, default=""),  # comment_author (tinytext)
    Column("author_email", String(100), nullable=False, default=""),
    Column("author_url", String(200), nullable=False, default=""),
    Column("author_ip", String(100), nullable=False, default=""),  # comment_author_IP
    Column("date", String(19), nullable=False, default=ZERO_DATE),  # local time, as MariaDB shows DATETIME
    Column("date_gmt", String(19), nullable=False, default=ZERO_DATE),
    Column("content", Text, nullable=False, default=""),
    Column("karma", Integer, nullable=False, default=0),
    Column("approved", String(20), nullable=False, default="1"),  # "1", "0", "spam", "trash", "post-trashed"
    Column("agent", String(255), nullable=False, default=""),
    Column("type", String(20), nullable=False, default="comment"),  # as stored: "" is an old plain comment
    Column("parent", BigInteger, nullable=False, default=0),
    Column("user_id", BigInteger, nullable=False, default=0),
    # how MariaDB's collation compares them (lookup_keys), for the submission checks' lookups
    Column("email_key", String(100), nullable=False, default=""),
    Column("content_key", String(32), nullable=False, default=""),
    Index("comments_comments_approved_date_gmt", "approved", "date_gmt"),
    Index("comments_comments_email_key", "email_key", "date_gmt"),
    Index("comments_comments_content_key", "post_id", "content_key"),
    Index("comments_comments_post", "post_id", "approved", "date_gmt"),
    Index("comments_comments_parent", "parent", "approved"),
)


def collation_key(text: str) -> str:
    """Equal for two values MariaDB's ``=`` finds equal in ``utf8mb4_unicode_520_ci``: case and accents
    folded, trailing spaces ignored (PAD SPACE)."""
    return fold(text).rstrip(" ")


def lookup_keys(author_email: str, content: str) -> dict[str, str]:
    """The lookup columns of a comment: its email's collation key and a digest of its content's (the
    duplicate and flood checks narrow their rows with them, then compare exactly as MariaDB does)."""
    digest = hashlib.md5(collation_key(content).encode("utf-8", "surrogatepass"), usedforsecurity=False)
    return {"email_key": collation_key(author_email)[:100], "content_key": digest.hexdigest()}


posts = Table(
    "comments_posts",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("type", String(20), nullable=False, default="post"),
    Column("status", String(20), nullable=False, default="publish"),
    Column("password", String(255), nullable=False, default=""),
    Column("comment_status", String(20), nullable=False, default="open"),
    Column("ping_status", String(20), nullable=False, default="open"),
    Column("name", String(200), nullable=False, default=""),  # post_name (the slug)
    Column("parent", BigInteger, nullable=False, default=0),
    Column("author", BigInteger, nullable=False, default=0),
    Column("date", String(19), nullable=False, default=ZERO_DATE),  # post_date, local (the permalink's)
    Column("date_gmt", String(19), nullable=False, default=ZERO_DATE),
)

#: the raw title, excerpt and content of posts and pages (what the post embedded as a comment's ``up`` renders);
#: no row: not known (a store made before this table: the embed is declined until the post changes or a rebuild)
post_texts = Table(
    "comments_post_texts",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("title", Text, nullable=False, default=""),
    Column("excerpt", Text, nullable=False, default=""),
    Column("content", Text, nullable=False, default=""),
)

#: the rows of ``wp_postmeta`` the embedded post reads (:func:`kept_meta`: ``_thumbnail_id``, its
#: ``featured_media``, and the oEmbed caches its excerpt renders from), by ``meta_id``
post_meta = Table(
    "comments_post_meta",
    metadata,
    Column("meta_id", BigInteger, primary_key=True, autoincrement=False),
    Column("post_id", BigInteger, nullable=False),
    Column("key", String(255), nullable=False),
    Column("value", Text, nullable=False, default=""),
    Index("comments_post_meta_post", "post_id", "meta_id"),
)


def kept_meta(key: object) -> bool:
    """Whether the comments service keeps a post meta row of this ``meta_key``."""
    return isinstance(key, str) and (key == "_thumbnail_id" or key.startswith("_oembed_"))


#: the options kept: URLs and permalinks, avatars, comment rendering and links, the time zone (``before``/``after``),
#: and the discussion settings visitors' submissions are decided by (``submission.settings``)
OPTIONS = frozenset({
    "home", "siteurl", "permalink_structure", "show_on_front", "page_on_front",
    "show_avatars", "avatar_default", "avatar_rating", "use_smilies",
    "page_comments", "comments_per_page", "default_comments_page",
    "timezone_string", "gmt_offset",
    "require_name_email", "comment_registration", "comment_moderation", "comment_max_links", "moderation_keys",
    "disallowed_keys", "comment_previously_approved", "close_comments_for_old_posts", "close_comments_days_old",
    "thread_comments", "thread_comments_depth", "use_balanceTags", "blog_public", "WPLANG",
})  # fmt: skip
options = Table(
    "comments_options",
    metadata,
    Column("option_id", BigInteger, primary_key=True, autoincrement=False),
    Column("name", String(191), nullable=False, unique=True),
    Column("value", Text, nullable=False, default=""),
)

user_emails = Table(
    "comments_user_emails",
    metadata,
    Column("user_id", BigInteger, primary_key=True, autoincrement=False),
    Column("email", String(100), nullable=False, default=""),
)
