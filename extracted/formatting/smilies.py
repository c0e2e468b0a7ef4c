"""Text smilies such as ``:)`` turned into emoji, or into WordPress's images for the few without one."""

from __future__ import annotations

import re
from itertools import groupby

from .html import escape_attribute, escape_url
from .texturize import SPACE

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


def _search_pattern() -> re.Pattern[str]:
    # Alternatives in reverse order so that a longer smiley wins over its prefix, grouped by first character.
    ordered = sorted(SMILIES, reverse=True)
    groups = [
        re.escape(first) + "(?:" + "|".join(re.escape(s[1:]) for s in members) + ")"
        for first, members in groupby(ordered, key=lambda s: s[0])
    ]
    before = r"(?:^|(?<=[\r\n\t ])|(?<=\xa0)|(?<=&nbsp;))"
    after = rf"(?=$|{SPACE})"
    return re.compile("|".join(before + group + after for group in groups), re.MULTILINE)


SMILEY = _search_pattern()
SMILEY_CHARACTERS = re.compile("[" + re.escape("".join({s[0] for s in SMILIES})) + "]")
TAG = re.compile(r"(<.*?>)")
IGNORED_ELEMENT_START = re.compile(r"<(code|pre|style|script|textarea)[^>]*>")


def convert_smilies(text: str, site_url: str) -> str:
    """WordPress's ``convert_smilies`` (when the site's ``use_smilies`` option is on)."""

    def translate(match: re.Match[str]) -> str:
        smiley = match.group(0).strip(" \t\n\r\0\x0b")
        replacement = SMILIES[smiley]
        if not replacement.lower().endswith(IMAGE_EXTENSIONS):
            return replacement
        source = escape_url(f"{site_url}/wp-includes/images/smilies/{replacement}")
        return (
            f'<img src="{source}" alt="{escape_attribute(smiley)}" class="wp-smiley" '
            'style="height: 1em; max-height: 1em;" />'
        )

    if not SMILEY_CHARACTERS.search(text):
        return text
    parts = TAG.split(text)
    ignored = ""
    for index, part in enumerate(parts):
        if not ignored:
            start = IGNORED_ELEMENT_START.match(part)
            if start:
                ignored = start.group(1)
        if not ignored and part and part[0] != "<" and SMILEY_CHARACTERS.search(part):
            parts[index] = SMILEY.sub(translate, part)
        if ignored and part == f"</{ignored}>":
            ignored = ""
    return "".join(parts)
