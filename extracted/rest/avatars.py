"""Gravatar URLs as ``rest_get_avatar_urls`` lists them (``get_avatar_data`` for an email), one
implementation for every service that shows avatars (users, authors in content, comments).

The hash is ``md5(strtolower(trim($email)))`` with PHP's own ``trim`` (ASCII whitespace and NUL, not
Unicode spaces) and ``strtolower`` (ASCII letters only). An email PHP finds empty (``""`` or ``"0"``) has
no hash and a random server (``rand(0, 2)``); the service answers server 0, which the proxy's
comparison learns as noise by asking WordPress twice.
"""

from __future__ import annotations

import hashlib
from typing import Protocol

from .phpquery import php_rawurlencode

__all__ = ["AVATAR_SIZES", "AvatarSettings", "avatar_urls", "gravatar_hash"]

#: ``rest_get_avatar_sizes``
AVATAR_SIZES = (24, 48, 96)
#: ``get_avatar_data``'s aliases of the ``avatar_default`` option ("" is left out of the URL)
AVATAR_DEFAULTS = {"mm": "mm", "mystery": "mm", "mysteryman": "mm", "gravatar_default": ""}
_PHP_TRIM = " \t\n\r\0\x0b"
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


class AvatarSettings(Protocol):
    """The avatar options a site state carries (``avatar_default``, ``avatar_rating``)."""

    @property
    def avatar_default(self) -> str: ...

    @property
    def avatar_rating(self) -> str: ...


def gravatar_hash(email: str) -> str:
    """``md5(strtolower(trim($email)))``, or ``""`` for an email PHP finds empty."""
    if email in ("", "0"):
        return ""
    normalized = email.strip(_PHP_TRIM).translate(_ASCII_LOWER)
    return hashlib.md5(normalized.encode("utf-8", "surrogateescape"), usedforsecurity=False).hexdigest()


def avatar_urls(site: AvatarSettings, email: str) -> dict[str, str]:
    """``rest_get_avatar_urls``: the Gravatar URL of each of :data:`AVATAR_SIZES` for ``email``."""
    digest = gravatar_hash(email)
    host = f"http://{int(digest[0], 16) % 3}.gravatar.com" if digest else "http://0.gravatar.com"
    default = AVATAR_DEFAULTS.get(site.avatar_default, site.avatar_default)
    rating = site.avatar_rating.translate(_ASCII_LOWER)
    # add_query_arg( rawurlencode_deep( array_filter( $url_args ) ) ): falsy values ("", "0") left out
    tail = "".join(f"&{name}={php_rawurlencode(value)}" for name, value in (("d", default), ("r", rating))
                   if value not in ("", "0"))  # fmt: skip
    return {str(size): f"{host}/avatar/{digest}?s={size}{tail}" for size in AVATAR_SIZES}
