"""A fresh set-password key for a user the service registered, as ``get_password_reset_key`` makes one.

The site-emails extension mails WordPress's "Login Details" for the service's registrations; the link
in it needs a key only WordPress's database may hold (hashed). :class:`SetPasswordKeys` makes it:
``wp_generate_password( 20, false )``, stored in ``wp_users.user_activation_key`` as
``time() . ':' . $wp_hasher->HashPassword( $key )`` (phpass portable, 8 rounds), in one MariaDB
transaction, and answers the key with what the mail needs. The key itself is kept nowhere: each call
replaces the one before (as each ``get_password_reset_key`` does).

Only for the service's own registrations, once the legacy sync has written them into WordPress
(``synced``): an unknown id is :class:`Unknown` (404; users WordPress created send their own mails),
one not yet in WordPress :class:`NotYet` (409: the caller retries), one whose row WordPress no longer
has (deleted since) :class:`Unknown` too. MariaDB unreachable raises (503).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, select

from extracted.formatting.phpass import generate_password, hash_password
from extracted.runtime.legacy import Connect
from extracted.users import schema

from .record import STATE_SYNCED

__all__ = ["KEY_LENGTH", "Issued", "NotYet", "SetPasswordKeys", "Unknown", "activation_value"]

#: ``get_password_reset_key``: ``wp_generate_password( 20, false )``
KEY_LENGTH = 20


@dataclass(frozen=True)
class Issued:
    """A key WordPress now accepts for the user's set-password link, and what the mail says."""

    user_id: int
    user_login: str
    user_email: str
    key: str
    #: the visitor's registration came over https (``is_ssl()``: the links' scheme)
    https: bool


@dataclass(frozen=True)
class NotYet:
    """The registration is not in WordPress yet (``state``: the legacy sync's), or never will be (conflict)."""

    state: str


@dataclass(frozen=True)
class Unknown:
    reason: str


def activation_value(key: str, now_s: float) -> str:
    """``user_activation_key`` as ``get_password_reset_key`` stores it."""
    return f"{int(now_s)}:{hash_password(key)}"


class SetPasswordKeys:
    """Issues keys (:meth:`issue`); ``connect`` opens WordPress's MariaDB (autocommit off)."""

    def __init__(
        self, engine: Engine, connect: Connect, *, table_prefix: str = "wp_", clock: Callable[[], float] = time.time
    ) -> None:
        self.engine, self.connect, self.prefix, self.clock = engine, connect, table_prefix, clock
        self.issued = 0

    def issue(self, user_id: int) -> Issued | NotYet | Unknown:
        table = schema.registrations
        with self.engine.connect() as connection:
            row = connection.execute(select(table).where(table.c.user_id == user_id)).first()
        if row is None:
            return Unknown(f"the users service registered no user {user_id}")
        if row.state != STATE_SYNCED:
            return NotYet(str(row.state))
        key = generate_password(KEY_LENGTH)
        users = f"`{self.prefix}users`"
        with self.connect() as mariadb, mariadb.cursor() as cursor:
            try:
                changed = cursor.execute(
                    f"UPDATE {users} SET user_activation_key = %s WHERE ID = %s AND user_login = %s",
                    (activation_value(key, self.clock()), user_id, row.login),
                )
            except BaseException:
                mariadb.rollback()
                raise
            mariadb.commit()
        if not changed:  # a new hash always changes the row: it is gone (or its login changed)
            return Unknown(f"WordPress has no user {user_id} with the login {row.login!r} any more")
        self.issued += 1
        return Issued(user_id, str(row.login), str(row.email), key, bool(row.https))
