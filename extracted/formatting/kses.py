"""Just enough of kses (WordPress's HTML filter): what ``wp_kses_one_attr`` keeps, and ``wp_kses_post``
of plain text.

WordPress runs an attribute through kses when a shortcode was rendered inside it; the element and the
attribute must be allowed in posts, URLs keep only allowed protocols, and the value is escaped. Blocks
run labels (menu items, page titles) through ``wp_kses_post``: it removes control characters, escapes
ampersands that start no valid entity and ``>``, and keeps only the tags allowed in posts (here: tags
without attributes; the library raises ``UnsupportedContentError`` for others).

The full ``wp_kses`` (any allowed tags, comments, attributes, URL schemes, block attributes) is in
``kses_core``; what WordPress stores of a visitor's comment (``pre_comment_*`` filters) in
``kses_comments``; both are exported from here.
"""

from __future__ import annotations

import re

from .errors import UnsupportedContentError
from .html import CONTROL_CHARACTERS, escape_attribute, normalize_entities
from .kses_comments import (
    filter_comment_author,
    filter_comment_author_email,
    filter_comment_author_url,
    filter_comment_content,
)
from .kses_core import COMMENT_TAGS, URI_ATTRIBUTES, wp_kses
from .urls import bad_protocol

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "COMMENT_TAGS",
    "filter_attribute",
    "filter_comment_author",
    "filter_comment_author_email",
    "filter_comment_author_url",
    "filter_comment_content",
    "kses_post_text",
    "parse_element",
    "wp_kses",
]

# Attributes every element of a post may have, then each element's own (``wp_kses_allowed_html('post')``).
GLOBAL_ATTRIBUTES = frozenset(
    (
        "aria-describedby",
        "aria-details",
        "aria-hidden",
        "aria-label",
        "aria-labelledby",
        "class",
        "data-*",
        "dir",
        "id",
        "lang",
        "role",
        "style",
        "title",
        "xml:lang",
    )
)
_OWN_ATTRIBUTES = {
    "a": "download href name rel rev target",
    "abbr": "",
    "acronym": "",
    "address": "",
    "area": "alt coords href nohref shape target",
    "article": "align",
    "aside": "align",
    "audio": "autoplay controls loop muted preload src",
    "b": "",
    "bdo": "",
    "big": "",
    "blockquote": "cite",
    "br": "",
    "button": "disabled name type value",
    "caption": "align",
    "cite": "",
    "code": "",
    "col": "align char charoff span valign width",
    "colgroup": "align char charoff span valign width",
    "dd": "",
    "del": "datetime",
    "details": "align open",
    "dfn": "",
    "div": "align",
    "dl": "",
    "dt": "",
    "em": "",
    "fieldset": "",
    "figcaption": "align",
    "figure": "align",
    "font": "color face size",
    "footer": "align",
    "h1": "align",
    "h2": "align",
    "h3": "align",
    "h4": "align",
    "h5": "align",
    "h6": "align",
    "header": "align",
    "hgroup": "align",
    "hr": "align noshade size width",
    "i": "",
    "img": "align alt border height hspace loading longdesc src usemap vspace width",
    "ins": "cite datetime",
    "kbd": "",
    "label": "for",
    "legend": "align",
    "li": "align value",
    "main": "align",
    "map": "name",
    "mark": "",
    "menu": "type",
    "nav": "align",
    "object": "data type",
    "ol": "reversed start type",
    "p": "align",
    "pre": "width",
    "q": "cite",
    "rb": "",
    "rp": "",
    "rt": "",
    "rtc": "",
    "ruby": "",
    "s": "",
    "samp": "",
    "section": "align",
    "small": "",
    "span": "align",
    "strike": "",
    "strong": "",
    "sub": "",
    "summary": "align",
    "sup": "",
    "table": "align bgcolor border cellpadding cellspacing rules summary width",
    "tbody": "align char charoff valign",
    "td": "abbr align axis bgcolor char charoff colspan headers height nowrap rowspan scope valign width",
    "textarea": "cols disabled name readonly rows",
    "tfoot": "align char charoff valign",
    "th": "abbr align axis bgcolor char charoff colspan headers height nowrap rowspan scope valign width",
    "thead": "align char charoff valign",
    "title": "",
    "tr": "align bgcolor char charoff valign",
    "track": "default kind label src srclang",
    "tt": "",
    "u": "",
    "ul": "type",
    "var": "",
    "video": "autoplay controls height loop muted playsinline poster preload src width",
}
ALLOWED_ATTRIBUTES = {tag: GLOBAL_ATTRIBUTES | frozenset(own.split()) for tag, own in _OWN_ATTRIBUTES.items()}

