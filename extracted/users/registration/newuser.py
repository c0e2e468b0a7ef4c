"""A registered user as WordPress 6.1 writes one: the ``wp_users`` row and its usermeta, pure.

``register_new_user`` → ``wp_create_user`` → ``wp_insert_user`` makes the row (``user_nicename`` the
``sanitize_title`` of the login's first 50 characters, ``-2``, ``-3``… while another login has it;
``display_name`` the login; ``user_registered`` ``gmdate( 'Y-m-d H:i:s' )``), then one meta row per
field (:func:`usermeta`, in WordPress's order), ``set_role( get_option( 'default_role' ) )`` (the
serialized capabilities and the level of the role), and ``default_password_nag``. The users service
writes exactly these values into its read model and the legacy sync into WordPress, so the row changes
the sync causes come back through CDC as what was already announced.

Logins that pass ``validate_username`` hold only ASCII letters, digits, space, ``_``, ``.``, ``-`` and
``@`` (its strict ``sanitize_user``), which is all :func:`sanitize_title` has to reproduce.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from extracted.formatting.phpdata import UnserializeError, php_serialize, php_unserialize

__all__ = ["NewUser", "capabilities_value", "nicename_for", "sanitize_title", "user_level", "usermeta"]

NICENAME_LENGTH = 50
#: ``sanitize_user( $login, true )`` keeps these; they are all a registered login can hold
LOGIN_ALPHABET = re.compile(r"[A-Za-z0-9 _.\-@]*")
_LEVEL = re.compile(r"^level_(10|[0-9])$", re.IGNORECASE)


def sanitize_title(login: str) -> str:
    """``sanitize_title( $login )`` ('save' context) of a login of :data:`LOGIN_ALPHABET`."""
    if not LOGIN_ALPHABET.fullmatch(login):
        raise ValueError(f"not a login WordPress registers: {login!r}")
    title = login.lower().replace(".", "-")
    title = re.sub(r"[^%a-z0-9 _-]", "", title)  # '@' goes
    title = re.sub(r"\s+", "-", title)
    title = re.sub(r"-+", "-", title)
    return title.strip("-")


def nicename_for(login: str, taken_by_another: Callable[[str], bool]) -> str:
    """``wp_insert_user``'s nicename; ``taken_by_another(nicename)``: another login has it (as MariaDB
    compares, ``user_nicename = %s AND user_login != %s``)."""
    nicename = sanitize_title(login[:NICENAME_LENGTH])
    if not taken_by_another(nicename):
        return nicename
    suffix = 2
    while True:
        alternative = nicename[: 49 - len(str(suffix))] + f"-{suffix}"
        if not taken_by_another(alternative):
            return alternative
        suffix += 1


def capabilities_value(role: str) -> str:
    """``<prefix>capabilities`` after ``set_role( $role )`` of a new user (no role: an empty array)."""
    return php_serialize({role: True} if role else {})


def user_level(role: str, roles_option: str | None) -> int:
    """``update_user_level_from_caps``: the highest ``level_N`` among the keys of the role's
    capabilities (granted or not), from the serialized ``<prefix>user_roles`` option."""
    try:
        roles = php_unserialize(roles_option) if roles_option else None
    except UnserializeError:
        roles = None
    definition = roles.get(role) if isinstance(roles, dict) else None
    capabilities = definition.get("capabilities") if isinstance(definition, dict) else None
    keys = [str(key) for key in capabilities] if isinstance(capabilities, dict) else []
    levels = [int(match.group(1)) for key in keys if (match := _LEVEL.match(key))]
    return max([0, *levels])


@dataclass(frozen=True)
class NewUser:
    """One registration's user, with every value WordPress would store (secrets aside)."""

    id: int
    login: str
    email: str
    nicename: str
    #: ``user_registered``, epoch seconds (WordPress keeps whole seconds, UTC)
    registered_s: int
    role: str
    #: the role's level (:func:`user_level`)
    level: int

    @property
    def display_name(self) -> str:
        return self.login


def usermeta(user: NewUser, table_prefix: str) -> list[tuple[str, str]]:
    """The usermeta rows of a new registration, in the order WordPress inserts them (values as stored:
    ``use_ssl`` false is ``0``, ``default_password_nag`` true is ``1``)."""
    profile: Mapping[str, str] = {
        "nickname": user.login,
        "first_name": "",
        "last_name": "",
        "description": "",
        "rich_editing": "true",
        "syntax_highlighting": "true",
        "comment_shortcuts": "false",
        "admin_color": "fresh",
        "use_ssl": "0",
        "show_admin_bar_front": "true",
        "locale": "",
    }
    return [
        *profile.items(),
        (f"{table_prefix}capabilities", capabilities_value(user.role)),
        (f"{table_prefix}user_level", str(user.level)),
        ("default_password_nag", "1"),
    ]
