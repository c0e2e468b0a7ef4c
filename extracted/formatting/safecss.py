"""``safecss_filter_attr``: the declarations of an inline style that kses lets through.

A declaration is kept when its property is on WordPress's list (or is a custom property ``--x``) and its
value holds none of ``\\ ( & } =`` or ``/*`` once the allowed parts are taken out: ``var()``/``calc()``
and friends, safe ``url()``s (in background, cursor and list-style properties) and plain gradients.
Kept declarations are trimmed and joined by ``;``.
"""

from __future__ import annotations

import re

from .html import CONTROL_CHARACTERS
from .urls import bad_protocol

ALLOWED_PROPERTIES = frozenset(
    [
        "background",
        "background-color",
        "background-image",
        "background-position",
        "background-size",
        "background-attachment",
        "background-blend-mode",
        "border",
        "border-radius",
        "border-width",
        "border-color",
        "border-style",
        "border-right",
        "border-right-color",
        "border-right-style",
        "border-right-width",
        "border-bottom",
        "border-bottom-color",
        "border-bottom-left-radius",
        "border-bottom-right-radius",
        "border-bottom-style",
        "border-bottom-width",
        "border-left",
        "border-left-color",
        "border-left-style",
        "border-left-width",
        "border-top",
        "border-top-color",
        "border-top-left-radius",
        "border-top-right-radius",
        "border-top-style",
        "border-top-width",
        "border-spacing",
        "border-collapse",
        "caption-side",
        "columns",
        "column-count",
        "column-fill",
        "column-gap",
        "column-rule",
        "column-span",
        "column-width",
        "color",
        "filter",
        "font",
        "font-family",
        "font-size",
        "font-style",
        "font-variant",
        "font-weight",
        "letter-spacing",
        "line-height",
        "text-align",
        "text-decoration",
        "text-indent",
        "text-transform",
        "height",
        "min-height",
        "max-height",
        "width",
        "min-width",
        "max-width",
        "margin",
        "margin-right",
        "margin-bottom",
        "margin-left",
        "margin-top",
        "margin-block-start",
        "margin-block-end",
        "margin-inline-start",
        "margin-inline-end",
        "padding",
        "padding-right",
        "padding-bottom",
        "padding-left",
        "padding-top",
        "padding-block-start",
        "padding-block-end",
        "padding-inline-start",
        "padding-inline-end",
        "flex",
        "flex-basis",
        "flex-direction",
        "flex-flow",
        "flex-grow",
        "flex-shrink",
        "flex-wrap",
        "gap",
        "row-gap",
        "grid-template-columns",
        "grid-auto-columns",
        "grid-column-start",
        "grid-column-end",
        "grid-column-gap",
        "grid-template-rows",
        "grid-auto-rows",
        "grid-row-start",
        "grid-row-end",
        "grid-row-gap",
        "grid-gap",
        "justify-content",
        "justify-items",
        "justify-self",
        "align-content",
        "align-items",
        "align-self",
        "clear",
        "cursor",
        "direction",
        "float",
        "list-style-type",
        "object-fit",
        "object-position",
        "overflow",
        "vertical-align",
    ]
)
URL_PROPERTIES = frozenset({"background", "background-image", "cursor", "list-style", "list-style-image"})
GRADIENT_PROPERTIES = frozenset({"background", "background-image"})
CUSTOM_PROPERTY = re.compile(r"--[a-zA-Z0-9-_]+")
URL = re.compile(r"url\([^)]+\)")
URL_PIECES = re.compile(r"url\(\s*(['\"]?)(.*)(\1)\s*\)", re.DOTALL)
GRADIENT = re.compile(r"(repeating-)?(linear|radial|conic)-gradient\(([^()]|rgba?\([^()]*\))*\)")
CSS_FUNCTION = re.compile(r"\b(?:var|calc|min|max|minmax|clamp)\(")
UNSAFE = re.compile(r"[\\(&=}]|/\*")
SLASH_ZERO = re.compile(r"\\+0+")
PHP_TRIM = " \t\n\r\0\x0b"


def _without_functions(text: str) -> str:
    """The text without ``var(...)``, ``calc(...)``... (balanced parentheses, as PHP's recursive pattern)."""
    found = CSS_FUNCTION.search(text)
    while found is not None:
        depth, index = 0, found.end() - 1
        while index < len(text):
            depth += {"(": 1, ")": -1}.get(text[index], 0)
            if depth == 0:
                break
            index += 1
        if depth:  # unbalanced: the pattern cannot match here; look further on
            found = CSS_FUNCTION.search(text, found.start() + 1)
            continue
        text = text[: found.start()] + text[index + 1 :]
        found = CSS_FUNCTION.search(text, found.start())
    return text


def _declaration_allowed(item: str) -> bool:
    test = item
    if ":" not in item:
        return not UNSAFE.search(_without_functions(test))
    prop, value = item.split(":", 1)
    prop = prop.strip(PHP_TRIM)
    custom = CUSTOM_PROPERTY.fullmatch(prop) is not None
    if not custom and prop not in ALLOWED_PROPERTIES:
        return False
    urls = value.strip(PHP_TRIM).startswith("url(") if custom else prop in URL_PROPERTIES
    gradients = "-gradient(" in value.strip(PHP_TRIM) if custom else prop in GRADIENT_PROPERTIES
    if urls:
        for url_match in URL.findall(value):
            pieces = URL_PIECES.fullmatch(url_match)
            url = pieces.group(2) if pieces else ""
            if url in ("", "0") or url.strip(PHP_TRIM) in ("", "0"):
                return False
            url = url.strip(PHP_TRIM)
            if bad_protocol(url) != url:
                return False
            test = test.replace(url_match, "")
    if gradients:
        css_value = value.strip(PHP_TRIM)
        if GRADIENT.fullmatch(css_value):
            test = test.replace(css_value, "")
    return not UNSAFE.search(_without_functions(test))


def safecss_filter_attr(css: str) -> str:
    """The allowed declarations of ``css``, trimmed and joined by ``;``."""
    css = SLASH_ZERO.sub("", CONTROL_CHARACTERS.sub("", css)).replace("\n", "").replace("\r", "").replace("\t", "")
    kept = []
    for item in css.strip(PHP_TRIM).split(";"):
        if item == "":
            continue
        declaration = item.strip(PHP_TRIM)
        if _declaration_allowed(declaration):
            kept.append(declaration)
    return ";".join(kept)
