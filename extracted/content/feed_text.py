"""The text filters WordPress 6.1 applies only in feeds, pure: ``ent2ncr``, ``wp_staticize_emoji`` (and
``wp_encode_emoji``), the oEmbed iframe's feed form, the content a feed's loop shows (``$more = 1``:
the whole first page, ``<!--more-->`` kept as a ``<span>``), the dates it writes and the decoding of
category names (``html_entity_decode``, for the entities WordPress's own names use).

``feed_entities.json`` holds WordPress's tables, taken from ``wp-includes/formatting.php`` by the installed
PHP (``_wp_emoji_list`` and ``ent2ncr``'s; ``tests/extracted/content/test_feed_text.py`` compares them).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, tzinfo
from functools import cache
from pathlib import Path

from extracted.formatting.excerpt import MORE_BLOCK_DELIMITER, MORE_TAG, first_page

__all__ = [
    "EMOJI_URL",
    "UndecodableError",
    "decode_category_name",
    "ent2ncr",
    "feed_content",
    "mysql_to_rfc822",
    "oembed_feed_content",
    "staticize_emoji",
    "wall_clock_exists",
]

TABLES = Path(__file__).with_name("feed_entities.json")
EMOJI_URL = "https://s.w.org/images/core/emoji/14.0.0/72x72/"
_HEX_ENTITY = re.compile(r"&#x([0-9a-f]+);")
#: ``preg_split('/(<.*>)/U', ...)``: a tag and what lies between tags (``.`` stops at newlines)
_TAGS = re.compile(r"(<.*?>)")
_IGNORED_OPENING = re.compile(r"^<(code|pre|style|script|textarea)>")
_OEMBED_IFRAME = (
    '<iframe class="wp-embedded-content" sandbox="allow-scripts" security="restricted" '
    'style="position: absolute; clip: rect(1px, 1px, 1px, 1px);"'
)
_OEMBED_IFRAME_FEED = '<iframe class="wp-embedded-content" sandbox="allow-scripts" security="restricted"'


class UndecodableError(ValueError):
    """Text whose ``html_entity_decode`` the service does not reproduce (it declines the feed)."""


@cache
def _tables() -> tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[str, str], ...]]:
    data = json.loads(TABLES.read_text(encoding="utf-8"))
    ncr = tuple((str(name), str(number)) for name, number in data["ent2ncr"])
    return tuple(data["entities"]), tuple(data["partials"]), ncr


def _decode_hex(entity: str) -> str:
    return _HEX_ENTITY.sub(lambda m: chr(int(m.group(1), 16)), entity)


def ent2ncr(text: str) -> str:
    """``ent2ncr``: named entities (and ``|``) as numeric ones, each replaced in WordPress's order."""
    if "&" not in text and "|" not in text:
        return text
    for name, number in _tables()[2]:
        if name in text:
            text = text.replace(name, number)
    return text


def encode_emoji(text: str) -> str:
    """``wp_encode_emoji``: every emoji (and emoji part) as its ``&#x...;`` entity, also inside tags."""
    for entity in _tables()[1]:
        character = _decode_hex(entity)
        if character in text:
            text = text.replace(character, entity)
    return text


def staticize_emoji(text: str) -> str:
    """``wp_staticize_emoji`` (the ``the_content_feed`` filter): emoji outside tags, ``code``, ``pre``...
    as WordPress's images; stray variation selectors dropped."""
    if "&#x" not in text:
        if text.isascii():
            return text
        encoded = encode_emoji(text)
        if encoded == text:
            return text
        text = encoded
    possible = {entity: _decode_hex(entity) for entity in _tables()[0] if entity in text}
    if not possible:
        return text
    output: list[str] = []
    ignoring = ""
    for piece in _TAGS.split(text):
        part = piece
        if not ignoring and (opening := _IGNORED_OPENING.match(part)):
            ignoring = opening.group(1)
        if not ignoring and part and part[0] != "<" and "&#x" in part:
            for entity, character in possible.items():
                if entity not in part:
                    continue
                file = entity.replace(";&#x", "-").replace("&#x", "").replace(";", "")
                image = (
                    f'<img src="{EMOJI_URL}{file}.png" alt="{character}" class="wp-smiley" '
                    'style="height: 1em; max-height: 1em;" />'
                )
                part = part.replace(entity, image)
        if ignoring and part == f"</{ignoring}>":
            ignoring = ""
        output.append(part)
    return "".join(output).replace("&#xfe0f;", "")


def oembed_feed_content(content: str) -> str:
    """``_oembed_filter_feed_content``: an embedded post's iframe without the style hiding it."""
    return content.replace(_OEMBED_IFRAME, _OEMBED_IFRAME_FEED)


def feed_content(post_id: int, raw: str) -> str:
    """``get_the_content()`` in a feed's loop (``$more = 1``, page 1): the first page, the teaser then
    ``<span id="more-N"></span>`` and the rest (no teaser with ``<!--noteaser-->``)."""
    content = first_page(raw)
    more = MORE_TAG.search(content)
    if more is None:
        return content
    if "<!-- wp:more" in content:
        content = MORE_BLOCK_DELIMITER.sub("", content)
    teaser, _, rest = content.partition(more.group(0))
    if "<!--noteaser-->" in raw:
        teaser = ""
    return f'{teaser}<span id="more-{post_id}"></span>{rest}'


def wall_clock_exists(moment: datetime, zone: tzinfo) -> bool:
    """Whether a naive date-time exists as such in ``zone`` (``date_create`` moves one in a DST gap)."""
    aware = moment.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == moment


def mysql_to_rfc822(value: str, *, suffix: str) -> str:
    """``mysql2date('D, d M Y H:i:s', $value)`` followed by ``suffix`` (`` +0000``, `` GMT``)."""
    moment = datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    return moment.strftime("%a, %d %b %Y %H:%M:%S") + suffix


_NAMED = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"'}
_ENTITY = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def decode_category_name(name: str) -> str:
    """``html_entity_decode($name, ENT_COMPAT, 'UTF-8')`` for the entities WordPress writes into term
    names (``&amp;``, ``&lt;``, ``&gt;``, ``&quot;``, numeric ones of printable characters); others raise
    :class:`UndecodableError`."""
    if "&" not in name:
        return name

    def decoded(match: re.Match[str]) -> str:
        entity = match.group(0)
        if entity in _NAMED:
            return _NAMED[entity]
        body = match.group(1)
        if not body.startswith("#"):
            raise UndecodableError(f"entity {entity}")
        number = int(body[2:], 16) if body[1:2] in ("x", "X") else int(body[1:])
        if number == 0x27 or not (0x20 <= number < 0x7F or 0xA0 <= number < 0xD800 or 0xE000 <= number < 0x110000):
            raise UndecodableError(f"entity {entity}")
        return chr(number)

    return _ENTITY.sub(decoded, name)
