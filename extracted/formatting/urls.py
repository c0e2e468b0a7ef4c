"""URLs as kses, the formatters and the comment filters see them: PHP's ``parse_url``,
``wp_kses_bad_protocol``, ``esc_url`` and ``sanitize_url`` (``esc_url`` in its database context).

PHP's ``strtolower`` is ASCII-only and its ``!=`` loose, and PCRE patterns without the ``u`` flag read
bytes, so every non-ASCII character is kept where WordPress keeps ``\\x80-\\xff``.

``wp_kses_bad_protocol`` decodes numeric entities of a scheme with PHP's ``chr()``, which dies (a
``TypeError``) on a number beyond PHP's int: ``WordPressFatalError`` here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import WordPressFatalError
from .html import CONTROL_CHARACTERS, normalize_entities
from .php import PHP_TRIM, ascii_lower, byte_length, fits_php_int, loose_equals, php_empty

#: ``wp_allowed_protocols()``
ALLOWED_PROTOCOLS = ("http", "https", "ftp", "ftps", "mailto", "news", "irc", "irc6", "ircs", "gopher", "nntp",
                     "feed", "telnet", "mms", "rtsp", "sms", "svn", "tel", "fax", "xmpp", "webcal", "urn")  # fmt: skip
#: what ``esc_url`` removes from a URL before anything else
URL_FORBIDDEN = re.compile(r"[^a-z0-9\-~+_.?#=!&;,/:%@$|*'()\[\]\x80-\U0010ffff]", re.IGNORECASE)

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class ParsedUrl:
    """``parse_url()``'s answer: None for a part it did not find."""

    scheme: str | None = None
    host: str | None = None
    port: int | None = None
    user: str | None = None
    password: str | None = None
    path: str | None = None
    query: str | None = None
    fragment: str | None = None


def _digit(character: str) -> bool:
    return "0" <= character <= "9"


def _scheme_character(character: str) -> bool:
    return character.isascii() and (character.isalnum() or character in "+.-")


def _first_of(url: str, start: int, characters: str) -> int:
    found = [i for i in (url.find(c, start) for c in characters) if i >= 0]
    return min(found) if found else len(url)


