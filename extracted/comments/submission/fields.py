"""The ``pre_comment_*`` filters WordPress 6.1 runs on an anonymous visitor's comment (``default-filters.php``).

``wp_new_comment`` filters the comment's fields while they are *slashed* (magic quotes: ``wp_slash``) and
stores them unslashed, so every function here takes and gives slashed text, as WordPress's filters do:

- author  ``sanitize_text_field``, ``wp_filter_kses``, ``_wp_specialchars`` (priority 30)
- email   ``trim``, ``sanitize_email``, ``wp_filter_kses``
- url     ``wp_strip_all_tags``, ``esc_url_raw`` (``sanitize_url``), ``wp_filter_kses``
- content ``convert_invalid_entities``, ``wp_filter_kses`` (kses_init: a visitor has no ``unfiltered_html``),
  ``wp_rel_ugc``, ``wp_targeted_link_rel``, ``balanceTags`` (when ``use_balanceTags`` is 1): the content's
  chain is ``extracted.formatting.kses.filter_comment_content`` (unslashed text in and out), another
  package's; should it be missing, a stand-in here filters text without markup and refuses markup.

kses (``wp_kses`` with ``$allowedtags``) is followed here for text without ``<`` (control characters
removed, entities normalized, a lone ``>`` escaped); a field that still holds a ``<`` goes through the
comments' kses (``extracted.formatting.kses.wp_kses``), or raises ``UnsupportedContentError`` without it.
"""

from __future__ import annotations

import importlib
import re
from html.entities import name2codepoint
from typing import Any

from extracted.formatting.errors import UnsupportedContentError
from extracted.formatting.html import normalize_entities
from extracted.formatting.sanitize import sanitize_email, strip_all_tags

from .phpvalues import addslashes, has_invalid_utf8, php_trim, stripslashes
from .urls import esc_url_raw

__all__ = [
    "convert_invalid_entities",
    "filter_author",
    "filter_content",
    "filter_email",
    "filter_url",
    "kses_text",
    "sanitize_text_field",
    "specialchars",
]

_LESS_THAN = re.compile(r"<[^>]*?((?=<)|>|$)")
_BREAKS = re.compile(r"[\r\n\t ]+")
_OCTET = re.compile(r"%[a-f0-9]{2}", re.IGNORECASE)
_SPACES = re.compile(r" +")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SPECIAL = re.compile(r"[&<>\"']")
_AMPERSAND_OR_SPECIAL = re.compile(r"&(?:#[xX]([0-9a-fA-F]+);|#([0-9]+);|([A-Za-z0-9]+);)?|[<>\"']")
_WINDOWS_ENTITY = re.compile(r"&#1(2[89]|[3-5][0-9]);")
# The HTML 4.01 entities PHP's htmlspecialchars keeps when it does not double-encode (``apos`` is not one)
_HTML401_NAMES = frozenset(name2codepoint)
#: convert_invalid_entities: Windows-1252's characters written as Latin-1 numbers
_WINDOWS_1252 = {128: "&#8364;", 129: "", 130: "&#8218;", 131: "&#402;", 132: "&#8222;", 133: "&#8230;",
                 134: "&#8224;", 135: "&#8225;", 136: "&#710;", 137: "&#8240;", 138: "&#352;", 139: "&#8249;",
                 140: "&#338;", 141: "", 142: "&#381;", 143: "", 144: "", 145: "&#8216;", 146: "&#8217;",
                 147: "&#8220;", 148: "&#8221;", 149: "&#8226;", 150: "&#8211;", 151: "&#8212;", 152: "&#732;",
                 153: "&#8482;", 154: "&#353;", 155: "&#8250;", 156: "&#339;", 157: "", 158: "&#382;",
                 159: "&#376;"}  # fmt: skip
_ESCAPES = {"<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#039;"}


