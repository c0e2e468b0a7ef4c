"""The users service's store: its copy of WordPress's users, what it has announced, what it owes.

``users``/``user_meta`` mirror ``wp_users``/``wp_usermeta`` (never read from WordPress: built from
change events); ``users.name_key`` sorts display names as MariaDB's collation does, ``login_key`` and
``email_key`` compare logins and emails as it does (:func:`identity_key`: ``username_exists`` and
``email_exists`` are ``=`` in ``utf8mb4_unicode_520_ci``). ``options`` keeps the few ``wp_options``
the service reads (:data:`OPTIONS`: the site's URLs and avatar settings for the REST API,
``wp_user_roles`` for the events, what registration reads), ``posts`` a slice of ``wp_posts`` (id,
author, type, status: who has published content, which decides which users an anonymous visitor may see).

``registrations`` are the users the service registered itself, as their system of record: the row
is written with the user in ``users``/``user_meta``, its announced state and its ``user.registered``
event in one transaction (``registration.record``), and the legacy sync copies it into WordPress
(``state`` ``pending`` → ``synced``, or ``conflict`` when WordPress gave its id or login to someone else).
The user's meta rows carry provisional negative ``umeta_id`` s until the sync learns WordPress's.

``touched`` collects the users a batch changed (the projection writes it, so a deleted meta row
still names its user), ``pending`` the users whose changes are not announced yet, with when
the first and the last of them arrived; ``announced`` what consumers were last told. The event outbox
(``extracted.runtime.event_outbox``) lives on the same metadata: events are stored with their cause.
``registrations``, ``announced``, ``id_high_water`` and the outbox are the service's ledger
(``extracted.runtime.ledger_table``): a rebuild keeps them (no replay could bring them back).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, MetaData, String, Table, Text

from extracted.rest.collation import fold
from extracted.runtime import ledger_table
from extracted.runtime.event_outbox import EventOutbox

metadata = MetaData()

users = Table(
    "users_users",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("login", String(60), nullable=False, default=""),
    Column("nicename", String(50), nullable=False, default=""),
    Column("email", String(100), nullable=False, default=""),
    Column("url", String(100), nullable=False, default=""),
    Column("registered_ms", BigInteger, nullable=False, default=0),
    Column("display_name", String(250), nullable=False, default=""),
    Column("name_key", String(250), nullable=False, default=""),
    Column("login_key", String(60), nullable=False, default=""),
    Column("email_key", String(100), nullable=False, default=""),
    Index("users_users_login_key", "login_key"),
    Index("users_users_email_key", "email_key"),
)


def identity_key(text: str) -> str:
    """Equal for two logins (or emails) MariaDB's ``=`` finds equal: case and accents folded, trailing
    spaces ignored (PAD SPACE). Expansions (``ß`` = ``ss``) are not modelled: a registered login or
    email is ASCII (``validate_username``, ``is_email``), so only a stored non-ASCII one could differ."""
    return fold(text).rstrip(" ")


user_meta = Table(
    "users_user_meta",
    metadata,
    Column("umeta_id", BigInteger, primary_key=True, autoincrement=False),
    Column("user_id", BigInteger, nullable=False),
    Column("key", String(255), nullable=False),
    Column("value", Text, nullable=False, default=""),
    Index("users_user_meta_user", "user_id", "key"),
)

#: the options kept (``wp_user_roles``: which capability keys are roles on this site)
OPTIONS = frozenset({
    "wp_user_roles", "home", "permalink_structure", "show_avatars", "avatar_default", "avatar_rating",
    # registration (the page, its rules, the new user, the mails)
    "siteurl", "blogname", "blog_charset", "admin_email", "users_can_register", "default_role", "WPLANG",
    "blog_public", "html_type", "wp_page_for_privacy_policy", "site_icon",
})  # fmt: skip
options = Table(
    "users_options",
    metadata,
    Column("option_id", BigInteger, primary_key=True, autoincrement=False),
    Column("name", String(191), nullable=False, unique=True),
    Column("value", Text, nullable=False, default=""),
)

posts = Table(
    "users_posts",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("author", BigInteger, nullable=False, default=0),
    Column("type", String(20), nullable=False, default=""),
    Column("status", String(20), nullable=False, default=""),
    Index("users_posts_author", "author", "status", "type"),
)

touched = Table(
    "users_touched",
    metadata,
    Column("user_id", BigInteger, primary_key=True, autoincrement=False),
    Column("change_ms", BigInteger, nullable=False),
)

pending = Table(
    "users_pending",
    metadata,
    Column("user_id", BigInteger, primary_key=True, autoincrement=False),
    Column("first_change_ms", BigInteger, nullable=False),
    Column("last_change_ms", BigInteger, nullable=False),
)

announced = ledger_table(
    Table(
        "users_announced",
        metadata,
        Column("user_id", BigInteger, primary_key=True, autoincrement=False),
        Column("profile", Text, nullable=False),  # JSON object of the profile fields
        Column("roles", Text, nullable=False),  # JSON array
        Column("version", Integer, nullable=False),
    )
)

registrations = ledger_table(
    Table(
        "users_registrations",
        metadata,
        Column("user_id", BigInteger, primary_key=True, autoincrement=False),
        Column("login", String(60), nullable=False, unique=True),
        Column("email", String(100), nullable=False),
        Column("nicename", String(50), nullable=False),
        Column("role", String(255), nullable=False),
        Column("level", Integer, nullable=False),
        Column("registered_ms", BigInteger, nullable=False),  # whole seconds, as user_registered keeps it
        Column("https", Integer, nullable=False, default=0),  # the visitor registered over https: the mail's links are
        Column("state", String(16), nullable=False),  # pending | synced | conflict
        Column("attempts", Integer, nullable=False, default=0),
        Column("last_error", Text, nullable=False, default=""),
        Column("synced_ms", BigInteger, nullable=False, default=0),
        Index("users_registrations_state", "state"),
    )
)

#: the highest user id ever seen (one row, ``id`` 1), deleted users included: ids are never handed out twice
id_high_water = ledger_table(
    Table(
        "users_id_high_water",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("max_user_id", BigInteger, nullable=False),
    )
)

outbox = EventOutbox(metadata)
