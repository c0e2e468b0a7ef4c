"""The PHP behaviours WordPress's code leans on, as PHP 8.2 has them (one implementation for every caller).

``==`` between two strings compares them as numbers when both look numeric (``validate_username``
compares a login with its sanitized form that way, so ``" 12"`` is a valid login), ``empty()`` calls
``"0"`` empty, ``trim()`` strips only ASCII whitespace and NUL, ``strtolower()`` only ASCII letters,
magic quotes are ``addslashes()`` and ``wp_unslash()`` is ``stripslashes()``; ``strlen()`` and ``substr()``
count bytes; ``(int)`` reads a numeric prefix and saturates (``parse_url()`` is in ``urls``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

#: what PHP's ``trim()`` removes by default (Python's ``strip()`` would also remove Unicode spaces)
PHP_TRIM = " \t\n\r\0\x0b"
_WHITESPACE = " \t\n\r\x0b\x0c"
_BACKSLASHED = re.compile(r"\\(.?)", re.DOTALL)
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
    """``addslashes()`` (``wp_slash``): what WordPress's magic quotes make of every request argument."""
    if not any(c in text for c in "\\'\"\0"):
        return text
    return text.replace("\\", "\\\\").replace("'", "\\'").replace('"', '\\"').replace("\0", "\\0")


def _unslashed(match: re.Match[str]) -> str:
    character = match.group(1)
    return "\0" if character == "0" else character


def stripslashes(text: str) -> str:
    """``stripslashes()`` (``wp_unslash``): a backslash goes, the character after it stays (``\\0`` is NUL)."""
    return _BACKSLASHED.sub(_unslashed, text) if "\\" in text else text


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


# -- bytes: text is ``str``, and bytes that are not UTF-8 travel as lone surrogates (``surrogateescape``),
# so that ``to_bytes`` gives PHP's bytes back and byte lengths and cuts (``substr``) are PHP's


def to_bytes(text: str) -> bytes:
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that stands for no byte (from JSON's \ud800): as PHP's JSON has it
        return text.encode("utf-8", "surrogatepass")


def from_bytes(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def byte_length(text: str) -> int:
    """``strlen()`` (and ``mb_strlen($text, '8bit')``): PHP counts bytes."""
    return len(text) if text.isascii() else len(to_bytes(text))


def substr_bytes(text: str, length: int) -> str:
    """``substr($text, 0, $length)``: a cut inside a character leaves its first bytes (not UTF-8)."""
    return text[:length] if text.isascii() else from_bytes(to_bytes(text)[:length])


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def has_invalid_utf8(text: str) -> bool:
    return _SURROGATE.search(text) is not None


# -- numbers
_NUMERIC_PREFIX = re.compile(r"[ \t\n\r\x0b\x0c]*([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)")


def fits_php_int(number: int) -> bool:
    """Whether PHP reads the number as an int (a bigger one is a float, which ``chr()`` refuses)."""
    return number <= _INT64_MAX


def php_intval(value: object) -> int:
    """``(int) $value`` of a request argument (a string or an array): a string's numeric prefix
    (saturated), an array 0 or 1."""
    if value is None:
        return 0
    if not isinstance(value, str):
        return 1 if value else 0
    match = _NUMERIC_PREFIX.match(value)
    if match is None:
        return 0
    number = match.group(1)
    if "." not in number and "e" not in number.lower():
        return max(_INT64_MIN, min(_INT64_MAX, int(number)))
    as_float = float(number)
    if not math.isfinite(as_float):
        return 0
    if as_float >= 2.0**63:
        return _INT64_MAX
    if as_float < -(2.0**63):
        return _INT64_MIN
    return int(as_float)


def php_absint(value: object) -> int:
    """``absint($value)``."""
    return abs(php_intval(value))


def php_truthy(value: object) -> bool:
    """A value in an ``if``: ``""``, ``"0"``, false, null, 0 and empty arrays are false."""
    if value is None or value is False:
        return False
    if isinstance(value, str):
        return not php_empty(value)
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, list | dict | tuple):
        return len(value) > 0
    return True
