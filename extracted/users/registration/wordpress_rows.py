"""A registered user written into WordPress's MariaDB as WordPress 6.1 writes one, in ONE transaction.

WordPress itself takes several autocommit statements (the ``wp_users`` row, each usermeta row, the
activation key); the legacy sync writes the same rows together, so WordPress never sees half a user:
the ``wp_users`` row with the service's id, ``user_pass`` a phpass hash of a secret nobody keeps, and
``user_activation_key`` ``<time>:<phpass hash of the set-password key>`` (``get_password_reset_key``),
then the usermeta rows of :func:`~extracted.users.registration.newuser.usermeta`, in WordPress's order.

Idempotent: a row with the id and the same login is this registration written before (a crash
before it was marked synced): only the activation key is replaced (nobody's yet: the mailed key is
made later, ``set_password_key``) and nothing is inserted twice. The id, the login or the email
held by another user is a :class:`Conflict` (the id race with wp-admin, see ``record``), and nothing
is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from .newuser import NewUser, usermeta

__all__ = ["Conflict", "Cursor", "Written", "write_user"]


class Cursor(Protocol):
    """The part of a DB-API cursor (PyMySQL's) the writer uses."""

    lastrowid: int

    def execute(self, query: str, args: Any = None) -> int: ...

    def fetchone(self) -> tuple[Any, ...] | None: ...

    def fetchall(self) -> Sequence[tuple[Any, ...]]: ...


@dataclass(frozen=True)
class Written:
    """The user is in WordPress; ``meta`` its usermeta rows (umeta_id, key, value) as WordPress holds them."""

    meta: tuple[tuple[int, str, str], ...]
    #: the row was there already (a re-run): only the activation key was replaced
    again: bool


@dataclass(frozen=True)
class Conflict:
    reason: str


def _registered(user: NewUser) -> str:
    return datetime.fromtimestamp(user.registered_s, UTC).strftime("%Y-%m-%d %H:%M:%S")


def write_user(
    cursor: Cursor, user: NewUser, *, prefix: str, user_pass: str, activation_key: str
) -> Written | Conflict:
    """The statements of one transaction on ``cursor``; the caller begins, commits or rolls back."""
    users, usermeta_table = f"`{prefix}users`", f"`{prefix}usermeta`"
    cursor.execute(f"SELECT ID, user_login FROM {users} WHERE ID = %s FOR UPDATE", (user.id,))
    found = cursor.fetchone()
    if found is not None and found[1] != user.login:
        return Conflict(f"WordPress gave the id {user.id} to the login {found[1]!r} (registered as {user.login!r})")
    if found is None:
        for column, value in (("user_login", user.login), ("user_email", user.email)):
            cursor.execute(f"SELECT ID FROM {users} WHERE {column} = %s LIMIT 1", (value,))
            other = cursor.fetchone()
            if other is not None:
                return Conflict(f"WordPress has the {column} {value!r} as user {other[0]} (registered as {user.id})")
        cursor.execute(
            f"INSERT INTO {users} (ID, user_login, user_pass, user_nicename, user_email, user_url, user_registered,"
            " user_activation_key, user_status, display_name) VALUES (%s, %s, %s, %s, %s, '', %s, %s, 0, %s)",
            (user.id, user.login, user_pass, user.nicename, user.email, _registered(user), activation_key,
             user.display_name),
        )  # fmt: skip
    else:
        cursor.execute(f"UPDATE {users} SET user_activation_key = %s WHERE ID = %s", (activation_key, user.id))
    cursor.execute(f"SELECT meta_key FROM {usermeta_table} WHERE user_id = %s", (user.id,))
    present = {str(row[0]) for row in cursor.fetchall()}
    for key, value in usermeta(user, prefix):
        if key not in present:  # all of them, but after a partial write by someone else
            cursor.execute(
                f"INSERT INTO {usermeta_table} (user_id, meta_key, meta_value) VALUES (%s, %s, %s)",
                (user.id, key, value),
            )
    cursor.execute(
        f"SELECT umeta_id, meta_key, meta_value FROM {usermeta_table} WHERE user_id = %s ORDER BY umeta_id",
        (user.id,),
    )
    meta = tuple((int(row[0]), str(row[1]), "" if row[2] is None else str(row[2])) for row in cursor.fetchall())
    return Written(meta=meta, again=found is not None)
