"""WordPress's escaping and ``is_serialized`` as kses and the comment filters use them (PHP's own
behaviours are ``php``).

WordPress filters a comment's fields while they are slashed (``addslashes``), so the filters are
reproduced on slashed text and the result unslashed (``stripslashes``), as ``wp_insert_comment`` does.
HTML escaping is ``htmlspecialchars`` without double encoding after kses's entity normalization: it
keeps every entity that normalization keeps except ``&apos;``, which HTML 4.01 does not know.
"""

from __future__ import annotations

import re

from .html import normalize_entities
from .php import byte_length, php_trim

_SPECIAL = re.compile(r"[&<>\"']")


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
