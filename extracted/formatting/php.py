"""The few PHP behaviours WordPress's registration code leans on, as PHP 8.2 has them.

``==`` between two strings compares them as numbers when both look numeric (``validate_username``
compares a login with its sanitized form that way, so ``" 12"`` is a valid login), ``empty()`` calls
``"0"`` empty, ``trim()`` strips only ASCII whitespace and NUL, ``strtolower()`` only ASCII letters,
magic quotes are ``addslashes()`` and ``wp_unslash()`` is ``stripslashes()``, and ``parse_url()`` splits
URLs its own way (``wp_validate_redirect`` decides on its answer).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

#: what PHP's ``trim()`` removes by default (Python's ``strip()`` would also remove Unicode spaces)
PHP_TRIM = " \t\n\r\0\x0b"
_WHITESPACE = " \t\n\r\x0b\x0c"
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
# A numeric string (PHP 8): whitespace around, a sign, digits with a fraction or an exponent.
_NUMERIC = re.compile(r"[ \t\n\r\x0b\x0c]*([+-]?)([0-9]*)((?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?)[ \t\n\r\x0b\x0c]*")


def php_trim(text: str, characters: str = PHP_TRIM) -> str:
    return text.strip(characters)


def php_empty(text: str) -> bool:
    """``empty()`` of a string."""
    return text in ("", "0")


def ascii_lower(text: str) -> str:
    """``strtolower()`` (PHP 8.2: ASCII letters only, whatever the locale)."""
    return text.translate(_LOWER)


_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def addslashes(text: str) -> str:
    """``addslashes()``: what WordPress's magic quotes make of every request argument."""
    return text.replace("\\", "\\\\").replace("'", "\\'").replace('"', '\\"').replace("\0", "\\0")


def stripslashes(text: str) -> str:
    """``stripslashes()`` (``wp_unslash``): a backslash goes, the character after it stays (``\\0`` is NUL)."""
    if "\\" not in text:
        return text
    out: list[str] = []
    index = 0
    while index < len(text):
        character = text[index]
        if character == "\\":
            index += 1
            if index < len(text):
                out.append("\0" if text[index] == "0" else text[index])
        else:
            out.append(character)
        index += 1
    return "".join(out)


@dataclass(frozen=True)
class _Number:
    is_double: bool
    integer: int
    double: float
    overflow: int  # -1 or 1 when the digits overflowed a 64-bit integer, else 0


def _numeric(text: str) -> _Number | None:
    """How PHP reads a numeric string (``_is_numeric_string_ex``), or None when it is not one."""
    match = _NUMERIC.fullmatch(text)
    if match is None:
        return None
    sign, digits, rest = match.groups()
    if not digits and not re.match(r"\.[0-9]", rest):
        return None
    body = sign + digits + rest
    significant = len(digits.lstrip("0"))
    sign_overflow = -1 if sign == "-" else 1
    if significant >= 20:  # PHP stops counting at 20 digits: a double, marked as overflowed
        return _Number(True, 0, float(body), sign_overflow)
    if rest:
        return _Number(True, 0, float(body), 0)
    value = int(body)
    if value < _INT64_MIN or value > _INT64_MAX:
        return _Number(True, 0, float(body), sign_overflow)
    return _Number(False, value, 0.0, 0)


def loose_equals(left: str, right: str) -> bool:
    """PHP 8's ``$left == $right`` for two strings (``zendi_smart_str_equals``)."""
    if left == right:
        return True
    first, second = _numeric(left), _numeric(right)
    if first is None or second is None:
        return False
    if first.overflow and first.overflow == second.overflow and first.double - second.double == 0.0:
        return False  # both overflowed alike: PHP compares the strings, which differ
    if first.is_double or second.is_double:
        if not first.is_double:
            return not second.overflow and float(first.integer) == second.double
        if not second.is_double:
            return not first.overflow and first.double == float(second.integer)
        if first.double == second.double and not math.isfinite(first.double):
            return False  # both infinite: compared as strings
        return first.double == second.double
    return first.integer == second.integer


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


def _scheme_character(character: str) -> bool:
    return character.isascii() and (character.isalnum() or character in "+.-")


def _port(digits: str) -> int | None:
    """A port of at most 5 digits read as ``strtol`` does, or None when PHP refuses it."""
    match = re.match(r"[ \t\n\r\x0b\x0c]*[+-]?[0-9]+", digits)
    if match is None:
        return None
    value = int(match.group(0))
    return value if 0 <= value <= 65535 else None


