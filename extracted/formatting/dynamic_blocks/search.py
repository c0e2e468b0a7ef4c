"""The search block: a form with label, field and button, its colors, borders and type on the inner elements.

The block skips the serialization of its color, typography and border supports on the wrapper: they go
to the label, the input, the button or the inside wrapper instead (depending on the button's position).
"""

from __future__ import annotations

import re
from typing import Any

from ..blocks import Block
from ..html import escape_attribute
from ..phpdata import php_int, php_numeric, php_string, php_truthy
from ..safecss import safecss_filter_attr
from ..strip_tags import strip_all_tags
from ..types import RenderState, SiteOptions
from ..urls import esc_url
from .wrapper import wrapper_attributes

POSITION_CLASSES = {
    "button-inside": "wp-block-search__button-inside",
    "button-outside": "wp-block-search__button-outside",
    "no-button": "wp-block-search__no-button",
    "button-only": "wp-block-search__button-only",
}
ICON = (
    '<svg class="search-icon" viewBox="0 0 24 24" width="24" height="24">\n'
    '\t\t\t\t\t<path d="M13.5 6C10.5 6 8 8.5 8 11.5c0 1.1.3 2.1.9 3l-3.4 3 1 1.1 3.4-2.9c1 .9 2.2 1.4 3.6 1.4 3 0 '
    '5.5-2.5 5.5-5.5C19 8.5 16.5 6 13.5 6zm0 9.5c-2.2 0-4-1.8-4-4s1.8-4 4-4 4 1.8 4 4-1.8 4-4 4z"></path>\n'
    "\t\t\t\t</svg>"
)
# Typography styles on label, input and button, in the block's order (text decoration handled apart).
TYPOGRAPHY_STYLES = (
    ("fontSize", "font-size"),
    ("fontFamily", "font-family"),
    ("letterSpacing", "letter-spacing"),
    ("fontWeight", "font-weight"),
    ("fontStyle", "font-style"),
    ("lineHeight", "line-height"),
    ("textTransform", "text-transform"),
)
BACKGROUNDS = ("background", "gradient")
CAMEL_HUMP = re.compile(r"(?<!^)[A-Z]")


def _style(attrs: dict[str, Any], *path: str) -> Any:
    value: Any = attrs.get("style")
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


class _Styles:
    """Inline declarations collected per element: wrapper, input, button, label."""

    def __init__(self) -> None:
        self.wrapper: list[str] = []
        self.input: list[str] = []
        self.button: list[str] = []
        self.label: list[str] = []

    @staticmethod
    def attribute(declarations: list[str]) -> str:
        """`` style="..."`` after ``safecss_filter_attr``: declarations trimmed, joined by ``;``."""
        if not declarations:
            return ""
        return f' style="{escape_attribute(safecss_filter_attr(" ".join(declarations)))}"'


def _border(attrs: dict[str, Any], styles: _Styles, inside: bool) -> None:
    for prop in ("width", "color", "style"):
        for side in (None, "top", "right", "bottom", "left"):
            given = _style(attrs, "border", side, prop) if side else _style(attrs, "border", prop)
            if not php_truthy(given):
                continue
            value = php_string(given)
            if prop == "color" and side and "var:preset|color|" in value:
                value = f"var(--wp--preset--color--{value[value.rindex('|') + 1 :]})"
            declaration = f"border-{side + '-' + prop if side else prop}: {escape_attribute(value)};"
            if inside:
                styles.wrapper.append(declaration)
            else:
                styles.button.append(declaration)
                styles.input.append(declaration)
    radius = _style(attrs, "border", "radius")
    if not php_truthy(radius):
        return
    corners = radius.items() if isinstance(radius, dict) else [(None, radius)]
    for corner, given in corners:
        if given is None:
            continue
        value = php_string(given)
        name = (
            f"border-{CAMEL_HUMP.sub(lambda m: '-' + m.group(), corner).lower()}-radius" if corner else "border-radius"
        )
        if corner is None and php_numeric(given):
            value += "px"
        styles.input.append(f"{name}: {escape_attribute(value)};")
        styles.button.append(f"{name}: {escape_attribute(value)};")
        if inside and php_int(value) != 0:
            styles.wrapper.append(f"{name}: calc({escape_attribute(value)} + 4px);")


def _styles(attrs: dict[str, Any]) -> _Styles:
    styles = _Styles()
    inside = attrs.get("buttonPosition") == "button-inside"
    has_width = php_truthy(attrs.get("width")) and php_truthy(attrs.get("widthUnit"))
    if has_width and attrs.get("buttonPosition") != "button-only":
        width = php_int(escape_attribute(php_string(attrs["width"])))
        styles.wrapper.append(f"width: {width}{escape_attribute(php_string(attrs['widthUnit']))};")
    _border(attrs, styles, inside)
    for key, prop in (("text", "color"), ("background", "background-color"), ("gradient", "background")):
        if php_truthy(_style(attrs, "color", key)):
            styles.button.append(f"{prop}: {php_string(_style(attrs, 'color', key))};")
    typography = escape_attribute(
        "".join(
            f"{prop}: {php_string(_style(attrs, 'typography', key))};"
            for key, prop in TYPOGRAPHY_STYLES
            if php_truthy(_style(attrs, "typography", key))
        )
    )
    if typography:
        styles.label.append(typography)
        styles.button.append(typography)
        styles.input.append(typography)
    decoration = _style(attrs, "typography", "textDecoration")
    if php_truthy(decoration):
        declaration = f"text-decoration: {escape_attribute(php_string(decoration))};"
        styles.button.append(declaration)
        if attrs.get("showLabel") is not False:
            styles.label.append(declaration)
    return styles