class _UrlParser:
    """PHP 8.2's ``php_url_parse_ex2`` (C locale: only ASCII letters and digits count as such)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.parts: dict[str, str] = {}
        self.port: int | None = None

    def part(self, name: str, value: str) -> None:
        self.parts[name] = _CONTROL.sub("_", value)  # PHP replaces control characters by "_"

    def parse(self) -> ParsedUrl | None:
        url, end = self.url, len(self.url)
        colon = url.find(":")
        if colon > 0:
            if not all(_scheme_character(c) for c in url[:colon]):
                if colon + 1 < end and colon < _first_of(url, 0, "?#"):
                    return self.parse_port(0, colon)
                if url.startswith("//"):
                    return self.parse_host(2)
                return self.just_path(0)
            if colon + 1 == end:  # only a scheme
                self.part("scheme", url[:colon])
                return self.result()
            if url[colon + 1] != "/":
                after = colon + 1
                while after < end and _digit(url[after]):
                    after += 1
                if (after == end or url[after] == "/") and after - colon < 7:
                    return self.parse_port(0, colon)  # a.com:80
                self.part("scheme", url[:colon])
                return self.just_path(colon + 1)
            self.part("scheme", url[:colon])
            if colon + 2 < end and url[colon + 2] == "/":
                if ascii_lower(url[:colon]) == "file" and colon + 3 < end and url[colon + 3] == "/":
                    windows_drive = colon + 5 < end and url[colon + 5] == ":"
                    return self.just_path(colon + 4 if windows_drive else colon + 3)
                return self.parse_host(colon + 3)
            return self.just_path(colon + 1)
        if colon == 0:
            return self.parse_port(0, colon)
        if url.startswith("//"):
            return self.parse_host(2)
        return self.just_path(0)

    def parse_port(self, start: int, colon: int) -> ParsedUrl | None:
        """A colon that may start a port (``a.com:80``, ``:80``)."""
        url, end = self.url, len(self.url)
        digits_end = colon + 1
        while digits_end < end and digits_end - (colon + 1) < 6 and _digit(url[digits_end]):
            digits_end += 1
        length = digits_end - (colon + 1)
        if 0 < length < 6 and (digits_end == end or url[digits_end] == "/"):
            port = int(url[colon + 1 : digits_end])
            if port > 65535:
                return None
            self.port = port
        elif length == 0 and digits_end == end:
            return None
        elif not url.startswith("//", start):
            return self.just_path(start)
        return self.parse_host(start + 2 if url.startswith("//", start) else start)

    def parse_host(self, start: int) -> ParsedUrl | None:
        url, end = self.url, len(self.url)
        host_end = _first_of(url, start, "/?#")
        at = url.rfind("@", start, host_end)
        if at >= 0:
            colon = url.find(":", start, at)
            if colon >= 0:
                self.part("user", url[start:colon])
                self.part("password", url[colon + 1 : at])
            else:
                self.part("user", url[start:at])
            start = at + 1
        ipv6 = start < end and url[start] == "[" and url[host_end - 1] == "]"
        port_colon = -1 if ipv6 else url.rfind(":", start, host_end)
        host_stop = host_end
        if port_colon >= 0:
            if not self.port:  # PHP tests the port's value: a port 0 found before is read again
                digits = url[port_colon + 1 : host_end]
                if byte_length(digits) > 5:  # (bytes: PHP's strings are)
                    return None
                if digits:
                    port = _strtol(digits)
                    if port is None or not 0 <= port <= 65535:
                        return None
                    self.port = port
            host_stop = port_colon
        if host_stop - start < 1:
            return None
        self.part("host", url[start:host_stop])
        return self.result() if host_end == end else self.just_path(host_end)

    def just_path(self, start: int) -> ParsedUrl:
        url = self.url
        end = len(url)
        hash_at = url.find("#", start)
        if hash_at >= 0:
            self.part("fragment", url[hash_at + 1 :])
            end = hash_at
        question = url.find("?", start, end)
        if question >= 0:
            self.part("query", url[question + 1 : end])
            end = question
        if start < end or start == len(url):
            self.part("path", url[start:end])
        return self.result()

    def result(self) -> ParsedUrl:
        return ParsedUrl(port=self.port, **self.parts)


_STRTOL = re.compile(r"[ \t\n\r\x0b\x0c]*[+-]?[0-9]+")


def _strtol(digits: str) -> int | None:
    """C's ``strtol`` of at most 5 characters; None when no digit was read."""
    match = _STRTOL.match(digits)
    return int(match.group(0)) if match else None


def parse_url(url: str) -> ParsedUrl | None:
    """PHP 8.2's ``parse_url($url)``; None where PHP answers false."""
    return _UrlParser(url).parse()


def wp_parse_url(url: str) -> ParsedUrl | None:
    """``wp_parse_url``: also parses scheme-relative (``//host``) and absolute paths (``/path``)."""
    if url.startswith("//"):
        parsed = parse_url("placeholder:" + url)
        return None if parsed is None else ParsedUrl(**{**parsed.__dict__, "scheme": None})
    if url.startswith("/"):
        parsed = parse_url("placeholder://placeholder" + url)
        return None if parsed is None else ParsedUrl(**{**parsed.__dict__, "scheme": None, "host": None})
    return parse_url(url)


SLASH_ZERO = re.compile(r"\\+0+")


def no_null(text: str, *, keep_slash_zero: bool = False) -> str:
    """``wp_kses_no_null``: control characters removed, and ``\\0`` unless kept."""
    text = CONTROL_CHARACTERS.sub("", text)
    return text if keep_slash_zero else SLASH_ZERO.sub("", text)


_DECIMAL_REFERENCE = re.compile(r"&#([0-9]+);")
_HEX_REFERENCE = re.compile(r"&#[Xx]([0-9A-Fa-f]+);")


def _byte(number: int) -> str:
    """PHP's ``chr()``: the number modulo 256, or death for a number PHP reads as a float."""
    if not fits_php_int(number):
        raise WordPressFatalError("chr(): Argument #1 ($codepoint) must be of type int (wp_kses_decode_entities)")
    return chr(number % 256)


def decode_entities(text: str) -> str:
    """``wp_kses_decode_entities``: numeric references to bytes (the result only names a scheme)."""
    text = _DECIMAL_REFERENCE.sub(lambda m: _byte(int(m.group(1))), text)
    return _HEX_REFERENCE.sub(lambda m: _byte(int(m.group(1), 16)), text)


