"""Where ``wp-login.php?action=register`` redirects (``extracted.formatting.redirects`` for the rest).

After a registration WordPress redirects (``wp_safe_redirect``) to the posted ``redirect_to`` when it is
not empty and points to this site, else to its admin page; without one, to
``wp-login.php?checkemail=registered`` made absolute from the request's path. With registration off it
redirects (``wp_redirect``) to ``wp-login.php?registration=disabled``.
"""

from __future__ import annotations

from extracted.formatting.php import addslashes, php_empty
from extracted.formatting.redirects import SiteUrls, safe_redirect_location, sanitize_redirect, set_url_scheme

__all__ = ["REGISTERED", "disabled_location", "https_location", "registered_location"]

REGISTERED = "wp-login.php?checkemail=registered"


def registered_location(posted_redirect_to: str | None, *, urls: SiteUrls, request_uri: str) -> str:
    """The ``Location`` after a registration: ``wp_safe_redirect`` of the posted ``redirect_to`` (unslashed).

    WordPress reads it from ``$_POST`` still magic-quoted: a quote or backslash in it is a backslash more
    (which the sanitizing then drops).
    """
    posted = addslashes(posted_redirect_to) if posted_redirect_to is not None else ""
    target = REGISTERED if php_empty(posted) else posted
    return safe_redirect_location(target, urls=urls, request_uri=request_uri)


def https_location(host: str, request_uri: str, *, urls: SiteUrls) -> str:
    """Where ``wp-login.php`` sends a plain http request when the admin is forced to https.

    The request's ``Host`` and URI are magic-quoted too (a quote in them is a backslash more).
    """
    host, request_uri = addslashes(host), addslashes(request_uri)
    target = set_url_scheme(request_uri, "https") if request_uri.startswith("http") else f"https://{host}{request_uri}"
    return safe_redirect_location(target, urls=urls, request_uri=request_uri)


def disabled_location(urls: SiteUrls) -> str:
    """The ``Location`` of ``wp-login.php?action=register`` while registration is off."""
    return sanitize_redirect(urls.site_url("wp-login.php?registration=disabled"))
