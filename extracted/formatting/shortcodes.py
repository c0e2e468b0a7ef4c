"""The shortcode syntax: finding ``[tag attr="value"]content[/tag]``, parsing attributes, replacing or removing.

Which shortcodes exist and what they render is not decided here: ``do_shortcode`` takes the handlers.
``[[tag]]`` is an escaped shortcode and comes out as ``[tag]``. Brackets inside HTML tags are protected
as ``&#91;``/``&#93;`` while shortcodes are replaced, then restored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from .html import split_html
from .kses import filter_attribute, parse_element

# The shortcodes a stock WordPress registers, in registration order (it is the order of regex alternatives).
REGISTERED_SHORTCODES = ("embed", "wp_caption", "caption", "gallery", "playlist", "audio", "video")

Attributes = dict[str | int, str]
ShortcodeHandler = Callable[[Attributes, "str | None", str], str]

TAG_CANDIDATE = re.compile(r"\[([^<>&/\[\]\x00-\x20=]++)")
ATTRIBUTE = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"(?:\s|$)|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)|([\w-]+)\s*=\s*([^\s'"]+)(?:\s|$)"""
    r"""|"([^"]*)"(?:\s|$)|'([^']*)'(?:\s|$)|(\S+)(?:\s|$)""",
    re.ASCII,
)
INVISIBLE_SPACES = re.compile("[\u00a0\u200b]+")
BALANCED_TAGS_VALUE = re.compile(r"[^<]*+(?:<[^>]*+>[^<]*+)*+\Z")
C_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{1,2}|[0-7]{1,3}|.)", re.DOTALL)
_C_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "v": "\v", "b": "\b", "f": "\f"}


def _regex(tagnames: Iterable[str]) -> re.Pattern[str]:
    alternatives = "|".join(map(re.escape, tagnames))
    return re.compile(
        r"\[(\[?)(" + alternatives + r")(?![\w-])"  # [[ escapes; the name, not followed by a name character
        r"([^\]/]*(?:/(?!\])[^\]/]*)*?)"  # the attributes
        r"(?:(/)\]|\](?:([^\[]*+(?:\[(?!/\2\])[^\[]*+)*+)\[/\2\])?)"  # self-closing, or content and closing tag
        r"(\]?)",
        re.ASCII,
    )


_REGEX_CACHE: dict[tuple[str, ...], re.Pattern[str]] = {}


def shortcode_regex(tagnames: tuple[str, ...]) -> re.Pattern[str]:
    """The shortcode pattern for these names (built once per set of names)."""
    pattern = _REGEX_CACHE.get(tagnames)
    if pattern is None:
        pattern = _REGEX_CACHE[tagnames] = _regex(tagnames)
    return pattern


def _unescape_c(match: re.Match[str]) -> str:
    escape = match.group(1)
    if escape[0] == "x" and len(escape) > 1:
        return chr(int(escape[1:], 16))
    if escape[0] in "01234567":
        return chr(int(escape, 8) & 0xFF)
    return _C_ESCAPES.get(escape, escape)


def strip_c_slashes(text: str) -> str:
    """PHP's ``stripcslashes``: C escapes (\\n, \\x41, \\101) decoded, other backslashes dropped."""
    return C_ESCAPE.sub(_unescape_c, text) if "\\" in text else text


def parse_attributes(text: str) -> Attributes:
    """Attributes of a shortcode: named ones lowercased, bare values numbered in order."""
    text = INVISIBLE_SPACES.sub(" ", text)
    attributes: Attributes = {}
    position = 0
    matched = False
    for match in ATTRIBUTE.finditer(text):
        matched = True
        groups = match.groups()
        if groups[0]:
            attributes[groups[0].lower()] = strip_c_slashes(groups[1])
        elif groups[2]:
            attributes[groups[2].lower()] = strip_c_slashes(groups[3])
        elif groups[4]:
            attributes[groups[4].lower()] = strip_c_slashes(groups[5])
        else:
            value = next((g for g in groups[6:] if g is not None), "")
            attributes[position] = strip_c_slashes(value)
            position += 1
    if not matched:
        # WordPress passes the blank text itself, not an array: no attributes.
        return {}
    for key, value in attributes.items():
        # A value with a broken tag in it could break out of an attribute: drop it.
        if "<" in value and not BALANCED_TAGS_VALUE.match(value):
            attributes[key] = ""
    return attributes


