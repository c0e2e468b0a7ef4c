"""WordPress's sanitizing and checking of a login and an email address (``formatting.php``, ``user.php``).

PCRE without the ``u`` flag matches bytes and knows only ASCII letters and spaces, so every pattern here is
``re.ASCII``: with Python's Unicode rules ``K`` (the Kelvin sign) would count as a ``k`` and a no-break space
as ``\\s``. PCRE's ``$`` also matches before a final newline, which lets ``is_email`` accept
``"bob\\n@example.com"``.
"""

from __future__ import annotations

import re

from extracted.formatting.html import normalize_entities
from extracted.formatting.strip_tags import strip_all_tags

from .accents import remove_accents
from .php import PHP_TRIM, loose_equals, php_empty, php_trim

_OCTET = re.compile(r"%[a-fA-F0-9][a-fA-F0-9]")
_ENTITY = re.compile(r"&.+?;")
_NOT_STRICT_LOGIN = re.compile(r"[^a-z0-9 _.\-@]", re.IGNORECASE | re.ASCII)
_WHITESPACE_RUN = re.compile(r"\s+", re.ASCII)

_LOCAL_CHARACTERS = r"a-zA-Z0-9!#$%&'*+/=?^_`{|}~.\-"
_LOCAL = re.compile(rf"[{_LOCAL_CHARACTERS}]+\n?")
_NOT_LOCAL = re.compile(rf"[^{_LOCAL_CHARACTERS}]")
_PERIODS = re.compile(r"\.{2,}")
_SUB = re.compile(r"[a-z0-9-]+\n?", re.IGNORECASE | re.ASCII)
_NOT_SUB = re.compile(r"[^a-z0-9-]+", re.IGNORECASE | re.ASCII)
_DOMAIN_TRIM = PHP_TRIM + "."
_SUB_TRIM = PHP_TRIM + "-"


def sanitize_user(username: str, *, strict: bool = False, locale: str = "en_US") -> str:
    """``sanitize_user($username, $strict)``: tags, accents, octets and entities gone, whitespace tidied.

    ``locale`` is the site's (``get_locale()``), which decides some accents (German ``ä`` is ``ae``).
    """
    text = remove_accents(strip_all_tags(username), locale)
    text = _ENTITY.sub("", _OCTET.sub("", text))
    if strict:
        text = _NOT_STRICT_LOGIN.sub("", text)
    return _WHITESPACE_RUN.sub(" ", php_trim(text))


def validate_username(username: str, *, locale: str = "en_US") -> bool:
    """``validate_username``: the login equals (PHP's ``==``) its strict sanitizing, which is not empty."""
    sanitized = sanitize_user(username, strict=True, locale=locale)
    return loose_equals(sanitized, username) and not php_empty(sanitized)


def _byte_length(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def is_email(email: str) -> bool:
    """``is_email``: an address WordPress accepts (local part of its characters, a dotted ASCII domain)."""
    if _byte_length(email) < 6 or email.find("@", 1) < 0:
        return False
    local, domain = email.split("@", 1)
    if not _LOCAL.fullmatch(local) or _PERIODS.search(domain) or php_trim(domain, _DOMAIN_TRIM) != domain:
        return False
    subs = domain.split(".")
    if len(subs) < 2:
        return False
    return all(php_trim(sub, _SUB_TRIM) == sub and _SUB.fullmatch(sub) for sub in subs)


def sanitize_email(email: str) -> str:
    """``sanitize_email``: what is not allowed removed, or ``""`` when nothing usable is left."""
    if _byte_length(email) < 6 or email.find("@", 1) < 0:
        return ""
    local, domain = email.split("@", 1)
    local = _NOT_LOCAL.sub("", local)
    if not local:
        return ""
    domain = php_trim(_PERIODS.sub("", domain), _DOMAIN_TRIM)
    if not domain:
        return ""
    subs = domain.split(".")
    if len(subs) < 2:
        return ""
    kept = [sub for sub in (_NOT_SUB.sub("", php_trim(sub, _SUB_TRIM)) for sub in subs) if sub]
    if len(kept) < 2:
        return ""
    return local + "@" + ".".join(kept)


def stored_email(email: str) -> str:
    """The address ``wp_insert_user`` stores: its ``pre_user_email`` filters (trim, sanitize_email, kses).

    kses only escapes ampersands here: a sanitized address has no ``<``, ``>`` or ``;``.
    """
    return normalize_entities(sanitize_email(php_trim(email)))
