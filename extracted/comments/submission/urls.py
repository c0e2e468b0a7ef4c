"""``esc_url`` (for display) and ``esc_url_raw`` (``sanitize_url``, for the database), as WordPress 6.1 has them.

The commenter's URL is stored through ``esc_url_raw``, and its cookie holds ``esc_url`` of the stored one.
PCRE patterns without the ``u`` flag read bytes, so every non-ASCII character is kept where WordPress keeps
``\\x80-\\xff``; PHP's ``strtolower`` and ``!=`` are ASCII-only and loose.
"""

from __future__ import annotations

import re

from extracted.formatting.html import normalize_entities
from extracted.formatting.php import ascii_lower, from_bytes, loose_equals, php_trim
from extracted.formatting.urls import parse_url

__all__ = ["ALLOWED_PROTOCOLS", "bad_protocol", "esc_url", "esc_url_raw"]

#: ``wp_allowed_protocols()``
ALLOWED_PROTOCOLS = ("http", "https", "ftp", "ftps", "mailto", "news", "irc", "irc6", "ircs", "gopher", "nntp",
                     "feed", "telnet", "mms", "rtsp", "sms", "svn", "tel", "fax", "xmpp", "webcal", "urn")  # fmt: skip

_NOT_URL = re.compile(r"[^a-z0-9\-~+_.?#=!&;,/:%@$|*'()\[\]\x80-\U0010ffff]", re.IGNORECASE)
_LINE_BREAKS = ("%0d", "%0a", "%0D", "%0A")
_PHP_FILE = re.compile(r"[a-z0-9-]+?\.php", re.IGNORECASE | re.ASCII)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SLASH_ZERO = re.compile(r"\\+0+")
_LOOSE_COLON = re.compile(r"(&#0*58(?![;0-9])|&#x0*3a(?![;a-f0-9]))", re.IGNORECASE)
_COLON = re.compile(r":|&#0*58;|&#x0*3a;|&colon;", re.IGNORECASE)
_SLASH_QUESTION = re.compile(r"/\?")
_DECIMAL = re.compile(r"&#([0-9]+);")
_HEXADECIMAL = re.compile(r"&#[Xx]([0-9A-Fa-f]+);")
_WHITESPACE = re.compile(r"[ \t\n\x0b\x0c\r]")


def _no_null(text: str) -> str:
    """``wp_kses_no_null`` (slashed zeros removed too)."""
    return _SLASH_ZERO.sub("", _CONTROL.sub("", text))


def _byte(number: int) -> str:
    """PHP's ``chr()``: one byte (the number modulo 256)."""
    return from_bytes(bytes([number % 256]))


def _protocol(scheme: str, allowed: tuple[str, ...]) -> str:
    """``wp_kses_bad_protocol_once2``: the scheme (entities decoded, whitespace gone) if allowed, with its colon."""
    name = _DECIMAL.sub(lambda m: _byte(int(m.group(1))), scheme)
    name = _HEXADECIMAL.sub(lambda m: _byte(int(m.group(1), 16)), name)
    name = ascii_lower(_no_null(_WHITESPACE.sub("", name)))
    return f"{name}:" if any(loose_equals(ascii_lower(protocol), name) for protocol in allowed) else ""


def _bad_protocol_once(text: str, allowed: tuple[str, ...], count: int = 1) -> str:
    text = _LOOSE_COLON.sub(r"\1;", text)
    pieces = _COLON.split(text, maxsplit=1)
    if len(pieces) < 2 or _SLASH_QUESTION.search(pieces[0]):
        return text
    rest = php_trim(pieces[1])
    protocol = _protocol(pieces[0], allowed)
    if protocol == "feed:":
        if count > 2:
            return ""
        rest = _bad_protocol_once(rest, allowed, count + 1)
        if rest in ("", "0"):
            return rest
    return protocol + rest


def bad_protocol(text: str, allowed: tuple[str, ...] = ALLOWED_PROTOCOLS) -> str:
    """``wp_kses_bad_protocol``: schemes other than the allowed ones removed (``""`` if it never settles)."""
    text = _no_null(text)
    iterations = 0
    while True:
        original = text
        text = _bad_protocol_once(text, allowed)
        iterations += 1
        if loose_equals(original, text) or iterations >= 6:
            break
    return text if loose_equals(original, text) else ""


def _wp_parse_url_front(url: str) -> str:
    """What ``esc_url`` keeps of a URL's front (scheme, user, host, port) before it encodes brackets."""
    unset: list[str] = []
    target = url
    if url.startswith("//"):
        unset, target = ["scheme"], "placeholder:" + url
    elif url.startswith("/"):
        unset, target = ["scheme", "host"], "placeholder://placeholder" + url
    parts = parse_url(target)
    front = ""
    if parts is None:
        return "//" if url.startswith("/") else ""
    scheme = None if "scheme" in unset else parts.scheme
    host = None if "host" in unset else parts.host
    if scheme is not None:
        front += scheme + "://"
    elif url.startswith("/"):
        front += "//"
    if parts.user is not None:
        front += parts.user
    if parts.password is not None:
        front += ":" + parts.password
    if parts.user is not None or parts.password is not None:
        front += "@"
    if host is not None:
        front += host
    if parts.port is not None:
        front += f":{parts.port}"
    return front


def esc_url(url: str, *, display: bool = True, protocols: tuple[str, ...] = ALLOWED_PROTOCOLS) -> str:
    """``esc_url($url)`` (``display``) or ``esc_url_raw($url)``."""
    if url == "":
        return url
    url = _NOT_URL.sub("", url.lstrip(" \t\n\r\0\x0b").replace(" ", "%20"))
    if url == "":
        return url
    if not ascii_lower(url).startswith("mailto:"):
        while any(line_break in url for line_break in _LINE_BREAKS):
            for line_break in _LINE_BREAKS:
                url = url.replace(line_break, "")
    url = url.replace(";//", "://")
    if ":" not in url and url[0] not in "/#?" and not _PHP_FILE.match(url):
        url = "http://" + url
    if display:
        url = normalize_entities(url).replace("&amp;", "&#038;").replace("'", "&#039;")
    if "[" in url or "]" in url:
        front = _wp_parse_url_front(url)
        dirty = url.replace(front, "") if front else url
        clean = dirty.replace("[", "%5B").replace("]", "%5D")
        url = url.replace(dirty, clean) if dirty else url
    if url[0] == "/":
        return url
    good = bad_protocol(url, protocols)
    return "" if not loose_equals(ascii_lower(good), ascii_lower(url)) else good


def esc_url_raw(url: str) -> str:
    """``esc_url_raw`` (``sanitize_url``): ``esc_url`` without the display escaping."""
    return esc_url(url, display=False)
