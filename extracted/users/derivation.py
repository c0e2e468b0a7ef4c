"""Domain events derived from the way WordPress writes a user: pure.

WordPress 6.1 writes one logical change as several autocommit statements. A registration is the
``wp_users`` row, then one usermeta row per profile field (nickname, first and last name,
description, locale, editor preferences…), then ``wp_capabilities`` and ``wp_user_level`` (the role),
then ``default_password_nag``, then ``user_activation_key`` on the row. A profile edit is the row, then
each changed meta. A deletion removes every meta row first and the ``wp_users`` row last. Mapping rows
to events one to one would announce a user without a role, a role change to nothing before every
deletion, and "profile updates" for activation keys and session tokens.

So events are derived from the *state* of one user, once it has settled:

* a user whose statements are still arriving (its last change less than ``settle_ms`` ago) waits;
* a user without ``wp_capabilities`` is not complete: it waits, up to ``wait_ms`` after its first
  unannounced change. ``wp_insert_user`` always writes it (``WP_User::set_role`` stores ``a:0:{}`` for
  a user without a role), so the bound is for other writers (imports, plugins writing rows); it is
  long (10 s) because a loaded machine can take seconds between the row and the role;
* then the state is compared with what consumers were last told (:class:`Announced`):
  ``user.registered`` (all of the public profile and the roles) the first time,
  ``user.profile_updated`` with only the changed profile fields and their new values,
  ``user.role_changed`` when the set of roles differs, ``user.deleted`` when the row is gone.

Only profile fields count (:data:`PROFILE_COLUMNS`, :data:`PROFILE_META`): passwords, activation keys,
session tokens, password nags, editor preferences and last-login meta never make an event, and never
appear in one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from extracted.formatting.phpdata import UnserializeError, php_unserialize
from extracted.runtime.announcing import Decision as KitDecision
from extracted.runtime.announcing import DerivedEvent, Pending

__all__ = [
    "DEFAULT_ROLES",
    "PROFILE_COLUMNS",
    "PROFILE_META",
    "Announced",
    "Decision",
    "DerivedEvent",
    "Pending",
    "UserState",
    "decide",
    "roles_of",
]

#: profile fields kept in ``wp_users``, by their event names (``user_nicename`` → ``nicename``)
PROFILE_COLUMNS = ("nicename", "display_name", "email", "url")
#: profile fields kept in usermeta (the ``wp_usermeta.meta_key``s)
PROFILE_META = ("nickname", "first_name", "last_name", "description", "locale")
#: the roles WordPress 6.1 installs (``wp_user_roles``), for sites whose option has not been read
DEFAULT_ROLES = frozenset({"administrator", "editor", "author", "contributor", "subscriber"})
CAPABILITIES_KEY = "wp_capabilities"


@dataclass(frozen=True)
class UserState:
    """One user as the read model holds it: the ``wp_users`` row and the first value of each meta key."""

    id: int
    login: str
    nicename: str
    email: str
    url: str
    display_name: str
    #: ``user_registered`` in epoch milliseconds as CDC sends it (MariaDB's zero date arrives as 0)
    registered_ms: int
    meta: Mapping[str, str] = field(default_factory=dict)

    def profile(self) -> dict[str, str]:
        columns = {"nicename": self.nicename, "display_name": self.display_name, "email": self.email, "url": self.url}
        return {**columns, **{key: self.meta.get(key, "") for key in PROFILE_META}}


@dataclass(frozen=True)
class Announced:
    """What consumers were last told about one user; ``version`` counts the events about them."""

    profile: Mapping[str, str]
    roles: tuple[str, ...]
    version: int


#: this derivation's verdict on one aggregate (the kit's, with what consumers know of it)
Decision = KitDecision[Announced]


WAIT = Decision(ready=False)


def roles_of(meta: Mapping[str, str], known_roles: frozenset[str] = DEFAULT_ROLES) -> tuple[str, ...] | None:
    """``WP_User::get_role_caps``: the keys of ``wp_capabilities`` that are roles, in their order
    (whatever their value); None when the meta is absent. Unreadable serialized data has no roles."""
    raw = meta.get(CAPABILITIES_KEY)
    if raw is None:
        return None
    try:
        capabilities = php_unserialize(raw)
    except UnserializeError:
        return ()
    if not isinstance(capabilities, dict):
        return ()
    return tuple(str(key) for key in capabilities if str(key) in known_roles)


def _iso(epoch_ms: int) -> str:
    return datetime.fromtimestamp(epoch_ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _registered(user: UserState, roles: tuple[str, ...]) -> dict[str, object]:
    profile = user.profile()
    return {
        "id": user.id,
        "login": user.login,
        "nicename": profile["nicename"],
        "display_name": profile["display_name"],
        "email": profile["email"],
        "url": profile["url"],
        "registered": _iso(user.registered_ms),
        "roles": list(roles),
        **{key: profile[key] for key in PROFILE_META},
    }


def _settled(user: UserState, announced: Announced | None) -> bool:
    """Whether the user's statements look complete: a role, and every profile meta announced before
    still there (WordPress never deletes those of a live user: their absence is a deletion under way)."""
    if CAPABILITIES_KEY not in user.meta:
        return False
    previous = announced.profile if announced else {}
    return all(key in user.meta for key in PROFILE_META if previous.get(key))


def decide(
    user_id: int,
    user: UserState | None,
    announced: Announced | None,
    pending: Pending,
    now_ms: int,
    *,
    settle_ms: int,
    wait_ms: int,
    known_roles: frozenset[str] = DEFAULT_ROLES,
) -> Decision:
    """What to announce about user ``user_id``, with pending changes, now; ``user`` None: the row is gone."""
    if user is None:
        if announced is None:  # created and deleted before it was ever announced
            return Decision(ready=True)
        deleted = DerivedEvent("user.deleted", user_id, {"id": user_id}, announced.version + 1)
        return Decision(ready=True, events=(deleted,))
    overdue = now_ms - pending.first_change_ms >= wait_ms
    if now_ms - pending.last_change_ms < settle_ms and not overdue:
        return WAIT
    if not _settled(user, announced) and not overdue:
        return WAIT
    roles = roles_of(user.meta, known_roles) or ()
    profile = user.profile()
    if announced is None:
        event = DerivedEvent("user.registered", user.id, _registered(user, roles), 1)
        return Decision(ready=True, events=(event,), announced=Announced(profile, roles, 1))
    events: list[DerivedEvent] = []
    version = announced.version
    changed = {key: value for key, value in profile.items() if announced.profile.get(key) != value}
    if changed:
        version += 1
        events.append(DerivedEvent("user.profile_updated", user.id, {"id": user.id, "changed": changed}, version))
    if set(roles) != set(announced.roles):
        version += 1
        data: dict[str, object] = {"id": user.id, "roles": list(roles), "previous_roles": list(announced.roles)}
        events.append(DerivedEvent("user.role_changed", user.id, data, version))
    return Decision(ready=True, events=tuple(events), announced=Announced(profile, roles, version))
