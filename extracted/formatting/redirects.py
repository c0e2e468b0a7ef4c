"""The site's URLs as WordPress builds them per request, and its redirects (``wp_safe_redirect``).

``site_url()`` takes the request's scheme (``https`` exactly when the request is), whatever the
``siteurl`` option says; ``home_url()`` keeps the option's scheme unless the request is https.
``wp_safe_redirect`` sanitizes the location (``wp_sanitize_redirect``) and keeps it only when it
points to this site (``wp_validate_redirect``: its host is the home URL's), else the admin page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .php import ascii_lower, php_dirname, php_empty, php_trim
from .urls import ParsedUrl, parse_url

_URL_SCHEME = re.compile(r"^\w+://", re.ASCII)
_NOT_REDIRECT = re.compile(r"[^a-z0-9\-~+_.?#=&;,/:%!*\[\]()@]", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SLASH_ZERO = re.compile(r"\\+0+")
_LINE_BREAKS = ("%0d", "%0a", "%0D", "%0A")


def set_url_scheme(url: str, scheme: str) -> str:
    """``set_url_scheme($url, 'http'|'https')``."""
    url = php_trim(url)
    if url.startswith("//"):
        url = "http:" + url
    return _URL_SCHEME.sub(scheme + "://", url, count=1)


@dataclass(frozen=True)
class SiteUrls:
    """The ``siteurl`` and ``home`` options, as one request (``https`` or not) sees them."""

    site_url_option: str
    home_url_option: str
    https: bool = False
    force_ssl_admin: bool = False  # FORCE_SSL_ADMIN: true when siteurl is https (unless wp-config says otherwise)

    @property
    def scheme(self) -> str:
        return "https" if self.https else "http"

    def site_url(self, path: str = "") -> str:
        """``site_url($path)`` with the request's scheme (also what the ``login``/``admin`` schemes give)."""
        return _with_path(set_url_scheme(self.site_url_option, self.scheme), path)

    def home_url(self, path: str = "") -> str:
        """``home_url($path)``: the option's own scheme, https when the request is."""
        scheme = "https" if self.https else (parse_url(self.home_url_option) or ParsedUrl()).scheme
        if scheme not in ("http", "https"):
            scheme = self.scheme
        return _with_path(set_url_scheme(self.home_url_option, scheme), path)

    def admin_site_url(self, path: str = "") -> str:
        """``site_url($path, 'login'|'login_post'|'admin')``: https also when the admin is forced to it."""
        scheme = "https" if self.https or self.force_ssl_admin else "http"
        return _with_path(set_url_scheme(self.site_url_option, scheme), path)

    @property
    def login_url(self) -> str:
        """``wp_login_url()``."""
        return self.admin_site_url("wp-login.php")

    @property
    def admin_url(self) -> str:
        """``admin_url()``: where a redirect elsewhere than this site goes instead."""
        return self.admin_site_url("wp-admin/")


def _with_path(url: str, path: str) -> str:
    return url + "/" + path.lstrip("/") if path else url


def sanitize_redirect(location: str) -> str:
    """``wp_sanitize_redirect``: spaces and non-ASCII percent-encoded, what a Location may not hold removed."""
    location = location.replace(" ", "%20")
    location = "".join(
        "".join(f"%{byte:02X}" for byte in character.encode("utf-8", "surrogatepass"))
        if not character.isascii()
        else character
        for character in location
    )
    location = _NOT_REDIRECT.sub("", location)
    location = _SLASH_ZERO.sub("", _CONTROL.sub("", location))
    while any(line_break in location for line_break in _LINE_BREAKS):
        for line_break in _LINE_BREAKS:
            location = location.replace(line_break, "")
    return location


def _normalize_path(path: str) -> str:
    """``wp_normalize_path`` of a URL path: backslashes to slashes, repeated slashes once."""
    path = path.replace("\\", "/")
    return (path[:1] + re.sub(r"/+", "/", path[1:])) if path else path


def validate_redirect(location: str, default: str, *, urls: SiteUrls, request_uri: str) -> str:
    """``wp_validate_redirect($location, $default)``: the location when it stays on this site, else ``default``.

    ``request_uri`` is the request's ``$_SERVER['REQUEST_URI']`` (path and query): a relative location is
    made absolute from its directory.
    """
    location = sanitize_redirect(php_trim(location, " \t\n\r\0\x08\x0b"))
    if location.startswith("//"):
        location = "http:" + location
    cut = location.find("?")
    parts = parse_url(location[:cut] if cut > 0 else location)
    if parts is None:
        return default
    if parts.scheme is not None and parts.scheme not in ("http", "https"):
        return default
    if parts.host is None and parts.path is not None and not php_empty(parts.path) and parts.path[0] != "/":
        directory = ""
        if request_uri:
            requested = parse_url("http://placeholder" + request_uri)
            requested_path = requested.path if requested is not None and requested.path is not None else ""
            directory = _normalize_path(php_dirname(requested_path + "?"))
        location = "/" + (directory + "/").lstrip("/") + location
    if parts.host is None and (parts.scheme is not None or parts.user is not None or parts.password is not None
                               or parts.port is not None):  # fmt: skip
        return default
    for component in (parts.user, parts.password, parts.host):
        if component is not None and any(c in component for c in ":/?#@"):
            return default
    home = parse_url(urls.home_url())
    home_host = home.host if home is not None else None
    if parts.host is not None and parts.host != home_host and ascii_lower(home_host or "") != parts.host:
        return default
    return location


def safe_redirect_location(location: str, *, urls: SiteUrls, request_uri: str) -> str:
    """The ``Location`` ``wp_safe_redirect($location)`` sends."""
    location = validate_redirect(sanitize_redirect(location), urls.admin_url, urls=urls, request_uri=request_uri)
    return sanitize_redirect(location)
