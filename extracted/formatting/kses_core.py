"""``wp_kses``: WordPress 6.1's HTML filter, for any list of allowed tags.

The text loses its control characters, its ampersands that start no valid entity are escaped, the
``pre_kses`` hooks run (a ``<`` that opens no tag is escaped; block attributes are filtered, see
``kses_blocks``), then every tag, comment and stray ``>`` is replaced by what kses makes of it: a tag
that is not allowed goes, an allowed one keeps only its allowed attributes (the first of duplicates,
values quoted, URLs with allowed schemes only), a comment keeps its filtered text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from .html import normalize_entities
from .kses_blocks import filter_block_content
from .kses_php import esc_html
from .php import ascii_lower, byte_length
from .safecss import safecss_filter_attr
from .urls import ALLOWED_PROTOCOLS, bad_protocol, no_null

#: an element's allowed attributes: True, or the checks its value must pass ("maxlen", "values"...)
AllowedAttributes = Mapping[str, object]
AllowedHtml = Mapping[str, AllowedAttributes]

#: ``$allowedtags``: what a visitor without ``unfiltered_html`` may write in a comment (kses's default).
COMMENT_TAGS: AllowedHtml = {
    "a": {"href": True, "title": True},
    "abbr": {"title": True},
    "acronym": {"title": True},
    "b": {},
    "blockquote": {"cite": True},
    "cite": {},
    "code": {},
    "del": {"datetime": True},
    "em": {},
    "i": {},
    "q": {"cite": True},
    "s": {},
    "strike": {},
    "strong": {},
}
URI_ATTRIBUTES = frozenset(
    (
        "action",
        "archive",
        "background",
        "cite",
        "classid",
        "codebase",
        "data",
        "formaction",
        "href",
        "icon",
        "longdesc",
        "manifest",
        "poster",
        "profile",
        "src",
        "usemap",
        "xmlns",
    )
)

SPLIT = re.compile(r"(<!--.*?(?:-->|$))|(<[^>]*(?:>|$)|>)")
LESS_THAN = re.compile(r"<[^>]*?(?:(?=<)|>|$)")
ELEMENT = re.compile(r"<\s*(/\s*)?([a-zA-Z0-9-]+)([^>]*)>?$", re.ASCII)
XHTML_SLASH = re.compile(r"\s*/\s*$", re.ASCII)
ANGLE_BRACKETS = re.compile(r"[<>]")
DASHES = re.compile(r"--+")
LAST_DASH = re.compile(r"-$")
DATA_ATTRIBUTE = re.compile(r"data(?:-[a-z0-9_]+)+$")
ATTRIBUTE_NAME = re.compile(r"[_a-zA-Z][-_a-zA-Z0-9:.]*")
EQUALS = re.compile(r"\s*=\s*", re.ASCII)
SPACES = re.compile(r"\s+", re.ASCII)
# A value: its pattern, then what is removed once it matched (the removal does not take a final "/").
VALUES = (
    (re.compile(r'"([^"]*)"(?:\s+|/?$)', re.ASCII), re.compile(r'"[^"]*"(?:\s+|$)', re.ASCII), '"'),
    (re.compile(r"'([^']*)'(?:\s+|/?$)", re.ASCII), re.compile(r"'[^']*'(?:\s+|$)", re.ASCII), "'"),
    (re.compile(r"([^\s\"']+)(?:\s+|/?$)", re.ASCII), re.compile(r"[^\s\"']+(?:\s+|$)", re.ASCII), ""),
)
GARBAGE = re.compile(r"""(?:"[^"]*(?:"|$)|'[^']*(?:'|$)|\S)*\s*""", re.ASCII)
INTEGER_CHECK = re.compile(r"\s{0,6}[0-9]{1,6}\s{0,6}$", re.ASCII)


@dataclass(frozen=True)
class Attribute:
    """One attribute as ``wp_kses_hair`` parses it; ``whole`` is how kses writes it back."""

    name: str
    value: str
    whole: str
    valueless: bool


def _skip(attributes: str, removal: re.Pattern[str]) -> str:
    match = removal.match(attributes)
    return attributes[match.end() :] if match else attributes


