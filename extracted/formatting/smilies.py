"""Text smilies such as ``:)`` turned into emoji, or into WordPress's images for the few without one."""

from __future__ import annotations

import re

from .html import escape_attribute
from .patterns import at_start_or_after, prefix_tree
from .texturize import SPACE, SPACES
from .urls import esc_url

SMILIES: dict[str, str] = {
    ":mrgreen:": "mrgreen.png",
    ":neutral:": "\U0001f610",
    ":twisted:": "\U0001f608",
    ":arrow:": "\u27a1",
    ":shock:": "\U0001f62f",
    ":smile:": "\U0001f642",
    ":???:": "\U0001f615",
    ":cool:": "\U0001f60e",
    ":evil:": "\U0001f47f",
    ":grin:": "\U0001f600",
    ":idea:": "\U0001f4a1",
    ":oops:": "\U0001f633",
    ":razz:": "\U0001f61b",
    ":roll:": "\U0001f644",
    ":wink:": "\U0001f609",
    ":cry:": "\U0001f625",
    ":eek:": "\U0001f62e",
    ":lol:": "\U0001f606",
    ":mad:": "\U0001f621",
    ":sad:": "\U0001f641",
    "8-)": "\U0001f60e",
    "8-O": "\U0001f62f",
    ":-(": "\U0001f641",
    ":-)": "\U0001f642",
    ":-?": "\U0001f615",
    ":-D": "\U0001f600",
    ":-P": "\U0001f61b",
    ":-o": "\U0001f62e",
    ":-x": "\U0001f621",
    ":-|": "\U0001f610",
    ";-)": "\U0001f609",
    "8O": "\U0001f62f",
    ":(": "\U0001f641",
    ":)": "\U0001f642",
    ":?": "\U0001f615",
    ":D": "\U0001f600",
    ":P": "\U0001f61b",
    ":o": "\U0001f62e",
    ":x": "\U0001f621",
    ":|": "\U0001f610",
    ";)": "\U0001f609",
    ":!:": "\u2757",
    ":?:": "\u2753",
}
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".jpe", ".gif", ".png", ".webp")


# Longer smilies first, so that one wins over its prefix (":-)" over ":-"; WordPress sorts them in reverse).
_BY_PRECEDENCE = sorted(SMILIES, reverse=True)
_AFTER = rf"(?=$|{SPACE})"


# A smiley at the start of a line (of a piece of text between tags) or after a space, before a space or the end.
SMILEY = re.compile(
    "(?:" + "|".join(at_start_or_after(smiley, *SPACES) for smiley in _BY_PRECEDENCE) + ")" + _AFTER,
    re.MULTILINE | re.DOTALL,
)
# Where SMILEY may match in a piece of text between tags, seen in the whole text (a piece ends before a tag).
SMILEY_CANDIDATE = re.compile(f"(?:{prefix_tree(_BY_PRECEDENCE)})(?=$|<|{SPACE})", re.MULTILINE)
TAG = re.compile(r"(<.*?>)")
IGNORED_ELEMENT_START = re.compile(r"<(code|pre|style|script|textarea)[^>]*>")


def convert_smilies(text: str, site_url: str) -> str:
    """WordPress's ``convert_smilies`` (when the site's ``use_smilies`` option is on)."""

    def translate(match: re.Match[str]) -> str:
        smiley = match.group(0).strip(" \t\n\r\0\x0b")
        replacement = SMILIES[smiley]
        if not replacement.lower().endswith(IMAGE_EXTENSIONS):
            return replacement
        source = esc_url(f"{site_url}/wp-includes/images/smilies/{replacement}")
        return (
            f'<img src="{source}" alt="{escape_attribute(smiley)}" class="wp-smiley" '
            'style="height: 1em; max-height: 1em;" />'
        )

    if not SMILEY_CANDIDATE.search(text):
        return text
    parts = TAG.split(text)
    ignored = ""
    for index, part in enumerate(parts):
        if not ignored:
            start = IGNORED_ELEMENT_START.match(part)
            if start:
                ignored = start.group(1)
        if not ignored and part and part[0] != "<" and SMILEY_CANDIDATE.search(part):
            parts[index] = SMILEY.sub(translate, part)
        if ignored and part == f"</{ignored}>":
            ignored = ""
    return "".join(parts)
