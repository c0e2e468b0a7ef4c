"""What WordPress 6.1 stores of an anonymous visitor's comment: the ``pre_comment_*`` filters of
``wp_filter_comment``, in their order, for a user without ``unfiltered_html``.

* ``pre_comment_content``: ``convert_invalid_entities`` and ``wp_targeted_link_rel`` (``rel="noopener"``
  on links with a target), ``wp_filter_kses`` (kses with ``$allowedtags``), all at priority 10;
  ``wp_rel_ugc`` at 15 (``rel="nofollow ugc"`` on links that leave the site); ``balanceTags`` at 50, which
  only balances when the site's ``use_balanceTags`` option is 1 (WordPress installs it as 0).
* ``pre_comment_author_name``: ``sanitize_text_field``, ``wp_filter_kses``, ``_wp_specialchars`` (30).
* ``pre_comment_author_email``: ``trim``, ``sanitize_email``, ``wp_filter_kses``.
* ``pre_comment_author_url``: ``wp_strip_all_tags``, ``sanitize_url``, ``wp_filter_kses``.

The filters see the fields slashed (``wp_handle_comment_submission`` slashes them for ``wp_new_comment``)
and ``wp_insert_comment`` unslashes what they return: the functions here take the visitor's text and
return the stored one. ``wp_handle_comment_submission`` trims the fields and strips the author's tags
before (``trim(strip_tags())``): that is the caller's part. A PHP fatal error on the way (see
``urls``) raises ``WordPressFatalError``: WordPress answers HTTP 500 and stores nothing.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from .balance_tags import force_balance_tags
from .kses_core import COMMENT_TAGS, hair, wp_kses
from .kses_php import esc_html, is_serialized, specialchars
from .php import addslashes, ascii_lower, has_invalid_utf8, php_trim, stripslashes
from .sanitize import sanitize_email
from .strip_tags import code_spans, strip_all_tags
from .urls import parse_url, sanitize_url, wp_parse_url

# Windows-1252 references (``&#128;``...``&#159;``) to the characters they mean there.
_WINDOWS_1252 = {
    128: "8364",
    129: "-",
    130: "8218",
    131: "402",
    132: "8222",
    133: "8230",
    134: "8224",
    135: "8225",
    136: "710",
    137: "8240",
    138: "352",
    139: "8249",
    140: "338",
    141: "-",
    142: "381",
    143: "-",
    144: "-",
    145: "8216",
    146: "8217",
    147: "8220",
    148: "8221",
    149: "8226",
    150: "8211",
    151: "8212",
    152: "732",
    153: "8482",
    154: "353",
    155: "8250",
    156: "339",
    157: "-",
    158: "382",
    159: "376",
}
_WINDOWS_REFERENCE = re.compile(r"&#(1(?:2[89]|[3-5][0-9]));")


def convert_invalid_entities(text: str) -> str:
    """``convert_invalid_entities``: Windows-1252 numeric references made Unicode ones (some removed)."""
    if "&#1" not in text:
        return text

    def unicode_reference(match: re.Match[str]) -> str:
        code = _WINDOWS_1252[int(match.group(1))]
        return "" if code == "-" else f"&#{code};"

    return _WINDOWS_REFERENCE.sub(unicode_reference, text)


def wp_filter_kses(slashed: str) -> str:
    """``wp_filter_kses``: kses with ``$allowedtags`` on slashed data."""
    return addslashes(wp_kses(stripslashes(slashed), COMMENT_TAGS))


UNESCAPED_QUOTE = re.compile(r"(?:^|[^\\])['\"]")
ESCAPED_QUOTE = re.compile(r"\\(['\"])")
QUOTE = re.compile(r"['\"]")
ASCII_SPACE = re.compile(r"[ \t\n\r\x0b\x0c]+")
LINK_START = re.compile(r"<a\s", re.IGNORECASE | re.ASCII)
TARGET_EQUALS = re.compile(r"target\s*=", re.IGNORECASE | re.ASCII)


def _targeted_links(text: str) -> str:
    """``preg_replace_callback('|<a\\s([^>]*target\\s*=[^>]*)>|i', ...)``: a link start, then ``target=``
    before the next ``>`` (searched once, not again from every ``<a``)."""
    targets = [match.start() for match in TARGET_EQUALS.finditer(text)]
    pieces: list[str] = []
    copied = position = 0
    while (start := LINK_START.search(text, position)) is not None:
        end = text.find(">", start.end())
        if end < 0:
            break
        first_target = bisect_left(targets, start.end())
        if first_target < len(targets) and targets[first_target] < end:
            pieces += [text[copied : start.start()], _targeted_link(text[start.end() : end])]
            copied = position = end + 1
        else:
            position = start.start() + 1
    return "".join(pieces) + text[copied:]


def _targeted_link(link: str) -> str:
    """``wp_targeted_link_rel_callback``: the link rewritten from its parsed attributes, with noopener."""
    original = link
    escaped = UNESCAPED_QUOTE.search(link) is None  # slashed: parse it unslashed, slash it back
    if escaped:
        link = ESCAPED_QUOTE.sub(r"\1", link)
    parsed = hair(link)
    if "target" not in parsed:
        return f"<a {original}>"
    attributes = {name: attribute.whole for name, attribute in parsed.items()}
    rel = "noopener"
    if "rel" in parsed:
        values = ASCII_SPACE.split(parsed["rel"].value + " " + rel)
        rel = " ".join(dict.fromkeys(value for value in values if value))
    attributes["rel"] = 'rel="' + esc_html(rel) + '"'
    link = " ".join(attributes.values())
    if escaped:
        link = QUOTE.sub(r"\\\g<0>", link)
    return f"<a {link}>"


def wp_targeted_link_rel(text: str) -> str:
    """``wp_targeted_link_rel``: ``rel="noopener"`` on links with a target, outside scripts and styles."""
    lowered = ascii_lower(text)
    if "target" not in lowered or "<a " not in lowered or is_serialized(text):
        return text
    pieces: list[str] = []
    position = 0
    for start, end in code_spans(text, with_start_tag=False):
        pieces += [_targeted_links(text[position:start]), text[start:end]]
        position = end
    pieces.append(_targeted_links(text[position:]))
    return "".join(pieces)


LINK = re.compile(r"<a (.+?)>", re.IGNORECASE | re.ASCII)
UGC = ("nofollow", "ugc")


def _lower_or_empty(value: str | None) -> str:
    return ascii_lower(value) if value else ""


def _ugc_link(match: re.Match[str], home_host: str) -> str:
    """``wp_rel_callback($matches, 'nofollow ugc')``: links to the site itself are left alone."""
    text = match.group(1)
    attributes = hair(text)
    if "href" in attributes:
        href = wp_parse_url(attributes["href"].value)
        http = href is not None and _lower_or_empty(href.scheme) in ("http", "https")
        if http and href is not None and _lower_or_empty(href.host) == home_host:
            return f"<a {text}>"
    rel = " ".join(UGC)
    if "rel" in attributes:
        parts = [php_trim(part) for part in attributes.pop("rel").value.split(" ")]
        rel = " ".join(dict.fromkeys([*parts, *UGC]))
        html = "".join(
            f"{name} " if attribute.valueless else f'{name}="{esc_html(attribute.value)}" '
            for name, attribute in attributes.items()
        )
        text = php_trim(html)
    return f'<a {text} rel="{esc_html(rel)}">'


def wp_rel_ugc(slashed: str, *, home_url: str) -> str:
    """``wp_rel_ugc``: ``rel="nofollow ugc"`` on the links of slashed text."""
    home = parse_url(home_url)
    home_host = _lower_or_empty(home.host if home else None)
    text = LINK.sub(lambda match: _ugc_link(match, home_host), stripslashes(slashed))
    return addslashes(text)


def pre_comment_content(slashed: str, *, home_url: str, use_balance_tags: bool = False) -> str:
    """``apply_filters('pre_comment_content', $slashed)`` for an anonymous visitor: slashed text in and
    out, as WordPress filters it (``wp_new_comment`` filters again what the database refused once).

    ``home_url``: the site's home (``home_url()``), whose links keep no ``rel``; ``use_balance_tags``: the
    ``use_balanceTags`` option is 1 (closes unclosed tags, see ``balance_tags``).
    """
    slashed = convert_invalid_entities(slashed)
    slashed = wp_filter_kses(wp_targeted_link_rel(slashed))
    slashed = wp_rel_ugc(slashed, home_url=home_url)
    return force_balance_tags(slashed) if use_balance_tags else slashed


def filter_comment_content(text: str, *, home_url: str, use_balance_tags: bool = False) -> str:
    """What ``pre_comment_content`` makes of an anonymous visitor's comment text (as stored)."""
    return stripslashes(pre_comment_content(addslashes(text), home_url=home_url, use_balance_tags=use_balance_tags))


