"""Who is asking, decided before any route: anonymous, or *personal* (WordPress credentials or
per-visitor state that may change WordPress's answer). Pure; lenient in what it recognises, because a
request wrongly called personal only costs a WordPress answer, while a personal request wrongly called
anonymous gets an answer meant for somebody else.

Cookie names are read as PHP reads them into ``$_COOKIE`` (URL-decoded, ``.`` and spaces turned into
``_``) and without the site's ``COOKIEHASH``, which the proxy does not know: any ``wordpress_*`` cookie
but ``wordpress_test_cookie`` is a login cookie (``wordpress_<hash>``, ``wordpress_sec_<hash>``,
``wordpress_logged_in_<hash>``).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote

from proxy.types import RawHeaders, RequestClass

__all__ = ["classify", "cookie_class"]

_COOKIE_PREFIXES: tuple[tuple[str, RequestClass], ...] = (
    ("wordpress_", RequestClass.LOGGED_IN),
    ("wp-postpass_", RequestClass.POST_PASSWORD),
    ("comment_author_", RequestClass.COMMENTER),  # also comment_author_email_ and comment_author_url_
)
_NOT_PERSONAL = frozenset({"wordpress_test_cookie"})  # wp-login.php's "cookies work" probe
_QUERY_CLASSES = {
    "_wpnonce": RequestClass.NONCE,
    "preview": RequestClass.PREVIEW,
    "preview_id": RequestClass.PREVIEW,
    "preview_nonce": RequestClass.PREVIEW,
}
# cheap pre-check before parsing a query string: every key above contains one of these
_QUERY_HINTS = ("nonce", "preview")


def cookie_class(name: str) -> RequestClass | None:
    """The class a cookie of this name makes a request, read the way PHP names it."""
    if "%" in name:
        name = unquote(name, errors="replace")
    name = name.strip().replace(".", "_").replace(" ", "_").lower()
    if name in _NOT_PERSONAL:
        return None
    for prefix, request_class in _COOKIE_PREFIXES:
        if name.startswith(prefix):
            return request_class
    return None


def _cookie_classes(header: bytes, found: set[RequestClass]) -> None:
    for pair in header.decode("latin-1").split(";"):
        name = pair.split("=", 1)[0]
        request_class = cookie_class(name)
        if request_class is not None:
            found.add(request_class)


def classify(headers: RawHeaders, query_string: str) -> frozenset[RequestClass]:
    """The personal classes a request carries; empty for an anonymous visitor."""
    found: set[RequestClass] = set()
    for raw_name, value in headers:
        header = raw_name.lower()
        if header == b"cookie":
            _cookie_classes(value, found)
        elif header == b"authorization":
            found.add(RequestClass.AUTHORIZATION)
        elif header == b"x-wp-nonce":
            found.add(RequestClass.NONCE)
    lowered = query_string.lower()
    if "%" in lowered or any(hint in lowered for hint in _QUERY_HINTS):
        for raw_key, argument in parse_qsl(query_string, keep_blank_values=True):
            key = raw_key.strip().lower()
            request_class = _QUERY_CLASSES.get(key)
            # WordPress reads `preview` as a flag: an empty value is no preview
            if request_class is not None and (argument or key != "preview"):
                found.add(request_class)
    return frozenset(found)