def _color_classes(attrs: dict[str, Any]) -> str:
    classes = []
    if php_truthy(attrs.get("textColor")):
        classes.append(f"has-text-color has-{php_string(attrs['textColor'])}-color")
    elif php_truthy(_style(attrs, "color", "text")):
        classes.append("has-text-color")
    backgrounds = (
        attrs.get("backgroundColor"),
        attrs.get("gradient"),
        *(_style(attrs, "color", k) for k in BACKGROUNDS),
    )
    if any(php_truthy(background) for background in backgrounds):
        classes.append("has-background")
    if php_truthy(attrs.get("backgroundColor")):
        classes.append(f"has-{php_string(attrs['backgroundColor'])}-background-color")
    if php_truthy(attrs.get("gradient")):
        classes.append(f"has-{php_string(attrs['gradient'])}-gradient-background")
    return " ".join(classes)


def _typography_classes(attrs: dict[str, Any]) -> str:
    classes = [
        f"has-{escape_attribute(php_string(attrs[key]))}-{kind}"
        for key, kind in (("fontSize", "font-size"), ("fontFamily", "font-family"))
        if php_truthy(attrs.get(key))
    ]
    return " ".join(classes)


def _border_color_classes(attrs: dict[str, Any]) -> str:
    named = php_truthy(attrs.get("borderColor"))
    classes = ["has-border-color"] if php_truthy(_style(attrs, "border", "color")) or named else []
    if named:
        classes.append(f"has-{escape_attribute(php_string(attrs['borderColor']))}-border-color")
    return " ".join(classes)


def _block_classes(attrs: dict[str, Any]) -> str:
    position = attrs.get("buttonPosition")
    classes = [POSITION_CLASSES[position]] if position in POSITION_CLASSES else []
    if "buttonUseIcon" in attrs and php_truthy(position) and position != "no-button":
        icon = php_truthy(attrs["buttonUseIcon"])
        classes.append("wp-block-search__icon-button" if icon else "wp-block-search__text-button")
    return " ".join(classes)


def render_search(block: Block, site: SiteOptions, state: RenderState) -> str:
    # Blocks of old versions have no label or button text: they get the old default.
    attrs = {"label": "Search", "buttonText": "Search", **block.attributes}
    input_id = state.next_unique_id("wp-block-search__input-")
    position = attrs.get("buttonPosition")
    inside = position == "button-inside"
    styles = _styles(attrs)
    typography = _typography_classes(attrs)
    border_colors = _border_color_classes(attrs)
    label_text = php_string(attrs["label"]) if php_truthy(attrs.get("label")) else "Search"
    label = f'<label for="{input_id}" class="wp-block-search__label screen-reader-text">{label_text}</label>'
    if php_truthy(attrs.get("showLabel")) and php_truthy(attrs.get("label")):
        label_classes = escape_attribute(" ".join(filter(None, ["wp-block-search__label", typography])))
        label = (
            f'<label for="{input_id}" class="{label_classes}" {_Styles.attribute(styles.label)}>{label_text}</label>'
        )
    field = ""
    if position != "button-only":
        input_classes = (
            ["wp-block-search__input"] + ([border_colors] if inside else []) + ([typography] if typography else [])
        )
        placeholder = escape_attribute(php_string(attrs["placeholder"]))
        field = (
            f'<input type="search" id="{input_id}" class="wp-block-search__input '
            f'{escape_attribute(" ".join(input_classes))}" name="s" value="" '
            f'placeholder="{placeholder}" {_Styles.attribute(styles.input)} required />'
        )
    query: Any = attrs["query"] if php_truthy(attrs.get("query")) else {}
    hidden = "".join(
        f'<input type="hidden" name="{escape_attribute(php_string(k))}" value="{escape_attribute(php_string(v))}" />'
        for k, v in (query.items() if isinstance(query, dict) else enumerate(query))
    )
    button = ""
    if position != "no-button":
        button_classes = ["wp-block-search__button"] + [c for c in (_color_classes(attrs), typography) if c]
        if not inside and border_colors:
            button_classes.append(border_colors)
        text = attrs.get("buttonText")
        aria_label, inner = "", php_string(text) if php_truthy(text) else ""
        if php_truthy(attrs.get("buttonUseIcon")):
            aria_label = f'aria-label="{escape_attribute(strip_all_tags(php_string(attrs["buttonText"])))}"'
            button_classes.append("has-icon")
            inner = ICON
        button_classes.append("wp-element-button")
        button = (
            f'<button type="submit" class="{escape_attribute(" ".join(button_classes))}" '
            f"{_Styles.attribute(styles.button)} {aria_label}>{inner}</button>"
        )
    wrapper_class = escape_attribute(border_colors if inside else "")
    fields = (
        f'<div class="wp-block-search__inside-wrapper {wrapper_class}" {_Styles.attribute(styles.wrapper)}>'
        f"{field}{hidden}{button}</div>"
    )
    wrapper = wrapper_attributes(block, **{"class": _block_classes(attrs)})
    return f'<form role="search" method="get" action="{esc_url(site.home_url + "/")}" {wrapper}>{label}{fields}</form>'
