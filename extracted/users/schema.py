"""The users service's store: its copy of WordPress's users, what it has announced, what it owes.

``users``/``user_meta`` mirror ``wp_users``/``wp_usermeta`` (never read from WordPress: built from
change events). ``touched`` collects the users a batch changed (the projection writes it, so a deleted
meta row still names its user), ``pending`` the users whose changes are not announced yet, with when
the first and the last of them arrived; ``announced`` what consumers were last told. The event outbox
(``extracted.runtime.event_outbox``) lives on the same metadata: events are stored with their cause.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, MetaData, String, Table, Text

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
)

user_meta = Table(
    "users_user_meta",
    metadata,
    Column("umeta_id", BigInteger, primary_key=True, autoincrement=False),
    Column("user_id", BigInteger, nullable=False),
    Column("key", String(255), nullable=False),
    Column("value", Text, nullable=False, default=""),
    Index("users_user_meta_user", "user_id", "key"),
)

#: ``wp_user_roles``: which capability keys are roles on this site
roles_option = Table(
    "users_roles_option",
    metadata,
    Column("option_id", BigInteger, primary_key=True, autoincrement=False),
    Column("value", Text, nullable=False, default=""),
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

announced = Table(
    "users_announced",
    metadata,
    Column("user_id", BigInteger, primary_key=True, autoincrement=False),
    Column("profile", Text, nullable=False),  # JSON object of the profile fields
    Column("roles", Text, nullable=False),  # JSON array
    Column("version", Integer, nullable=False),
)

outbox = EventOutbox(metadata)
