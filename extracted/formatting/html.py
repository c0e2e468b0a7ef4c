"""HTML primitives shared by the formatters: splitting text from tags, escaping for text and attributes
(URLs: ``urls.esc_url``)."""

from __future__ import annotations

import re
from html.entities import name2codepoint

_COMMENT = r"!(?:-(?!->)[^\-]*+)*+(?:-->)?"
_CDATA = r"!\[CDATA\[[^\]]*+(?:\](?!\]>)[^\]]*+)*+(?:\]\]>)?"
# A tag, a comment or a CDATA section; an unclosed one runs to the end of the text.
HTML_SPLIT = re.compile(rf"(<(?:(?=!--){_COMMENT}|(?=!\[CDATA\[){_CDATA}|(?!!--|!\[CDATA\[)[^>]*>?))")

ALLOWED_ENTITY_NAMES = frozenset(name2codepoint) | {"apos"}
SPECIAL_CHARACTER = re.compile(r"[&<>\"']")
NAMED_ENTITY = re.compile(r"&amp;([A-Za-z]{2,8}[0-9]{0,2});")
DECIMAL_ENTITY = re.compile(r"&amp;#(0*[0-9]{1,7});")
HEX_ENTITY = re.compile(r"&amp;#[Xx](0*[0-9A-Fa-f]{1,6});")

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def split_html(text: str) -> list[str]:
    """Text and tags alternately: even indexes are text, odd indexes are tags, comments or CDATA."""
    return HTML_SPLIT.split(text)


def _valid_code_point(number: int) -> bool:
    return (
        number in (0x9, 0xA, 0xD)
        or 0x20 <= number <= 0xD7FF
        or 0xE000 <= number <= 0xFFFD
        or (0x10000 <= number <= 0x10FFFF)
    )


def _named(match: re.Match[str]) -> str:
    name = match.group(1)
    return f"&{name};" if name in ALLOWED_ENTITY_NAMES else f"&amp;{name};"


def _decimal(match: re.Match[str]) -> str:
    digits = match.group(1)
    if digits == "0":  # PHP's empty("0"): WordPress drops the entity
        return ""
    if not _valid_code_point(int(digits)):
        return f"&amp;#{digits};"
    return "&#" + digits.lstrip("0").rjust(3, "0") + ";"


def _hexadecimal(match: re.Match[str]) -> str:
    digits = match.group(1)
    if digits == "0":  # PHP's empty("0"): WordPress drops the entity
        return ""
    if not _valid_code_point(int(digits, 16)):
        return f"&amp;#x{digits};"
    return "&#x" + digits.lstrip("0") + ";"


def normalize_entities(text: str) -> str:
    """Escape every ``&`` that does not start a known, valid entity (kses's normalization)."""
    text = text.replace("&", "&amp;")
    text = NAMED_ENTITY.sub(_named, text)
    text = DECIMAL_ENTITY.sub(_decimal, text)
    return HEX_ENTITY.sub(_hexadecimal, text)


def escape_attribute(text: str) -> str:
    """``esc_attr``/``esc_html``: special characters escaped, existing valid entities kept."""
    if not SPECIAL_CHARACTER.search(text):
        return text
    text = normalize_entities(text)
    return text.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;").replace("'", "&#039;")


escape_html = escape_attribute


PERCENT_OCTET = re.compile(r"%[a-fA-F0-9][a-fA-F0-9]")
NOT_CLASS_CHARACTER = re.compile(r"[^A-Za-z0-9_-]")
NOT_TAG_CHARACTER = re.compile(r"[^a-zA-Z0-9\-_:]")


def sanitize_html_class(name: str) -> str:
    """``sanitize_html_class``: only letters, digits, ``_`` and ``-``."""
    return NOT_CLASS_CHARACTER.sub("", PERCENT_OCTET.sub("", name))


def tag_escape(name: str) -> str:
    return NOT_TAG_CHARACTER.sub("", name).lower()
