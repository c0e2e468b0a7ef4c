"""The PHP behaviours kses and the comment filters lean on, as PHP 8.2 has them.

WordPress filters a comment's fields while they are slashed (``addslashes``), so the filters are
reproduced on slashed text and the result unslashed (``stripslashes``), as ``wp_insert_comment`` does.
HTML escaping is ``htmlspecialchars`` without double encoding after kses's entity normalization: it
keeps every entity that normalization keeps except ``&apos;``, which HTML 4.01 does not know.
"""

from __future__ import annotations

import re

from .html import normalize_entities

#: what PHP's ``trim()`` removes (Python's ``strip()`` would also remove Unicode spaces)
PHP_TRIM = " \t\n\r\0\x0b"
_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_BACKSLASHED = re.compile(r"\\(.?)", re.DOTALL)
_SPECIAL = re.compile(r"[&<>\"']")
_INT64_MAX = 2**63 - 1


def php_trim(text: str, characters: str = PHP_TRIM) -> str:
    return text.strip(characters)


def php_empty(text: str) -> bool:
    """``empty()`` of a string: ``""`` and ``"0"``."""
    return text in ("", "0")


def ascii_lower(text: str) -> str:
    """``strtolower()`` (PHP 8.2: ASCII letters only)."""
    return text.translate(_LOWER)


def byte_length(text: str) -> int:
    """``strlen()``: PHP counts the UTF-8 bytes."""
    return len(text.encode("utf-8", "surrogatepass"))


def fits_php_int(number: int) -> bool:
    """Whether PHP reads the number as an int (a bigger one is a float, which ``chr()`` refuses)."""
    return number <= _INT64_MAX


def addslashes(text: str) -> str:
    """``addslashes()`` (``wp_slash``)."""
    if not any(c in text for c in "\\'\"\0"):
        return text
    return text.replace("\\", "\\\\").replace("'", "\\'").replace('"', '\\"').replace("\0", "\\0")


def _unslashed(match: re.Match[str]) -> str:
    character = match.group(1)
    return "\0" if character == "0" else character


def stripslashes(text: str) -> str:
    """``stripslashes()`` (``wp_unslash``): a backslash goes, the character after it stays (``\\0`` is NUL)."""
    return _BACKSLASHED.sub(_unslashed, text) if "\\" in text else text


def _escape(text: str, quotes: bool) -> str:
    if not text or not _SPECIAL.search(text):
        return text
    text = normalize_entities(text).replace("&apos;", "&amp;apos;")
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;").replace("'", "&#039;") if quotes else text


def esc_html(text: str) -> str:
    """``esc_html``/``esc_attr``: ``_wp_specialchars($text, ENT_QUOTES)``."""
    return _escape(text, quotes=True)


def specialchars(text: str) -> str:
    """``_wp_specialchars($text)`` as a filter calls it (``ENT_NOQUOTES``): quotes stay."""
    return _escape(text, quotes=False)


_SERIALIZED_SCALAR = re.compile(r"[bid]:[0-9.E+-]+;$")
_SERIALIZED_COMPOUND = re.compile(r"[saOE]:[0-9]+:", re.DOTALL)


def is_serialized(data: str) -> bool:
    """WordPress's ``is_serialized($data)`` (strict): whether the text looks like PHP's ``serialize()``."""
    data = php_trim(data)
    if data == "N;":
        return True
    if byte_length(data) < 4 or data[1] != ":" or data[-1] not in ";}":
        return False
    token = data[0]
    if token == "s" and data[-2] != '"':
        return False
    if token in "saOE":
        return _SERIALIZED_COMPOUND.match(data) is not None
    if token in "bid":
        return _SERIALIZED_SCALAR.match(data) is not None
    return False