# PHP's regex JIT has a 192 KB stack: each repetition of the garbage pattern takes 32 bytes per byte of
# unquoted text and 72 per quoted string; past this (measured) the match fails and kses stops parsing.
JIT_STACK_BUDGET = 196576
_GARBAGE_TOKENS = re.compile(r""""[^"]*"?|'[^']*'?|[^\s"']+""", re.ASCII)


def _jit_stack_cost(garbage: str) -> int:
    cost = 0
    for token in _GARBAGE_TOKENS.findall(garbage):
        cost += 72 if token[0] in "\"'" else 32 * byte_length(token)
    return cost


def _skip_garbage(attributes: str) -> str | None:
    """``wp_kses_html_error``: up to the next space, quoted strings whole; None where PHP's match fails."""
    match = GARBAGE.match(attributes)
    end = match.end() if match else 0
    if end * 128 + 72 > JIT_STACK_BUDGET and _jit_stack_cost(attributes[:end]) > JIT_STACK_BUDGET:
        return None
    return attributes[end:]


def hair(attributes: str, protocols: tuple[str, ...] = ALLOWED_PROTOCOLS) -> dict[str, Attribute]:
    """``wp_kses_hair``: the attributes by name (case kept; the first of duplicates wins). What is not
    well formed is skipped up to the next space (quoted strings whole)."""
    found: dict[str, Attribute] = {}
    name = ""
    expecting = "name"
    while attributes:
        if expecting == "name":
            match = ATTRIBUTE_NAME.match(attributes)
            if match:
                name, expecting = match.group(0), "equals"
                attributes = attributes[match.end() :]
                continue
        elif expecting == "equals":
            match = EQUALS.match(attributes)
            if match:
                expecting, attributes = "value", attributes[match.end() :]
                continue
            match = SPACES.match(attributes)
            if match:
                found.setdefault(name, Attribute(name, "", name, True))
                expecting, attributes = "name", attributes[match.end() :]
                continue
        else:
            for pattern, removal, quote in VALUES:
                match = pattern.match(attributes)
                if match:
                    value = match.group(1)
                    if ascii_lower(name) in URI_ATTRIBUTES:
                        value = bad_protocol(value, protocols)
                    written_quote = quote or '"'  # an unquoted value is written double-quoted
                    whole = name + "=" + written_quote + value + written_quote
                    found.setdefault(name, Attribute(name, value, whole, False))
                    expecting, attributes = "name", _skip(attributes, removal)
                    break
            else:
                skipped = _skip_garbage(attributes)
                if skipped is None:
                    return found
                attributes, expecting = skipped, "name"
            continue
        skipped = _skip_garbage(attributes)  # not well formed: skip it
        if skipped is None:
            return found
        attributes, expecting = skipped, "name"
    if expecting == "equals":  # the list ends with a valueless attribute
        found.setdefault(name, Attribute(name, "", name, True))
    return found


def _number(value: str) -> float:
    """A string compared with a number (PHP 8): its leading number."""
    match = re.match(r"\s*[0-9]+", value, re.ASCII)
    return float(match.group(0)) if match else 0.0


def _value_passes(value: str, valueless: bool, check: str, limit: object) -> bool:
    """``wp_kses_check_attr_val``."""
    check = ascii_lower(check)
    if check in ("maxlen", "minlen"):
        length = byte_length(value)
        return length <= limit if check == "maxlen" else length >= limit  # type: ignore[operator]
    if check in ("maxval", "minval"):
        if not INTEGER_CHECK.match(value):
            return False
        number = _number(value)
        return number <= limit if check == "maxval" else number >= limit  # type: ignore[operator]
    if check == "valueless":
        return ascii_lower(str(limit)) == ("y" if valueless else "n")
    if check == "values":
        return ascii_lower(value) in limit  # type: ignore[operator]
    if check == "value_callback":
        return bool(limit(value))  # type: ignore[operator]
    return True