_UNTERMINATED_COLON = re.compile(r"(&#0*58(?![;0-9])|&#x0*3a(?![;a-f0-9]))", re.IGNORECASE | re.ASCII)
_COLON = re.compile(r":|&#0*58;|&#x0*3a;|&colon;", re.IGNORECASE | re.ASCII)
_ASCII_SPACE = re.compile(r"[ \t\n\r\x0b\x0c]")


def _protocol(scheme: str, protocols: tuple[str, ...]) -> str:
    """``wp_kses_bad_protocol_once2``: the scheme with its colon if it is allowed, else ''."""
    name = ascii_lower(no_null(_ASCII_SPACE.sub("", decode_entities(scheme))))
    return f"{name}:" if any(loose_equals(ascii_lower(p), name) for p in protocols) else ""


def _bad_protocol_once(text: str, protocols: tuple[str, ...], count: int = 1) -> str:
    text = _UNTERMINATED_COLON.sub(r"\1;", text)
    pieces = _COLON.split(text, maxsplit=1)
    if len(pieces) < 2 or "/?" in pieces[0]:
        return text
    rest = pieces[1].strip(PHP_TRIM)
    protocol = _protocol(pieces[0], protocols)
    if protocol == "feed:":  # a feed URL holds another URL: its scheme is checked too (three deep at most)
        if count > 2:
            return ""
        rest = _bad_protocol_once(rest, protocols, count + 1)
        if php_empty(rest):
            return rest
    return protocol + rest


def bad_protocol(text: str, protocols: tuple[str, ...] = ALLOWED_PROTOCOLS) -> str:
    """``wp_kses_bad_protocol``: schemes that are not allowed removed, six times at most (else '')."""
    text = no_null(text)
    for _ in range(6):
        original, text = text, _bad_protocol_once(text, protocols)
        if loose_equals(original, text):  # PHP's loop ends on a loose !=
            return text
    return ""


_NEWLINE_OCTETS = ("%0d", "%0a", "%0D", "%0A")
_PHP_FILE = re.compile(r"[a-z0-9-]+?\.php", re.IGNORECASE | re.ASCII)


def _deep_replace(url: str) -> str:
    while any(s in url for s in _NEWLINE_OCTETS):
        for octet in _NEWLINE_OCTETS:
            url = url.replace(octet, "")
    return url


def _encode_brackets_after_host(url: str) -> str:
    """Brackets are only legal in a host (IPv6): ``esc_url`` encodes the ones after it."""
    parsed = wp_parse_url(url)
    front = ""
    if parsed is not None and parsed.scheme is not None:
        front += parsed.scheme + "://"
    elif url[0] == "/":
        front += "//"
    if parsed is not None:
        front += parsed.user or ""
        front += ":" + parsed.password if parsed.password is not None else ""
        front += "@" if parsed.user is not None or parsed.password is not None else ""
        front += parsed.host or ""
        front += f":{parsed.port}" if parsed.port is not None else ""
    dirty = url.replace(front, "") if front else url
    clean = dirty.replace("[", "%5B").replace("]", "%5D")
    return url.replace(dirty, clean) if dirty else url


def esc_url(url: str, *, display: bool = True, protocols: tuple[str, ...] = ALLOWED_PROTOCOLS) -> str:
    """``esc_url($url)`` (``display``: entities normalized, ``&`` and ``'`` escaped) or ``esc_url_raw``:
    '' for a scheme that is not allowed; an allowed one comes back as ``wp_kses_bad_protocol`` writes it."""
    if url == "":
        return url
    url = URL_FORBIDDEN.sub("", url.lstrip(PHP_TRIM).replace(" ", "%20"))
    if url == "":
        return url
    if not ascii_lower(url).startswith("mailto:"):
        url = _deep_replace(url)
    url = url.replace(";//", "://")
    # (the newline octets may have left nothing: PHP reads "" as the first character then)
    if ":" not in url and url[:1] not in ("/", "#", "?") and not _PHP_FILE.match(url):
        url = "http://" + url
    if display:
        url = normalize_entities(url).replace("&amp;", "&#038;").replace("'", "&#039;")
    if "[" in url or "]" in url:
        url = _encode_brackets_after_host(url)
    if url[0] == "/":
        return url
    good = bad_protocol(url, protocols)
    return good if loose_equals(ascii_lower(good), ascii_lower(url)) else ""


def sanitize_url(url: str) -> str:
    """``sanitize_url`` (``esc_url_raw``, for the database): ``esc_url`` without the display escaping."""
    return esc_url(url, display=False)
