"""``register_new_user``'s rules on a login and an email address, as WordPress 6.1.9 applies them.

Checks in WordPress's order, each field stopping at its first failure: the login sanitized (non-strict)
must not be empty (``empty_username``), must equal its strict sanitizing (``invalid_username``: only ASCII
letters, digits, space, ``_.-@``; PHP's ``==`` makes ``" 12"`` equal ``"12"``), must not exist
(``username_exists``), must not be one of the site's illegal logins (``invalid_username``); the address,
untrimmed, must not be empty (``empty_email``), must pass ``is_email`` (``invalid_email``), must not exist
(``email_exists``). With no error, ``wp_create_user`` would still refuse (and the visitor see
``registerfail``) a login over 60 characters once strictly sanitized, a login or an address that exists in
the form ``wp_insert_user`` checks, or an address over 100 characters (its database column): that stage is
checked here too, so an ``Accepted`` registration is one WordPress would create.

Existence is asked of a :class:`UserLookup` (the service's store: WordPress compares with its table's
collation, ``utf8mb4_unicode_520_ci``: case and accents ignored, trailing spaces too). Values reach it as
``get_user_by`` has them: trimmed, and never ``""`` or ``"0"`` (which WordPress never looks up).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Protocol

from extracted.formatting.php import addslashes, ascii_lower, php_empty, php_trim
from extracted.formatting.sanitize import is_email, sanitize_user, stored_email, validate_username

EMPTY_USERNAME = "<strong>Error:</strong> Please enter a username."
INVALID_USERNAME = (
    "<strong>Error:</strong> This username is invalid because it uses illegal characters. "
    "Please enter a valid username."
)
USERNAME_EXISTS = "<strong>Error:</strong> This username is already registered. Please choose another one."
ILLEGAL_USERNAME = "<strong>Error:</strong> Sorry, that username is not allowed."
EMPTY_EMAIL = "<strong>Error:</strong> Please type your email address."
INVALID_EMAIL = "<strong>Error:</strong> The email address is not correct."
EMAIL_EXISTS = (
    '<strong>Error:</strong> This email address is already registered. <a href="{login_url}">Log in</a> '
    "with this address or choose another one."
)
REGISTER_FAIL = (
    "<strong>Error:</strong> Could not register you&hellip; please contact the "
    '<a href="mailto:{admin_email}">site admin</a>!'
)
#: longest ``user_login`` and ``user_email`` WordPress stores (``wp_insert_user``, the ``wp_users`` columns)
LOGIN_MAX_LENGTH = 60
EMAIL_MAX_LENGTH = 100


class UserLookup(Protocol):
    """Whether a user exists whose ``user_login`` / ``user_email`` equals the value under the table's collation."""

    def login_exists(self, login: str) -> bool: ...

    def email_exists(self, email: str) -> bool: ...


@dataclass(frozen=True)
class RegistrationError:
    """One of WordPress's registration errors: its code and its message (HTML, as the page shows it)."""

    code: str
    message: str


@dataclass(frozen=True)
class Rejected:
    """WordPress refuses: the errors in its order (what the page's error box lists)."""

    errors: tuple[RegistrationError, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(error.code for error in self.errors)


@dataclass(frozen=True)
class Accepted:
    """WordPress would create the user.

    ``user_login``/``user_email`` are what ``register_new_user`` hands to ``wp_create_user``; ``stored_login``
    /``stored_email`` what ``wp_insert_user`` then writes to ``wp_users`` (strictly sanitized login, an
    address whose ``&`` became ``&amp;``).
    """

    user_login: str
    user_email: str
    stored_login: str
    stored_email: str


Outcome = Accepted | Rejected


@dataclass(frozen=True)
class RegistrationRules:
    """What the rules depend on besides the two fields."""

    login_url: str  # wp_login_url(), linked from the email_exists message (unescaped, as WordPress does)
    admin_email: str  # the admin_email option, named by the registerfail message
    locale: str = "en_US"  # get_locale(): sanitize_user's accents
    illegal_logins: Collection[str] = ()  # the illegal_user_logins filter's list (none in stock WordPress)


def _exists(value: str, exists: Callable[[str], bool]) -> bool:
    """``get_user_by`` trims the value and never looks up an empty one (``""``, ``"0"``)."""
    value = php_trim(value)
    return not php_empty(value) and exists(value)


def _illegal(login: str, rules: RegistrationRules) -> bool:
    return ascii_lower(login) in {ascii_lower(name) for name in rules.illegal_logins}


def check_registration(user_login: str, user_email: str, *, rules: RegistrationRules, lookup: UserLookup) -> Outcome:
    """WordPress's answer to a registration of ``user_login``/``user_email`` (both unslashed, as posted)."""
    errors: list[RegistrationError] = []
    sanitized_login = sanitize_user(user_login, locale=rules.locale)
    if sanitized_login == "":
        errors.append(RegistrationError("empty_username", EMPTY_USERNAME))
    elif not validate_username(user_login, locale=rules.locale):
        errors.append(RegistrationError("invalid_username", INVALID_USERNAME))
    elif _exists(sanitized_login, lookup.login_exists):
        errors.append(RegistrationError("username_exists", USERNAME_EXISTS))
    elif _illegal(sanitized_login, rules):
        errors.append(RegistrationError("invalid_username", ILLEGAL_USERNAME))

    if user_email == "":
        errors.append(RegistrationError("empty_email", EMPTY_EMAIL))
    elif not is_email(user_email):
        errors.append(RegistrationError("invalid_email", INVALID_EMAIL))
    elif _exists(user_email, lookup.email_exists):
        errors.append(RegistrationError("email_exists", EMAIL_EXISTS.format(login_url=rules.login_url)))

    if errors:
        return Rejected(tuple(errors))
    stored_login = php_trim(sanitize_user(addslashes(sanitized_login), strict=True, locale=rules.locale))
    email = stored_email(addslashes(user_email))
    if not _insertable(stored_login, email, rules=rules, lookup=lookup):
        return Rejected((RegistrationError("registerfail", REGISTER_FAIL.format(admin_email=rules.admin_email)),))
    return Accepted(sanitized_login, user_email, stored_login, email)


def _insertable(login: str, email: str, *, rules: RegistrationRules, lookup: UserLookup) -> bool:
    """Whether ``wp_insert_user`` would store the user (its own checks, then the columns' lengths)."""
    if php_empty(login) or len(login) > LOGIN_MAX_LENGTH:
        return False  # empty_user_login, user_login_too_long
    if _exists(login, lookup.login_exists) or _illegal(login, rules):
        return False  # existing_user_login, invalid_username
    # It looks the address up still slashed (its filters end with addslashes): "o'x@…" is not found.
    if _exists(addslashes(email), lookup.email_exists):
        return False  # existing_user_email
    return len(email) <= EMAIL_MAX_LENGTH  # wpdb refuses a longer value: the user is not created


class NoUsers:
    """A lookup for a site without users (tests, and the offline WordPress of the differential harness)."""

    def login_exists(self, login: str) -> bool:
        return False

    def email_exists(self, email: str) -> bool:
        return False
