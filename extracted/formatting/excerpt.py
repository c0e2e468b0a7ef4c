"""Excerpts: the teaser before ``<!--more-->``, tags stripped, cut to a number of words."""

from __future__ import annotations

import re

from .balance_tags import force_balance_tags
from .strip_tags import strip_all_tags

MORE_TAG = re.compile(r"<!--more(.*?)?-->")
MORE_BLOCK_DELIMITER = re.compile(r"<!-- /?wp:more(.*?) -->")
SCRIPT_OR_STYLE = re.compile(r"<(script|style)[^>]*?>.*?</\1>", re.IGNORECASE | re.DOTALL)
WORD_SEPARATOR = re.compile(r"[\n\r\t ]+")
PHP_TRIM = " \t\n\r\0\x0b"
NEXT_PAGE = "<!--nextpage-->"
EXCERPT_LENGTH = 55
EXCERPT_MORE = " [&hellip;]"


def first_page(content: str) -> str:
    """The first page of content split by ``<!--nextpage-->``."""
    if NEXT_PAGE not in content:
        return content
    for joined in (f"\n{NEXT_PAGE}\n", f"\n{NEXT_PAGE}", f"{NEXT_PAGE}\n"):
        content = content.replace(joined, NEXT_PAGE)
    content = content.replace("<!-- wp:nextpage -->", "").replace("<!-- /wp:nextpage -->", "")
    content = content.removeprefix(NEXT_PAGE)
    return content.split(NEXT_PAGE, 1)[0]


def teaser(content: str) -> str:
    """``get_the_content('', false, $post)`` outside a single view: the first page up to ``<!--more-->``."""
    content = first_page(content)
    more = MORE_TAG.search(content)
    if more is None:
        return content
    if "<!-- wp:more" in content:
        content = MORE_BLOCK_DELIMITER.sub("", content)
    parts = content.split(more.group(0), 1)
    return force_balance_tags(parts[0]) if len(parts) > 1 else parts[0]


def trim_words(text: str, words: int = EXCERPT_LENGTH, more: str = "&hellip;") -> str:
    """``wp_trim_words``: the first words of the text without tags, and ``more`` if there were others."""
    pieces = [piece for piece in WORD_SEPARATOR.split(strip_all_tags(text)) if piece]
    if len(pieces) > words:
        return " ".join(pieces[:words]) + more
    return " ".join(pieces)
