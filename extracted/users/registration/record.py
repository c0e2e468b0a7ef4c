"""The users service as the system of record of a registration: one store transaction, and who exists.

:func:`record_registration` writes, in the caller's transaction, everything a registration is:

* the ``users_registrations`` row (``pending``: the legacy sync has not copied it into WordPress yet);
* the user in the read model as WordPress would hold it (``users`` + ``user_meta``, values of
  :mod:`newuser`; the meta rows with provisional negative ids until the sync learns WordPress's);
* what consumers are told (``users_announced``, version 1) and the ``user.registered`` event in the
  outbox, derived by :func:`~extracted.users.derivation.decide` from that very state, exactly as the
  announcer would derive it from WordPress's rows, with ``origin: users-service`` (:data:`ORIGIN`:
  a visitor's registration WordPress never saw, so WordPress sends no mail for it; the site-emails
  extension does).

So the relay publishes the event once, and when the sync's rows come back through CDC (its echo) the
announcer finds them equal to what was announced: no second event, no ``profile_updated``.

**The id.** The service allocates ``max(every user id it has seen, its own) + ID_HEADROOM``; "seen"
includes users deleted since (``users_id_high_water``), so no id is handed out twice. WordPress's
``AUTO_INCREMENT`` meanwhile hands out the ids right above the highest *it* has: a user that wp-admin
(or WordPress's own registration, while a canary splits visitors) creates between the service's last
look and the sync's insert — the CDC lag plus the sync's few milliseconds — would take ``max + 1``.
The headroom leaves WordPress :data:`ID_HEADROOM` ``- 1`` such ids (after the sync's insert its
``AUTO_INCREMENT`` continues above the service's id; the ids skipped stay unused, as deleted users'
do). More WordPress users than that in the window, and the sync finds the id taken by another login:
it marks the registration ``conflict``, reports itself unhealthy and counts it. The registration is
kept, nothing is lost; an operator settles it (its user.registered event already went out).

**Who exists** (:class:`Directory`): ``username_exists`` and ``email_exists`` against every user the
read model holds (WordPress's, through CDC, and the service's own), compared as MariaDB compares
(:func:`~extracted.users.schema.identity_key`). A dry run judges as of the moment the visitor's
request started: a user with the submitted login *and* email registered since then is WordPress
answering that very request (the proxy copies it to the service after WordPress answered), and is
not counted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from sqlalchemy import Connection, and_, func, insert, select, update

from extracted.rest.collation import sort_key
from extracted.users import schema
from extracted.users.announcer import known_roles, outbox_event, remember
from extracted.users.derivation import Pending, UserState, decide

from .newuser import NewUser, nicename_for, user_level, usermeta

__all__ = [
    "ID_HEADROOM",
    "ORIGIN",
    "PROVISIONAL_META_SPAN",
    "Directory",
    "allocate_user_id",
    "option",
    "provisional_meta_id",
    "record_registration",
]

#: how far above every id it knows the service allocates: room for WordPress's own new users (see module)
ID_HEADROOM = 10
#: provisional meta ids of user N: -(N * SPAN) - 1 … -(N * SPAN) - SPAN (a registration writes 14 rows)
PROVISIONAL_META_SPAN = 64
STATE_PENDING, STATE_SYNCED, STATE_CONFLICT = "pending", "synced", "conflict"
#: ``user.registered``'s ``origin`` for the service's registrations (absent: WordPress made the user)
ORIGIN = "users-service"


def option(connection: Connection, name: str, default: str = "") -> str:
    """A kept ``wp_options`` value (``schema.OPTIONS``), or ``default`` when the site has none."""
    found = connection.execute(select(schema.options.c.value).where(schema.options.c.name == name)).scalar()
    return default if found is None else str(found)


def provisional_meta_id(user_id: int, index: int) -> int:
    return -(user_id * PROVISIONAL_META_SPAN) - index - 1


def allocate_user_id(connection: Connection) -> int:
    """``max(known user ids incl. the service's own and the deleted) + ID_HEADROOM`` (see module)."""
    highest = [
        connection.execute(select(func.max(schema.users.c.id))).scalar(),
        connection.execute(select(func.max(schema.registrations.c.user_id))).scalar(),
        connection.execute(select(func.max(schema.id_high_water.c.max_user_id))).scalar(),
    ]
    return max(int(value or 0) for value in highest) + ID_HEADROOM


@dataclass(frozen=True)
class Directory:
    """``username_exists`` / ``email_exists`` in the store (a ``validation.UserLookup``); ``as_of_ms`` set
    for a dry run, with the login and email the submission would store (see module)."""

    connection: Connection
    #: the submission a dry run judges (its login as sanitized, its email) and when its request started
    login: str = ""
    email: str = ""
    as_of_ms: int | None = None

    def _echo(self, user_id: int, login_key: str, email_key: str, registered_ms: int) -> bool:
        """Whether this user is WordPress's answer to the request being dry-run (see module)."""
        if self.as_of_ms is None:
            return False
        since = self.as_of_ms - self.as_of_ms % 1000  # user_registered keeps whole seconds
        if not (
            login_key == schema.identity_key(self.login)
            and email_key == schema.identity_key(self.email)
            and registered_ms >= since
        ):
            return False
        own = schema.registrations.c.user_id == user_id
        return self.connection.execute(select(schema.registrations.c.user_id).where(own)).first() is None

    def _exists(self, column: str, value: str) -> bool:
        users = schema.users
        rows = self.connection.execute(
            select(users.c.id, users.c.login_key, users.c.email_key, users.c.registered_ms).where(
                users.c[column] == schema.identity_key(value)
            )
        ).all()
        return any(not self._echo(row.id, row.login_key, row.email_key, row.registered_ms) for row in rows)

    def login_exists(self, login: str) -> bool:
        """``username_exists``: a :class:`~extracted.users.registration.validation.UserLookup`."""
        return login != "" and self._exists("login_key", login)

    def email_exists(self, email: str) -> bool:
        return email != "" and self._exists("email_key", email)


def _nicename_taken(connection: Connection, login: str) -> Callable[[str], bool]:
    """``user_nicename = %s AND user_login != %s`` (nicenames are ASCII: case is what the collation folds)."""
    users, login_key = schema.users, schema.identity_key(login)

    def taken(nicename: str) -> bool:
        same = and_(func.lower(users.c.nicename) == nicename.lower(), users.c.login_key != login_key)
        return connection.execute(select(users.c.id).where(same).limit(1)).first() is not None

    return taken


def record_registration(
    connection: Connection, login: str, email: str, now_ms: int, *, topic: str, table_prefix: str, https: bool
) -> NewUser:
    """Store one registration (the caller's transaction; see module). ``login`` is sanitized and
    valid, ``email`` as WordPress stores it; ``https``: the visitor's request was (the mail's links)."""
    user_id = allocate_user_id(connection)
    taken = _nicename_taken(connection, login)
    role = option(connection, "default_role", "subscriber")
    registered_s = now_ms // 1000
    user = NewUser(
        id=user_id,
        login=login,
        email=email,
        nicename=nicename_for(login, taken),
        registered_s=registered_s,
        role=role,
        level=user_level(role, option(connection, f"{table_prefix}user_roles") or None),
    )
    connection.execute(
        insert(schema.users).values(
            id=user.id, login=user.login, nicename=user.nicename, email=user.email, url="",
            registered_ms=registered_s * 1000, display_name=user.display_name, name_key=sort_key(user.display_name),
            login_key=schema.identity_key(user.login), email_key=schema.identity_key(user.email),
        )
    )  # fmt: skip
    meta = usermeta(user, table_prefix)
    connection.execute(
        insert(schema.user_meta),
        [
            {"umeta_id": provisional_meta_id(user.id, index), "user_id": user.id, "key": key, "value": value}
            for index, (key, value) in enumerate(meta)
        ],
    )
    connection.execute(
        insert(schema.registrations).values(
            user_id=user.id, login=user.login, email=user.email, nicename=user.nicename, role=user.role,
            level=user.level, registered_ms=registered_s * 1000, https=int(https), state=STATE_PENDING,
            attempts=0, last_error="", synced_ms=0,
        )
    )  # fmt: skip
    state = UserState(user.id, user.login, user.nicename, user.email, "", user.display_name, registered_s * 1000,
                      dict(meta))  # fmt: skip
    decision = decide(
        user.id, state, None, Pending(now_ms, now_ms), now_ms, settle_ms=0, wait_ms=0,
        known_roles=known_roles(connection),
    )  # fmt: skip
    assert decision.ready and decision.announced is not None and len(decision.events) == 1
    remember(connection, user.id, decision.announced)
    events = [replace(derived, data={**derived.data, "origin": ORIGIN}) for derived in decision.events]
    schema.outbox.append(connection, [outbox_event(topic, derived, now_ms) for derived in events], now_ms)
    return user


def mark(connection: Connection, user_id: int, state: str, **values: object) -> None:
    """Move a registration to ``state`` (the sync's bookkeeping)."""
    table = schema.registrations
    connection.execute(update(table).where(table.c.user_id == user_id).values(state=state, **values))
