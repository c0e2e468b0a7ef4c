"""The extensions service's store: what it knows of the site, and where each extension stands.

The *site* (rebuilt from the topics at will): the options extensions read (``wp_options`` rows),
users (from the users service's events: login, email, display name, roles), posts and pages (from
content's events) and comments (from the comments service's: the fields of ``comment.posted`` and
the current status). It is what ``ExtensionContext.site`` answers from.

The *ledger* (``extracted.runtime.ledger_table``, kept on a rebuild): per extension whether it is
enabled, the next offset it reads per topic partition, and the ids of the events it has handled
(with the outcome: ``handled`` or ``dead-lettered``), so each event reaches each extension once; and
the webhooks' endpoints, deliveries and attempts (``webhooks.store``: :data:`webhooks`).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Integer, MetaData, String, Table, Text

from extracted.runtime import ledger_table

from .webhooks.store import webhook_tables

__all__ = ["OPTIONS", "comment_edits", "comments", "extension_handled", "extension_positions", "extension_state",
           "metadata", "options", "posts", "users", "webhooks"]  # fmt: skip

metadata = MetaData()

#: the options extensions may read (``SiteView.option``); the site-emails extension needs most of them
OPTIONS = frozenset(
    {
        "admin_email", "blog_charset", "blogname", "blogdescription", "comment_moderation", "comments_notify",
        "date_format", "gmt_offset", "home", "moderation_notify", "permalink_structure", "siteurl", "time_format",
        "timezone_string", "WPLANG", "page_comments", "comments_per_page", "default_comments_page",
        "thread_comments", "thread_comments_depth", "comment_order",
    }
)  # fmt: skip

options = Table(
    "site_options",
    metadata,
    Column("option_id", BigInteger, primary_key=True, autoincrement=False),
    Column("name", String(191), nullable=False, index=True),
    Column("value", Text, nullable=False),
)

users = Table(
    "site_users",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("login", String(60), nullable=False, default=""),
    Column("email", String(100), nullable=False, default=""),
    Column("display_name", String(250), nullable=False, default=""),
    Column("roles", Text, nullable=False, default="[]"),  # JSON list of role slugs
)

posts = Table(
    "site_posts",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("type", String(20), nullable=False, default="post"),
    Column("status", String(20), nullable=False, default="publish"),
    Column("title", Text, nullable=False, default=""),
    Column("author", BigInteger, nullable=False, default=0),
    Column("link", Text, nullable=False, default=""),
)

comments = Table(
    "site_comments",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("post", BigInteger, nullable=False, index=True),
    Column("status", String(20), nullable=False, index=True),
    Column("fields", Text, nullable=False),  # JSON: the comment.posted data, updated by comment.updated
)

#: ``comment.updated`` events of a batch (only the changed fields), merged into ``comments`` after it
comment_edits = Table(
    "site_comment_edits",
    metadata,
    Column("event_id", String(255), primary_key=True),
    Column("comment_id", BigInteger, nullable=False),
    Column("time", String(40), nullable=False),  # the event's: edits are merged in their order
    Column("changed", Text, nullable=False),
)

extension_state = ledger_table(
    Table(
        "extension_state",
        metadata,
        Column("name", String(63), primary_key=True),
        Column("enabled", Boolean, nullable=False),
        Column("changed_ms", BigInteger, nullable=False),
    )
)

extension_positions = ledger_table(
    Table(
        "extension_positions",
        metadata,
        Column("extension", String(63), primary_key=True),
        Column("topic", String(255), primary_key=True),
        Column("partition", Integer, primary_key=True, autoincrement=False),
        Column("next_offset", BigInteger, nullable=False),
    )
)

extension_handled = ledger_table(
    Table(
        "extension_handled",
        metadata,
        Column("extension", String(63), primary_key=True),
        Column("event_id", String(255), primary_key=True),
        Column("outcome", String(20), nullable=False),  # handled | dead-lettered
        Column("attempts", Integer, nullable=False),
        Column("handled_ms", BigInteger, nullable=False),
        Column("error", Text, nullable=False, default=""),
    )
)

#: the webhooks' ledger (endpoints, deliveries, attempts) in the same store
webhooks = webhook_tables(metadata)