def attribute_allowed(attribute: Attribute, element: str, allowed_html: AllowedHtml) -> tuple[bool, str]:
    """``wp_kses_attr_check``: whether the attribute stays, and how it is written (style filtered)."""
    allowed = allowed_html.get(ascii_lower(element))
    if allowed is None:
        return False, ""
    name = ascii_lower(attribute.name)
    rules = allowed.get(name)
    if rules is None or rules == "":
        data_rules = allowed.get("data-*")
        if not (name.startswith("data-") and data_rules and DATA_ATTRIBUTE.match(name)):
            return False, ""
        rules = data_rules
    whole, value = attribute.whole, attribute.value
    if name == "style":
        filtered = safecss_filter_attr(value)
        if filtered in ("", "0"):
            return False, ""
        whole, value = whole.replace(value, filtered), filtered
    if isinstance(rules, Mapping):
        for check, limit in rules.items():
            if not _value_passes(value, attribute.valueless, str(check), limit):
                return False, ""
    return True, whole


def _required(rules: object) -> bool:
    return isinstance(rules, Mapping) and rules.get("required") is True


def filter_attributes(element: str, attributes: str, allowed_html: AllowedHtml, protocols: tuple[str, ...]) -> str:
    """``wp_kses_attr``: the start tag with its allowed attributes only."""
    xhtml_slash = " /" if XHTML_SLASH.search(attributes) else ""
    allowed = allowed_html[ascii_lower(element)]
    if not allowed:
        return f"<{element}{xhtml_slash}>"
    required = {name for name, rules in allowed.items() if _required(rules)}
    stripped_tag = "" if xhtml_slash else f"<{element}>"  # what is left when a required attribute fails
    kept = ""
    for attribute in hair(attributes, protocols).values():
        is_required = ascii_lower(attribute.name) in required
        ok, whole = attribute_allowed(attribute, element, allowed_html)
        if ok:
            kept += " " + whole
            required.discard(ascii_lower(attribute.name))
        elif is_required:
            return stripped_tag
    if required:
        return stripped_tag
    return f"<{element}{ANGLE_BRACKETS.sub('', kept)}{xhtml_slash}>"


@dataclass(frozen=True)
class _Kses:
    allowed_html: AllowedHtml
    protocols: tuple[str, ...]
    filter_blocks: bool

    def run(self, text: str) -> str:
        text = normalize_entities(no_null(text, keep_slash_zero=True))
        # pre_kses: wp_pre_kses_less_than, then wp_pre_kses_block_attributes (not while it runs itself)
        if "<" in text:
            text = LESS_THAN.sub(_escape_lone_less_than, text)
            if self.filter_blocks and "<!--" in text:
                text = filter_block_content(text, self.inner_kses, self.allowed_html)
        return SPLIT.sub(self.piece, text) if "<" in text or ">" in text else text

    def inner_kses(self, text: str) -> str:
        return _Kses(self.allowed_html, self.protocols, filter_blocks=False).run(text)

    def piece(self, match: re.Match[str]) -> str:
        """``wp_kses_split2``: what one tag, comment or stray ``>`` becomes."""
        piece = match.group(0).replace('\\"', '"')
        if not piece.startswith("<"):
            return "&gt;"
        if piece.startswith("<!--"):
            comment = piece.replace("<!--", "").replace("-->", "")
            while (filtered := self.run(comment)) != comment:
                comment = filtered
            if comment == "":
                return ""
            return f"<!--{LAST_DASH.sub('', DASHES.sub('-', comment))}-->"
        element = ELEMENT.match(piece)
        if element is None:
            return ""  # seriously malformed
        closing, name, attributes = element.groups()
        if ascii_lower(name) not in self.allowed_html:
            return ""
        if closing:
            return f"</{name}>"
        return filter_attributes(name, attributes, self.allowed_html, self.protocols)


def _escape_lone_less_than(match: re.Match[str]) -> str:
    """``wp_pre_kses_less_than``: a ``<`` whose tag never closes is text."""
    return match.group(0) if ">" in match.group(0) else esc_html(match.group(0))


def wp_kses(
    text: str,
    allowed_html: AllowedHtml = COMMENT_TAGS,
    allowed_protocols: tuple[str, ...] = ALLOWED_PROTOCOLS,
) -> str:
    """``wp_kses($text, $allowed_html, $allowed_protocols)`` with WordPress's default ``pre_kses`` hooks;
    ``allowed_html`` as kses wants it (lowercase names). Default: ``$allowedtags``, what comments allow."""
    return _Kses(allowed_html, allowed_protocols or ALLOWED_PROTOCOLS, filter_blocks=True).run(text)
