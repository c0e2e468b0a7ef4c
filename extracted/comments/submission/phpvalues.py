"""The PHP value rules WordPress's comment code leans on (PHP 8.2), beside the registration's (``php``).

Text is ``str``; bytes that are not UTF-8 travel as lone surrogates (``surrogateescape``), so that
``to_bytes`` gives PHP's bytes back and byte lengths and byte cuts (``substr``) are PHP's.
"""

from __future__ import annotations

import math
import re

from extracted.formatting.php import PHP_TRIM, addslashes, loose_equals, php_empty, php_trim, stripslashes
from extracted.rest.types import QueryValue

__all__ = [
    "PHP_TRIM",
    "addslashes",
    "byte_length",
    "from_bytes",
    "has_invalid_utf8",
    "loose_equals",
    "php_absint",
    "php_empty",
    "php_intval",
    "php_trim",
    "php_truthy",
    "stripslashes",
    "substr_bytes",
    "to_bytes",
]

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
# is_numeric_string with errors allowed: whitespace, a sign, digits with a fraction or an exponent
_NUMERIC_PREFIX = re.compile(r"[ \t\n\r\x0b\x0c]*([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def to_bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def from_bytes(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def byte_length(text: str) -> int:
    """``strlen`` (and ``mb_strlen($text, '8bit')``)."""
    return len(to_bytes(text)) if not text.isascii() else len(text)


def substr_bytes(text: str, length: int) -> str:
    """``substr($text, 0, $length)``: a cut inside a character leaves its first bytes (not UTF-8)."""
    return text[:length] if text.isascii() else from_bytes(to_bytes(text)[:length])


def has_invalid_utf8(text: str) -> bool:
    return _SURROGATE.search(text) is not None


def php_intval(value: QueryValue | None) -> int:
    """``(int) $value`` of a request argument: a string's numeric prefix (saturated), an array 0 or 1."""
    if value is None:
        return 0
    if isinstance(value, dict):
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


def php_absint(value: QueryValue | None) -> int:
    """``absint($value)``."""
    return abs(php_intval(value))


def php_truthy(value: object) -> bool:
    """An option's value in an ``if``: ``""``, ``"0"``, false, null, 0 and empty arrays are false."""
    if value is None or value is False:
        return False
    if isinstance(value, str):
        return not php_empty(value)
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, list | dict | tuple):
        return len(value) > 0
    return True
