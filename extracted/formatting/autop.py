"""Paragraphs from blank lines: WordPress's ``wpautop`` and ``shortcode_unautop``.

Double newlines become paragraphs, single newlines ``<br />``, except around block-level elements, inside
``<pre>`` (kept aside), and inside tags (newlines in attributes are preserved).
"""

from __future__ import annotations

import re
from operator import itemgetter

from .html import split_html
from .patterns import prefix_tree
from .shortcodes import REGISTERED_SHORTCODES
from .texturize import SPACE

BLOCK_ELEMENTS = [
    *("table", "thead", "tfoot", "caption", "col", "colgroup", "tbody", "tr", "td", "th", "div", "dl", "dd", "dt"),
    *("ul", "ol", "li", "pre", "form", "map", "area", "blockquote", "address", "math", "style", "p", "h1", "h2"),
    *("h3", "h4", "h5", "h6", "hr", "fieldset", "legend", "section", "article", "aside", "hgroup", "header"),
    *("footer", "nav", "figure", "figcaption", "details", "menu", "summary"),
]


# Every use is followed by a delimiter or "[^>]*>" (see prefix_tree).
BLOCK = f"(?:{prefix_tree(BLOCK_ELEMENTS)})"
_A = re.ASCII

DOUBLE_BR = re.compile(r"<br\s*/?>\s*<br\s*/?>", _A)
# The "<" of a block-level opening tag (a blank line goes before it).
BLOCK_OPENING = re.compile(rf"<(?={BLOCK}[\s/>])", _A)
AFTER_BLOCK_END = re.compile(rf"</{BLOCK}>", _A)
AFTER_HR = re.compile(r"<hr\s*?/?>", _A)
OPTION_BEFORE = re.compile(r"\s*<option", _A)
OPTION_AFTER = re.compile(r"</option>\s*", _A)
OBJECT_OPEN = re.compile(r"(<object[^>]*>)\s*", _A)
OBJECT_CLOSE = re.compile(r"\s*</object>", _A)
OBJECT_PARAM = re.compile(r"\s*(</?(?:param|embed)[^>]*>)\s*", _A)
MEDIA_OPEN = re.compile(r"([<\[](?:audio|video)[^>\]]*[>\]])\s*", _A)
MEDIA_CLOSE = re.compile(r"\s*([<\[]/(?:audio|video)[>\]])", _A)
MEDIA_SOURCE = re.compile(r"\s*(<(?:source|track)[^>]*>)\s*", _A)
FIGCAPTION_OPEN = re.compile(r"\s*(<figcaption[^>]*>)", _A)
FIGCAPTION_CLOSE = re.compile(r"</figcaption>\s*", _A)
MANY_NEWLINES = re.compile(r"\n\n+")
PARAGRAPH_BREAK = re.compile(r"\n\s*\n", _A)
EMPTY_PARAGRAPH = re.compile(r"<p>\s*</p>", _A)
UNCLOSED_IN_CONTAINER = re.compile(r"<p>([^<]+)</(div|address|form)>")
WRAPPED_BLOCK_TAG = re.compile(rf"<p>\s*(</?{BLOCK}[^>]*>)\s*</p>", _A)
WRAPPED_LIST_ITEM = re.compile(r"<p>(<li.+?)</p>")
WRAPPED_BLOCKQUOTE = re.compile(r"<p><blockquote([^>]*)>", re.IGNORECASE)
P_BEFORE_BLOCK_TAG = re.compile(rf"<p>\s*(</?{BLOCK}[^>]*>)", _A)
END_P_AFTER_BLOCK_TAG = re.compile(rf"(</?{BLOCK}[^>]*>)\s*</p>", _A)
NEWLINE_KEEPERS = re.compile(r"<(script|style|svg).*?</\1>", re.DOTALL)
# A run of spaces up to its last newline, not right after a "<br />": "(?<!<br />)\s*\n" spelled with a
# space first (and a lookbehind over it), which the regex engine scans for instead of trying every position.
NEWLINE_TO_BR = re.compile(r"\s(?<!<br />\s)(?:\s*\n|(?<=\n))", _A)
BR_AFTER_BLOCK_TAG = re.compile(rf"(</?{BLOCK}[^>]*>)\s*<br />", _A)
BR_BEFORE_BLOCK_TAG = re.compile(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", _A)
FINAL_NEWLINE_IN_P = re.compile(r"\n</p>$")
NEWLINE_IN_TAG = re.compile(r"<[^>\n]*\n")

PHP_TRIM = " \t\n\r\0\x0b"
# Replacements as functions of the match: re expands a template such as r"\1" in Python for every match.
_GROUP_1 = itemgetter(1)


def _then_blank_line(match: re.Match[str]) -> str:
    return match[0] + "\n\n"


NEWLINE_PLACEHOLDER = " <!-- wpnl --> "
PRESERVED_NEWLINE = "<WPPreserveNewline />"


def _set_pre_aside(text: str) -> tuple[str, dict[str, str]]:
    """Replace each ``<pre>...</pre>`` by a placeholder so that nothing inside it changes."""
    parts = text.split("</pre>")
    last = parts.pop()
    kept: dict[str, str] = {}
    rebuilt: list[str] = []
    for part in parts:
        start = part.find("<pre")
        if start < 0:  # malformed HTML: a closing tag without an opening one
            rebuilt.append(part)
            continue
        name = f"<pre wp-pre-tag-{len(kept)}></pre>"
        kept[name] = part[start:] + "</pre>"
        rebuilt.append(part[:start] + name)
    rebuilt.append(last)
    return "".join(rebuilt), kept


def _newlines_in_tags(text: str) -> str:
    if not NEWLINE_IN_TAG.search(text) and "<!" not in text:
        return text  # (comments and CDATA sections may hold a ">" before a newline)
    parts = split_html(text)
    parts[1::2] = [tag.replace("\n", NEWLINE_PLACEHOLDER) for tag in parts[1::2]]
    return "".join(parts)


def _collapse_around_embedded(text: str) -> str:
    if "<option" in text:
        text = OPTION_AFTER.sub("</option>", OPTION_BEFORE.sub("<option", text))
    if "</object>" in text:
        text = OBJECT_PARAM.sub(_GROUP_1, OBJECT_CLOSE.sub("</object>", OBJECT_OPEN.sub(_GROUP_1, text)))
    if "<source" in text or "<track" in text:
        text = MEDIA_SOURCE.sub(_GROUP_1, MEDIA_CLOSE.sub(_GROUP_1, MEDIA_OPEN.sub(_GROUP_1, text)))
    if "<figcaption" in text:
        text = FIGCAPTION_CLOSE.sub("</figcaption>", FIGCAPTION_OPEN.sub(_GROUP_1, text))
    return text


def _paragraphs(text: str) -> str:
    pieces = [piece for piece in PARAGRAPH_BREAK.split(text) if piece]
    return "".join(f"<p>{piece.strip(chr(10))}</p>\n" for piece in pieces)


def _line_breaks(text: str) -> str:
    if "<s" in text:  # script, style, svg
        text = NEWLINE_KEEPERS.sub(lambda m: m.group(0).replace("\n", PRESERVED_NEWLINE), text)
    text = text.replace("<br>", "<br />").replace("<br/>", "<br />")
    text = NEWLINE_TO_BR.sub("<br />\n", text)
    return text.replace(PRESERVED_NEWLINE, "\n")


def wpautop(text: str, br: bool = True) -> str:
    """WordPress's ``wpautop``: wrap text blocks separated by blank lines in ``<p>``."""
    if not text.strip(PHP_TRIM):
        return ""
    text += "\n"
    kept: dict[str, str] = {}
    if "<pre" in text:
        text, kept = _set_pre_aside(text)
    if "<br" in text:
        text = DOUBLE_BR.sub("\n\n", text)
    text = BLOCK_OPENING.sub("\n\n<", text)
    text = AFTER_BLOCK_END.sub(_then_blank_line, text)
    text = AFTER_HR.sub(_then_blank_line, text) if "<hr" in text else text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _newlines_in_tags(text)
    text = _collapse_around_embedded(text)
    text = MANY_NEWLINES.sub("\n\n", text)
    text = _paragraphs(text)
    text = EMPTY_PARAGRAPH.sub("", text)
    if "</div>" in text or "</address>" in text or "</form>" in text:
        text = UNCLOSED_IN_CONTAINER.sub(r"<p>\1</p></\2>", text)
    text = WRAPPED_BLOCK_TAG.sub(_GROUP_1, text)
    text = WRAPPED_LIST_ITEM.sub(_GROUP_1, text) if "<p><li" in text else text
    if "<p><" in text or "<P><" in text:
        text = WRAPPED_BLOCKQUOTE.sub(r"<blockquote\1><p>", text)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = P_BEFORE_BLOCK_TAG.sub(_GROUP_1, text)
    text = END_P_AFTER_BLOCK_TAG.sub(_GROUP_1, text)
    if br:
        text = _line_breaks(text)
    text = BR_AFTER_BLOCK_TAG.sub(_GROUP_1, text) if "<br />" in text else text
    text = BR_BEFORE_BLOCK_TAG.sub(_GROUP_1, text) if "<br />" in text else text
    text = FINAL_NEWLINE_IN_P.sub("</p>", text)
    for name, pre in kept.items():
        text = text.replace(name, pre)
    if "<!-- wpnl -->" in text:
        text = text.replace(NEWLINE_PLACEHOLDER, "\n").replace("<!-- wpnl -->", "\n")
    return text


_SHORTCODE_ALONE = re.compile(
    rf"<p>(?:{SPACE})*+"
    r"(\[(" + "|".join(map(re.escape, REGISTERED_SHORTCODES)) + r")(?![\w-])"
    r"[^\]/]*(?:/(?!\])[^\]/]*)*?"
    r"(?:/\]|\](?:[^\[]*+(?:\[(?!/\2\])[^\[]*+)*+\[/\2\])?))"
    rf"(?:{SPACE})*+</p>",
    re.ASCII,
)


def shortcode_unautop(text: str) -> str:
    """Unwrap a paragraph that holds nothing but a shortcode."""
    return _SHORTCODE_ALONE.sub(_GROUP_1, text) if "[" in text else text