def parse_url(url: str) -> ParsedUrl | None:
    """PHP 8.2's ``parse_url($url)`` (False is None) for the ASCII URLs a sanitized redirect can be."""
    parts: dict[str, str | int | None] = {}
    end = len(url)
    start = 0
    colon = url.find(":")
    to_host = False
    if colon > 0:
        if all(_scheme_character(c) for c in url[:colon]):
            if colon + 1 == end:
                return ParsedUrl(scheme=url[:colon])
            if url[colon + 1] != "/":
                after = colon + 1
                while after < end and url[after].isdigit():
                    after += 1
                if (after == end or url[after] == "/") and after - colon < 7:
                    return _parse_port(url, start, colon, parts)
                parts["scheme"] = url[:colon]
                return _just_path(url, colon + 1, parts)
            parts["scheme"] = url[:colon]
            if colon + 2 < end and url[colon + 2] == "/":
                start = colon + 3
                if url[:colon].lower() == "file" and colon + 3 < end and url[colon + 3] == "/":
                    if colon + 5 < end and url[colon + 5] == ":":
                        start = colon + 4
                    return _just_path(url, start, parts)
                to_host = True
            else:
                return _just_path(url, colon + 1, parts)
        elif colon + 1 < end and colon < _first_of(url, 0, "?#"):
            return _parse_port(url, start, colon, parts)
        elif url.startswith("//"):
            start, to_host = 2, True
        else:
            return _just_path(url, 0, parts)
    elif colon == 0:
        return _parse_port(url, start, colon, parts)
    elif url.startswith("//"):
        start, to_host = 2, True
    else:
        return _just_path(url, 0, parts)
    assert to_host
    return _parse_host(url, start, parts)


def _first_of(url: str, start: int, characters: str) -> int:
    found = [i for i in (url.find(c, start) for c in characters) if i >= 0]
    return min(found) if found else len(url)


def _parse_port(url: str, start: int, colon: int, parts: dict[str, str | int | None]) -> ParsedUrl | None:
    """A colon that may end a host and start a port (``a.com:80``, ``:80``)."""
    end = len(url)
    digits_end = colon + 1
    while digits_end < end and digits_end - (colon + 1) < 6 and url[digits_end].isdigit():
        digits_end += 1
    length = digits_end - (colon + 1)
    if 0 < length < 6 and (digits_end == end or url[digits_end] == "/"):
        port = _port(url[colon + 1 : digits_end])
        if port is None:
            return None
        parts["port"] = port
        if url.startswith("//", start):
            start += 2
    elif length == 0 and digits_end == end:
        return None
    elif url.startswith("//", start):
        start += 2
    else:
        return _just_path(url, start, parts)
    return _parse_host(url, start, parts)


def _parse_host(url: str, start: int, parts: dict[str, str | int | None]) -> ParsedUrl | None:
    end = len(url)
    host_end = _first_of(url, start, "/?#")
    at = url.rfind("@", start, host_end)
    if at >= 0:
        colon = url.find(":", start, at)
        if colon >= 0:
            parts["user"], parts["password"] = url[start:colon], url[colon + 1 : at]
        else:
            parts["user"] = url[start:at]
        start = at + 1
    if start < end and url[start] == "[" and url[host_end - 1] == "]":
        port_colon = -1
    else:
        port_colon = url.rfind(":", start, host_end)
    if port_colon >= 0:
        if not parts.get("port"):  # PHP tests the port's value: a port 0 before is read again
            digits = url[port_colon + 1 : host_end]
            if len(digits) > 5:
                return None
            if digits:
                port = _port(digits)
                if port is None:
                    return None
                parts["port"] = port
        host_stop = port_colon
    else:
        host_stop = host_end
    if host_stop - start < 1:
        return None
    parts["host"] = url[start:host_stop]
    if host_end == end:
        return _result(parts)
    return _just_path(url, host_end, parts)


def _just_path(url: str, start: int, parts: dict[str, str | int | None]) -> ParsedUrl:
    end = len(url)
    hash_at = url.find("#", start)
    if hash_at >= 0:
        parts["fragment"] = url[hash_at + 1 :]
        end = hash_at
    question = url.find("?", start, end)
    if question >= 0:
        parts["query"] = url[question + 1 : end]
        end = question
    if start < end or start == len(url):
        parts["path"] = url[start:end]
    return _result(parts)


def _result(parts: dict[str, str | int | None]) -> ParsedUrl:
    port = parts.get("port")
    return ParsedUrl(
        scheme=_text(parts.get("scheme")),
        host=_text(parts.get("host")),
        port=port if isinstance(port, int) else None,
        user=_text(parts.get("user")),
        password=_text(parts.get("password")),
        path=_text(parts.get("path")),
        query=_text(parts.get("query")),
        fragment=_text(parts.get("fragment")),
    )


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _text(value: str | int | None) -> str | None:
    """A part as PHP gives it: control characters turned to ``_``."""
    return _CONTROL.sub("_", value) if isinstance(value, str) else None


def php_dirname(path: str) -> str:
    """``dirname()`` of a path with ``/`` separators."""
    trimmed = path.rstrip("/")
    if not trimmed:
        return "/" if path else "."
    cut = trimmed.rfind("/")
    if cut < 0:
        return "."
    parent = trimmed[:cut].rstrip("/")
    return parent or "/"