def specialchars(text: str, *, quotes: bool) -> str:
    """``_wp_specialchars($text, ENT_QUOTES or ENT_NOQUOTES)``: entities normalized, then PHP's
    ``htmlspecialchars`` without double encoding (valid numeric and HTML 4.01 named entities kept)."""
    if text == "" or not _SPECIAL.search(text):
        return text
    text = normalize_entities(text)

    def escape(match: re.Match[str]) -> str:
        found = match.group(0)
        if found[0] != "&":
            return _ESCAPES[found] if quotes or found in "<>" else found
        hexadecimal, decimal, name = match.groups()
        if hexadecimal is not None or decimal is not None:
            code = int(hexadecimal, 16) if hexadecimal is not None else int(decimal)
            return found if code <= 0x10FFFF else "&amp;" + found[1:]
        if name is not None and name in _HTML401_NAMES:
            return found
        return "&amp;" + found[1:]

    return _AMPERSAND_OR_SPECIAL.sub(escape, text)


def _less_than(match: re.Match[str]) -> str:
    """``wp_pre_kses_less_than_callback``: a ``<`` that opens no tag is escaped (``esc_html``)."""
    found = match.group(0)
    return found if ">" in found else specialchars(found, quotes=True)


def sanitize_text_field(text: str) -> str:
    """``sanitize_text_field``: one line of plain text (``""`` when it is not UTF-8)."""
    if has_invalid_utf8(text):
        return ""
    if "<" in text:
        text = _LESS_THAN.sub(_less_than, text)
        text = strip_all_tags(text).replace("<\n", "&lt;\n")
    text = php_trim(_BREAKS.sub(" ", text))
    found = False
    while match := _OCTET.search(text):
        text = text.replace(match.group(0), "")
        found = True
    if found:
        text = php_trim(_SPACES.sub(" ", text))
    return text


def kses_text(text: str) -> str:
    """``wp_kses($text, $allowedtags)``: here for text without tags; with a ``<``, the comments' kses
    (``extracted.formatting.kses.wp_kses``), else ``UnsupportedContentError``."""
    if "<" in text:
        kses, tags = _comments_kses("wp_kses"), _comments_kses("COMMENT_TAGS")
        if kses is None or tags is None:
            raise UnsupportedContentError("kses of markup (needs extracted.formatting.kses.wp_kses)")
        return str(kses(text, tags))
    return normalize_entities(_CONTROL.sub("", text)).replace(">", "&gt;")


def _filter_kses(slashed: str) -> str:
    """``wp_filter_kses``: kses of the unslashed text, slashed again."""
    return addslashes(kses_text(stripslashes(slashed)))


def filter_author(slashed: str) -> str:
    """``pre_comment_author_name``."""
    return specialchars(_filter_kses(sanitize_text_field(slashed)), quotes=False)


def filter_email(slashed: str) -> str:
    """``pre_comment_author_email``."""
    return _filter_kses(sanitize_email(php_trim(slashed)))


def filter_url(slashed: str) -> str:
    """``pre_comment_author_url``."""
    return _filter_kses(esc_url_raw(strip_all_tags(slashed)))


def convert_invalid_entities(text: str) -> str:
    """``convert_invalid_entities``: ``&#128;``…``&#159;`` as the Windows-1252 characters they mean."""
    if "&#1" not in text:
        return text
    return _WINDOWS_ENTITY.sub(lambda m: _WINDOWS_1252[int("1" + m.group(1))], text)


def _content_without_markup(text: str, *, home_url: str, use_balance_tags: bool = False) -> str:
    """The ``pre_comment_content`` chain for text without markup (links, balancing: nothing to do)."""
    if "<" in text:
        raise UnsupportedContentError("a comment with markup (needs extracted.formatting.kses.filter_comment_content)")
    return kses_text(convert_invalid_entities(text))


def _comments_kses(name: str) -> Any:
    """A function of the comments' kses (``extracted.formatting.kses``, another package's), or None."""
    try:
        module = importlib.import_module("extracted.formatting.kses")
    except ImportError:
        return None
    return getattr(module, name, None)


def filter_content(slashed: str, *, home_url: str, balance_tags: bool = False) -> str:
    """``pre_comment_content`` (``home_url``: ``home_url()``, whose links get no ``rel``; ``balance_tags``:
    the ``use_balanceTags`` option is 1)."""
    content_filter = _comments_kses("filter_comment_content") or _content_without_markup
    return addslashes(str(content_filter(stripslashes(slashed), home_url=home_url, use_balance_tags=balance_tags)))
