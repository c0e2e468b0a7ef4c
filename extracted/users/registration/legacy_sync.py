"""The legacy sync: registrations the service recorded → WordPress's MariaDB.

A service worker (``legacy_sync``). For each registration not yet synced, oldest first: one MariaDB
transaction (``wordpress_rows.write_user``: the user with the service's id, a ``user_pass`` and a
set-password key hash of secrets nobody keeps, so the row is at once as WordPress's own), then in the
store the user's provisional meta rows replaced by WordPress's (so the CDC echo of the sync finds the
read model as it is: nothing to announce), and the registration ``synced``.

The mails WordPress sends for a registration ("New User Registration" to the admin, "Login Details"
to the user) are the site-emails extension's (``extracted.extensions.site_emails``): it reads the
``user.registered`` event (``origin: users-service``) and asks the internal API for a fresh key once
the registration is ``synced`` (``set_password_key``). The users service sends no mail.

* **WordPress down** does not matter (the sync writes the database, not through PHP); **MariaDB
  unreachable** is retried with a doubling backoff (``failing``, ``last_error``), registrations wait.
* **Idempotent**: a re-run (a crash after the MariaDB commit) finds the row with the same id and login
  and only replaces its unknown key: no second user. No key is mailed before ``synced``, so a re-run
  never replaces a mailed one.
* **Conflicts** (the id, login or email given to someone else by WordPress, see ``record``): the
  registration is marked ``conflict`` with the reason, kept, counted, and the worker is unhealthy
  while any is unresolved (so is the service: ``strangler up`` waits for it in vain until an operator
  settles the registration). Its copy leaves the read model: WordPress's user of that id is the truth.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Engine, and_, delete, insert, select

from extracted.formatting.phpass import generate_password, hash_password
from extracted.runtime import begin_write
from extracted.runtime.legacy import Connect, SyncWorker, connect_mariadb
from extracted.users import schema

from .newuser import NewUser
from .record import STATE_CONFLICT, STATE_PENDING, STATE_SYNCED, mark
from .set_password_key import KEY_LENGTH, activation_value
from .wordpress_rows import Conflict, Written, write_user

__all__ = ["STATE_WRITTEN", "UNSYNCED", "LegacySync", "connect_mariadb"]

log = logging.getLogger(__name__)
#: in WordPress, the store's meta mirrored, not marked synced yet
STATE_WRITTEN = "written"
UNSYNCED = (STATE_PENDING, STATE_WRITTEN)


def _new_user(row: Any) -> NewUser:
    return NewUser(row.user_id, row.login, row.email, row.nicename, row.registered_ms // 1000, row.role, row.level)


def _withdraw(connection: Connection, user: NewUser) -> None:
    """The read model's copy of a conflicting registration goes (its row, if CDC has not replaced it with
    WordPress's user of that id yet, and its provisional meta): WordPress's user of that id is the truth."""
    meta, users = schema.user_meta, schema.users
    connection.execute(delete(meta).where(and_(meta.c.user_id == user.id, meta.c.umeta_id < 0)))
    ours = and_(users.c.id == user.id, users.c.login_key == schema.identity_key(user.login))
    connection.execute(delete(users).where(ours))


class LegacySync(SyncWorker):
    """Copies registrations into WordPress until stopped; :meth:`wake` after one was recorded."""

    def __init__(
        self,
        engine: Engine,
        connect: Connect,
        *,
        table_prefix: str = "wp_",
        idle_s: float = 2.0,
        retry_initial_s: float = 0.2,
        retry_max_s: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(idle_s=idle_s, retry_initial_s=retry_initial_s, retry_max_s=retry_max_s)
        self.engine, self.connect, self.prefix, self.clock = engine, connect, table_prefix, clock
        self.written = self.again = 0

    # -- one round --------------------------------------------------------------------------------

    def sync_pending(self) -> int:
        """Sync every registration waiting; returns how many became ``synced``. Raises :data:`UNREACHABLE`
        errors (MariaDB) for the caller's backoff (the round stops there)."""
        table = schema.registrations
        with self.engine.connect() as connection:
            rows = connection.execute(select(table).where(table.c.state.in_(UNSYNCED)).order_by(table.c.user_id)).all()
        done = 0
        for row in rows:
            done += self._sync(row)
        return done

    def _sync(self, row: Any) -> int:
        user = _new_user(row)
        # a key nobody knows, as WordPress's row has one once registered: the mail's comes from the API
        activation = activation_value(generate_password(KEY_LENGTH), self.clock())
        with self.connect() as mariadb, mariadb.cursor() as cursor:
            try:
                result = write_user(
                    cursor, user, prefix=self.prefix, user_pass=hash_password(generate_password(24)),
                    activation_key=activation,
                )  # fmt: skip
            except BaseException:
                mariadb.rollback()
                raise
            if isinstance(result, Conflict):
                mariadb.rollback()
            else:
                mariadb.commit()
        if isinstance(result, Conflict):
            log.error("legacy sync: registration %d (%s) conflicts: %s", user.id, user.login, result.reason)
            with begin_write(self.engine) as connection:
                mark(connection, user.id, STATE_CONFLICT, last_error=result.reason, attempts=row.attempts + 1)
                _withdraw(connection, user)
            return 0
        self._mirror(user, result)
        with self._lock:
            self.written += 1
            self.again += int(result.again)
        with begin_write(self.engine) as connection:
            mark(connection, user.id, STATE_SYNCED, synced_ms=int(self.clock() * 1000), last_error="")
        log.info("legacy sync: user %d (%s) is in WordPress%s", user.id, user.login, " (again)" * result.again)
        return 1

    def _mirror(self, user: NewUser, result: Written) -> None:
        """The read model's meta of the user as WordPress now holds it (the CDC echo brings the same)."""
        meta = schema.user_meta
        with begin_write(self.engine) as connection:
            connection.execute(delete(meta).where(and_(meta.c.user_id == user.id, meta.c.umeta_id < 0)))
            ids = [umeta_id for umeta_id, _, _ in result.meta]
            if ids:
                connection.execute(delete(meta).where(meta.c.umeta_id.in_(ids)))
                connection.execute(
                    insert(meta),
                    [{"umeta_id": i, "user_id": user.id, "key": k, "value": v} for i, k, v in result.meta],
                )
            mark(connection, user.id, STATE_WRITTEN, attempts=0, last_error="")

    # -- the worker -------------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        counts = self.state_counts(self.engine, schema.registrations)
        conflicts = counts.get(STATE_CONFLICT, 0) if counts is not None else 0
        with self._lock:
            return {
                "healthy": not self.failing and conflicts == 0,
                "failing": self.failing,
                "pending": None if counts is None else sum(counts.get(state, 0) for state in UNSYNCED),
                "synced": None if counts is None else counts.get(STATE_SYNCED, 0),
                "conflicts": conflicts,
                "written": self.written,
                "rewritten": self.again,
                "last_error": self.last_error,
            }