def found_tagnames(content: str, registered: Iterable[str]) -> tuple[str, ...]:
    """The registered names that appear after a ``[`` in the content, in registration order."""
    seen = set(TAG_CANDIDATE.findall(content))
    return tuple(name for name in registered if name in seen)


_PROTECT_BRACKETS = str.maketrans({"[": "&#91;", "]": "&#93;"})
SHORTCODE_AS_TAG = re.compile(r"<\s*\[\[?[^\[\]]+\]", re.ASCII)
ELEMENT_NAME = re.compile(r"[a-zA-Z0-9]+")
Replacement = Callable[[re.Match[str]], str]


def _shortcodes_in_attributes(element: str, pattern: re.Pattern[str], replace: Replacement) -> str:
    """Render shortcodes inside a tag's attributes; a quoted value is then filtered as kses would."""
    attributes = parse_element(element)
    if attributes is None:
        return pattern.sub(replace, element) if SHORTCODE_AS_TAG.match(element) else element
    front, *middle, back = attributes
    name_match = ELEMENT_NAME.search(front)
    name = name_match.group(0) if name_match else ""
    for index, attribute in enumerate(middle):
        opening, closing = attribute.find("["), attribute.find("]")
        if opening < 0 or closing < 0:
            continue
        quotes = [position for position in (attribute.find('"'), attribute.find("'")) if position >= 0]
        if all(opening < position for position in quotes):
            middle[index] = pattern.sub(replace, attribute)  # a shortcode in the place of an attribute
            continue
        rendered, count = pattern.subn(replace, attribute)
        if count:
            rendered = filter_attribute(rendered, name)
            if rendered.strip(" \t\n\r\0\x0b"):
                middle[index] = rendered
    return front + "".join(middle) + back


def _in_text_only(content: str, pattern: re.Pattern[str], replace: Replacement, *, ignore_html: bool) -> str:
    """Escape brackets inside HTML tags and comments (rendering shortcodes inside attributes first, unless
    ``ignore_html``), so that the shortcodes of the text are found alone."""
    content = content.replace("&#91;", "&#091;").replace("&#93;", "&#093;")
    parts = split_html(content)
    for index in range(1, len(parts), 2):
        element = parts[index]
        has_opening, has_closing = "[" in element, "]" in element
        if not (has_opening or has_closing):
            continue
        if has_opening and has_closing and not ignore_html and not element.startswith(("<!--", "<![CDATA[")):
            element = _shortcodes_in_attributes(element, pattern, replace)
        parts[index] = element.translate(_PROTECT_BRACKETS)
    return "".join(parts)


def _restore_brackets(content: str) -> str:
    return content.replace("&#91;", "[").replace("&#93;", "]")


def _replace(content: str, registered: Iterable[str], replace: Replacement, *, ignore_html: bool) -> str:
    if "[" not in content:
        return content
    tagnames = found_tagnames(content, registered)
    if not tagnames:
        return content
    pattern = shortcode_regex(tagnames)
    content = _in_text_only(content, pattern, replace, ignore_html=ignore_html)
    content = pattern.sub(replace, content)
    return _restore_brackets(content)


def _is_escaped(match: re.Match[str]) -> bool:
    return match.group(1) == "[" and match.group(6) == "]"


def do_shortcode(content: str, handlers: Mapping[str, ShortcodeHandler], *, ignore_html: bool = False) -> str:
    """Replace every shortcode with a handler by its rendering (not inside HTML tags if ``ignore_html``)."""

    def render(match: re.Match[str]) -> str:
        if _is_escaped(match):
            return match.group(0)[1:-1]
        name = match.group(2)
        rendered = handlers[name](parse_attributes(match.group(3)), match.group(5), name)
        return match.group(1) + rendered + match.group(6)

    return _replace(content, handlers, render, ignore_html=ignore_html)


def strip_shortcodes(content: str, registered: Iterable[str] = REGISTERED_SHORTCODES) -> str:
    """Remove registered shortcodes with their content (escaped ones become literal)."""

    def strip(match: re.Match[str]) -> str:
        if _is_escaped(match):
            return match.group(0)[1:-1]
        return match.group(1) + match.group(6)

    return _replace(content, registered, strip, ignore_html=True)


def attribute(attributes: Attributes, name: str, default: str) -> str:
    """A named attribute or its default (``shortcode_atts`` for one name)."""
    return attributes.get(name, default)