LESS_THAN = re.compile(r"<[^>]*?(?:(?=<)|>|$)")
TEXT_SPACES = re.compile(r"[\r\n\t ]+")
OCTET = re.compile(r"%[a-f0-9]{2}", re.IGNORECASE | re.ASCII)
SPACE_RUN = re.compile(r" +")


def sanitize_text_field(text: str) -> str:
    """``sanitize_text_field``: no tags, no line breaks or runs of spaces, no percent-encoded octets; text
    that is not UTF-8 (``wp_check_invalid_utf8``) is emptied."""
    if has_invalid_utf8(text):
        return ""
    if "<" in text:
        text = LESS_THAN.sub(lambda m: m.group(0) if ">" in m.group(0) else esc_html(m.group(0)), text)
        text = strip_all_tags(text).replace("<\n", "&lt;\n")
    text = php_trim(TEXT_SPACES.sub(" ", text))
    found = False
    while octet := OCTET.search(text):
        text = text.replace(octet.group(0), "")
        found = True
    return php_trim(SPACE_RUN.sub(" ", text)) if found else text


def pre_comment_author_name(slashed: str) -> str:
    """``pre_comment_author_name``: ``sanitize_text_field``, ``wp_filter_kses``, ``_wp_specialchars`` (slashed)."""
    return specialchars(wp_filter_kses(sanitize_text_field(slashed)))


def pre_comment_author_email(slashed: str) -> str:
    """``pre_comment_author_email``: ``trim``, ``sanitize_email``, ``wp_filter_kses`` (slashed)."""
    return wp_filter_kses(sanitize_email(php_trim(slashed)))


def pre_comment_author_url(slashed: str) -> str:
    """``pre_comment_author_url``: ``wp_strip_all_tags``, ``sanitize_url``, ``wp_filter_kses`` (slashed)."""
    return wp_filter_kses(sanitize_url(strip_all_tags(slashed)))


def filter_comment_author(text: str) -> str:
    """What ``pre_comment_author_name`` makes of a visitor's name (as stored)."""
    return stripslashes(pre_comment_author_name(addslashes(text)))


def filter_comment_author_email(text: str) -> str:
    """What ``pre_comment_author_email`` makes of a visitor's email address (as stored)."""
    return stripslashes(pre_comment_author_email(addslashes(text)))


def filter_comment_author_url(text: str) -> str:
    """What ``pre_comment_author_url`` makes of a visitor's website (as stored)."""
    return stripslashes(pre_comment_author_url(addslashes(text)))