_ATTRIBUTE = (
    r"(?:[_a-zA-Z][-_a-zA-Z0-9:.]*|\[\[?[^\[\]]+\]\]?)"  # a name, or a shortcode in its place
    r"(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"']+(?:\s|$))|(?:\s|$))\s*"
)
ATTRIBUTES_VALID = re.compile(rf"(?:{_ATTRIBUTE})+\Z", re.ASCII)
ATTRIBUTE = re.compile(_ATTRIBUTE, re.ASCII)
ELEMENT = re.compile(r"(<\s*)(/\s*)?([a-zA-Z0-9]+\s*)([^>]*)(>?)\Z", re.ASCII)
XHTML_SLASH = re.compile(r"\s*/\s*\Z", re.ASCII)
DATA_ATTRIBUTE = re.compile(r"data(?:-[a-z0-9_]+)+\Z")
EQUALS = re.compile(r"\s*=\s*", re.ASCII)
WHITESPACE = " \t\n\r\x0b\x0c"


def parse_element(element: str) -> list[str] | None:
    """``wp_kses_attr_parse``: [front, attribute..., back] of a start tag, or None if it is not one."""
    match = ELEMENT.match(element)
    if match is None or match.group(2):
        return None
    attributes = match.group(4)
    slash = XHTML_SLASH.search(attributes)
    xhtml_slash = slash.group(0) if slash else ""
    if xhtml_slash:
        attributes = attributes[: -len(xhtml_slash)]
    if attributes and not ATTRIBUTES_VALID.match(attributes):
        return None
    parts = ATTRIBUTE.findall(attributes) if attributes else []
    return [match.group(1) + match.group(3), *parts, xhtml_slash + match.group(5)]


def _allowed(name: str, element: str) -> bool:
    allowed = ALLOWED_ATTRIBUTES.get(element.lower())
    if allowed is None:
        return False
    name = name.lower()
    return name in allowed or ("data-*" in allowed and DATA_ATTRIBUTE.match(name) is not None)


def filter_attribute(attribute: str, element: str) -> str:
    """``wp_kses_one_attr``: the attribute as kses lets it through in a post, or '' if it may not be."""
    attribute = CONTROL_CHARACTERS.sub("", attribute)
    body = attribute.lstrip(WHITESPACE)
    lead = attribute[: len(attribute) - len(body)]
    stripped = body.rstrip(WHITESPACE)
    trail = body[len(stripped) :]
    pieces = EQUALS.split(stripped, 1)
    name = pieces[0]
    if len(pieces) == 2:
        value = pieces[1]
        quote = value[:1]
        if quote in ('"', "'") and quote:
            if value[-1] != quote:
                return ""
            value = value[1:-1]
        else:
            quote = '"'
        value = escape_attribute(value)
        if name.lower() in URI_ATTRIBUTES:
            value = bad_protocol(value)
        stripped = f"{name}={quote}{value}{quote}"
    if not _allowed(name, element) or name.lower() == "style":  # style: CSS filtering not supported
        stripped = ""
    return lead + stripped + trail


KSES_SPLIT = re.compile(r"(<!--.*?(?:-->|$))|(<[^>]*(?:>|$)|>)")
KSES_TAG = re.compile(r"<\s*(/\s*)?([a-zA-Z0-9-]+)([^>]*)>?\Z")


def _kses_piece(match: re.Match[str]) -> str:
    """``wp_kses_split2`` for one tag (or stray ``>``) of a post's text; tags with attributes and comments
    are not filtered here."""
    piece = match.group(0).replace('\\"', '"')
    if not piece.startswith("<"):
        return "&gt;"
    if piece.startswith("<!--"):
        raise UnsupportedContentError("kses filtering of HTML comments (wp_kses_post) is not implemented")
    tag = KSES_TAG.match(piece)
    if tag is None or tag.group(2).lower() not in ALLOWED_ATTRIBUTES:
        return ""
    name = tag.group(2)
    if tag.group(1):
        return f"</{name}>"
    attributes = tag.group(3)
    slash = XHTML_SLASH.search(attributes)
    if attributes[: slash.start()] if slash else attributes.strip(WHITESPACE):
        raise UnsupportedContentError("kses filtering of HTML attributes (wp_kses_post) is not implemented")
    return f"<{name}{' /' if slash else ''}>"


def kses_post_text(text: str) -> str:
    """``wp_kses_post`` of text whose tags have no attributes (see the module's docstring)."""
    text = normalize_entities(CONTROL_CHARACTERS.sub("", text))
    return KSES_SPLIT.sub(_kses_piece, text) if "<" in text or ">" in text else text
