"""``get_block_wrapper_attributes``: the ``class``/``style`` a dynamic block's wrapper gets from its supports.

Each block type declares supports (its block.json ``supports``); the supports WordPress applies, in its
order (align, border, colors, custom class name, generated class name, spacing, typography), turn the
block's attributes into classes and inline styles, merged after the renderer's own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..blocks import Block
from ..html import escape_attribute
from ..phpdata import php_string, php_truthy
from .style_engine import get_styles

Supports = Mapping[str, Any]

_TYPOGRAPHY_ALL = {
    "fontSize": True,
    "lineHeight": True,
    "__experimentalFontFamily": True,
    "__experimentalFontWeight": True,
    "__experimentalFontStyle": True,
    "__experimentalTextTransform": True,
    "__experimentalTextDecoration": True,
    "__experimentalLetterSpacing": True,
}
_COLOR = {"gradients": True, "link": True}
_SPACING = {"margin": True, "padding": True}
_BORDER = {"color": True, "radius": True, "width": True}
_PAGINATION_LINK = {
    "reusable": False,
    "html": False,
    "color": {"gradients": True, "text": False},
    "typography": _TYPOGRAPHY_ALL,
}

# block.json ``supports`` of the dynamic blocks rendered here (WordPress 6.1).
SUPPORTS: dict[str, Supports] = {
    "core/rss": {"align": True, "html": False},
    "core/latest-posts": {"align": True, "html": False, "typography": _TYPOGRAPHY_ALL},
    "core/archives": {"align": True, "html": False, "spacing": _SPACING, "typography": _TYPOGRAPHY_ALL},
    "core/calendar": {"align": True, "typography": {**_TYPOGRAPHY_ALL, "__experimentalTextDecoration": False}},
    "core/categories": {"align": True, "html": False, "spacing": _SPACING, "typography": _TYPOGRAPHY_ALL},
    "core/post-terms": {"html": False, "color": _COLOR, "typography": _TYPOGRAPHY_ALL},
    "core/tag-cloud": {"html": False, "align": True, "spacing": _SPACING},
    "core/latest-comments": {"align": True, "html": False},
    "core/post-template": {"reusable": False, "html": False, "align": True, "typography": _TYPOGRAPHY_ALL},
    "core/query-no-results": {
        "align": True,
        "reusable": False,
        "html": False,
        "color": _COLOR,
        "typography": _TYPOGRAPHY_ALL,
    },
    "core/post-comments-form": {
        "html": False,
        "color": {"gradients": True, "link": True},
        "typography": {
            key: True
            for key in (
                "fontSize",
                "lineHeight",
                "__experimentalFontStyle",
                "__experimentalFontWeight",
                "__experimentalLetterSpacing",
                "__experimentalTextTransform",
            )
        },
    },
    "core/query-pagination": {
        "align": True,
        "reusable": False,
        "html": False,
        "color": _COLOR,
        "typography": _TYPOGRAPHY_ALL,
    },
    "core/query-pagination-next": _PAGINATION_LINK,
    "core/query-pagination-numbers": _PAGINATION_LINK,
    "core/comments": {"align": ["wide", "full"], "html": False, "color": _COLOR, "typography": _TYPOGRAPHY_ALL},
    "core/comments-title": {
        "anchor": False,
        "align": True,
        "html": False,
        "__experimentalBorder": {**_BORDER, "style": True},
        "color": {"gradients": True},
        "spacing": _SPACING,
        "typography": _TYPOGRAPHY_ALL,
    },
    "core/comment-template": {"reusable": False, "html": False, "align": True, "typography": _TYPOGRAPHY_ALL},
    "core/comment-author-name": {"html": False, "spacing": _SPACING, "color": _COLOR, "typography": _TYPOGRAPHY_ALL},
    "core/comment-date": {"html": False, "color": _COLOR, "spacing": _SPACING, "typography": _TYPOGRAPHY_ALL},
    "core/comment-content": {
        "color": _COLOR,
        "typography": _TYPOGRAPHY_ALL,
        "spacing": {"padding": ["horizontal", "vertical"]},
        "html": False,
    },
    "core/comment-reply-link": {
        "color": {"gradients": True, "link": True, "text": False},
        "spacing": _SPACING,
        "typography": _TYPOGRAPHY_ALL,
        "html": False,
    },
    "core/page-list": {"reusable": False, "html": False},
    "core/navigation": {
        "align": ["wide", "full"],
        "html": False,
        "typography": {**_TYPOGRAPHY_ALL, "__experimentalSkipSerialization": ["textDecoration"]},
        "spacing": {"blockGap": True},
    },
    "core/navigation-link": {"reusable": False, "html": False, "typography": _TYPOGRAPHY_ALL},
    "core/navigation-submenu": {"reusable": False, "html": False},
    "core/home-link": {"reusable": False, "html": False, "typography": _TYPOGRAPHY_ALL},
    "core/social-link": {"reusable": False, "html": False},
    "core/loginout": {"className": True, "typography": {"fontSize": False}},
    "core/read-more": {
        "html": False,
        "color": {"gradients": True, "text": True},
        "typography": _TYPOGRAPHY_ALL,
        "spacing": {"margin": ["top", "bottom"], "padding": True},
        "__experimentalBorder": _BORDER,
    },
    "core/search": {
        "align": ["left", "center", "right"],
        "color": {"gradients": True, "__experimentalSkipSerialization": True},
        "typography": {**_TYPOGRAPHY_ALL, "__experimentalSkipSerialization": True},
        "__experimentalBorder": {**_BORDER, "__experimentalSkipSerialization": True},
        "html": False,
    },
    "core/post-title": {
        "align": ["wide", "full"],
        "html": False,
        "color": _COLOR,
        "spacing": _SPACING,
        "typography": _TYPOGRAPHY_ALL,
    },
    "core/site-title": {
        "align": ["wide", "full"],
        "html": False,
        "color": _COLOR,
        "spacing": _SPACING,
        "typography": _TYPOGRAPHY_ALL,
    },
    "core/post-excerpt": {"html": False, "color": _COLOR, "spacing": _SPACING, "typography": _TYPOGRAPHY_ALL},
    "core/post-author": {"html": False, "spacing": _SPACING, "typography": _TYPOGRAPHY_ALL, "color": _COLOR},
    "core/post-author-biography": {"spacing": _SPACING, "color": _COLOR, "typography": _TYPOGRAPHY_ALL},
    "core/avatar": {
        "html": False,
        "align": True,
        "alignWide": False,
        "spacing": _SPACING,
        "__experimentalBorder": {**_BORDER, "style": True, "__experimentalSkipSerialization": True},
        "color": {"text": False, "background": False},
    },
    "core/post-featured-image": {
        "align": ["left", "right", "center", "wide", "full"],
        "color": {"text": False, "background": False},
        "__experimentalBorder": {**_BORDER, "__experimentalSkipSerialization": True},
        "html": False,
        "spacing": _SPACING,
    },
    "core/post-date": {"html": False, "color": _COLOR, "spacing": _SPACING, "typography": _TYPOGRAPHY_ALL},
    "core/site-tagline": {
        "align": ["wide", "full"],
        "html": False,
        "color": {"gradients": True},
        "spacing": _SPACING,
        "typography": _TYPOGRAPHY_ALL,
    },
}


def _get(data: Any, *keys: str, default: Any = None) -> Any:
    for key in keys:
        # (the dict test first: an ABC's isinstance is slow, and nearly every mapping here is a dict)
        if not isinstance(data, (dict, Mapping)) or key not in data:
            return default
        data = data[key]
    return data


def _has(supports: Supports, *path: str, default: Any = False) -> bool:
    """``block_has_support``: true, or a non-empty list/map of options."""
    value = _get(supports, *path, default=default)
    return value is True or (isinstance(value, list | dict) and bool(value))


def _skipped(supports: Supports, feature: str, sub: str | None = None) -> bool:
    """``wp_should_skip_block_supports_serialization``."""
    skip = _get(supports, feature, "__experimentalSkipSerialization", default=False)
    if isinstance(skip, list):
        return sub in skip if sub is not None else False
    return bool(skip)


def _align(supports: Supports, attrs: Mapping[str, Any]) -> dict[str, str]:
    if _has(supports, "align") and "align" in attrs:
        return {"class": "align" + php_string(attrs["align"])}
    return {}


def _border(supports: Supports, attrs: Mapping[str, Any]) -> dict[str, str]:
    border_supports = supports.get("__experimentalBorder")
    if not border_supports or _skipped(supports, "__experimentalBorder"):
        return {}
    border = _get(attrs, "style", "border", default={})
    border = border if isinstance(border, Mapping) else {}
    styles: dict[str, Any] = {}
    for prop in ("radius", "style", "width"):
        if _get(border_supports, prop) and border.get(prop) is not None:
            value = border[prop]
            styles[prop] = f"{value}px" if prop != "style" and isinstance(value, int | float) else value
    has_color, has_width = bool(_get(border_supports, "color")), bool(_get(border_supports, "width"))
    if has_color:
        preset = attrs.get("borderColor")
        styles["color"] = f"var:preset|color|{preset}" if preset else border.get("color")
    if has_color or has_width:
        for side in ("top", "right", "bottom", "left"):
            values = border.get(side)
            values = values if isinstance(values, Mapping) else {}
            styles[side] = {key: values.get(key) for key in ("width", "color", "style")}
    return get_styles({"border": styles}).attributes()


def _preset_or_custom(attrs: Mapping[str, Any], preset_key: str, kind: str, *custom: str) -> Any:
    preset = f"var:preset|{kind}|{php_string(attrs[preset_key])}" if preset_key in attrs else None
    return preset or _get(attrs, "style", *custom)


def _colors(supports: Supports, attrs: Mapping[str, Any]) -> dict[str, str]:
    color = supports.get("color", False)
    if isinstance(color, dict) and _skipped(supports, "color"):
        return {}
    if not color:
        return {}
    styles: dict[str, Any] = {}
    if color is True or color.get("text", True):
        styles["text"] = _preset_or_custom(attrs, "textColor", "color", "color", "text")
    if color is True or color.get("background", True):
        styles["background"] = _preset_or_custom(attrs, "backgroundColor", "color", "color", "background")
    if isinstance(color, dict) and color.get("gradients"):
        styles["gradient"] = _preset_or_custom(attrs, "gradient", "gradient", "color", "gradient")
    return get_styles({"color": styles}, convert_vars_to_classnames=True).attributes()


def _custom_class(supports: Supports, attrs: Mapping[str, Any]) -> dict[str, str]:
    if _has(supports, "customClassName", default=True) and "className" in attrs:
        return {"class": php_string(attrs["className"])}
    return {}


def _generated_class(supports: Supports, name: str) -> dict[str, str]:
    if not _has(supports, "className", default=True):
        return {}
    return {"class": "wp-block-" + name.removeprefix("core/").replace("/", "-")}


def _spacing(supports: Supports, attrs: Mapping[str, Any]) -> dict[str, str]:
    if _skipped(supports, "spacing") or not attrs.get("style"):
        return {}
    spacing = {
        side: _get(attrs, "style", "spacing", side) if _has(supports, "spacing", side) else None
        for side in ("padding", "margin")
    }
    return get_styles({"spacing": spacing}).attributes()


_TYPOGRAPHY = (
    ("__experimentalFontStyle", "fontStyle"),
    ("__experimentalFontWeight", "fontWeight"),
    ("lineHeight", "lineHeight"),
    ("__experimentalTextDecoration", "textDecoration"),
    ("__experimentalTextTransform", "textTransform"),
    ("__experimentalLetterSpacing", "letterSpacing"),
)


def _typography(supports: Supports, attrs: Mapping[str, Any]) -> dict[str, str]:
    typography = supports.get("typography")
    if not typography or _skipped(supports, "typography"):
        return {}
    # Not skipped as a whole: only the features a list of skipped ones names are (see _skipped).
    skip = _get(supports, "typography", "__experimentalSkipSerialization", default=False)
    skipped = skip if isinstance(skip, list) else ()
    styles: dict[str, Any] = {}
    if typography.get("fontSize") and "fontSize" not in skipped:
        styles["fontSize"] = _preset_or_custom(attrs, "fontSize", "font-size", "typography", "fontSize")
    if typography.get("__experimentalFontFamily") and "fontFamily" not in skipped:
        styles["fontFamily"] = _preset_or_custom(attrs, "fontFamily", "font-family", "typography", "fontFamily")
    custom = _get(attrs, "style", "typography")
    for support, key in _TYPOGRAPHY:
        if typography.get(support) and key not in skipped:
            styles[key] = _get(custom, key)
    return get_styles({"typography": styles}, convert_vars_to_classnames=True).attributes()


def supports_attributes(name: str, attrs: Any) -> dict[str, str]:
    """``WP_Block_Supports::apply_block_supports`` for the block being rendered."""
    supports = SUPPORTS.get(name, {})
    attrs = attrs if isinstance(attrs, Mapping) else {}
    found: dict[str, str] = {}
    for applied in (
        _align(supports, attrs),
        _border(supports, attrs),
        _colors(supports, attrs),
        _custom_class(supports, attrs),
        _generated_class(supports, name),
        _spacing(supports, attrs),
        _typography(supports, attrs),
    ):
        for key, value in applied.items():
            found[key] = f"{found[key]} {value}" if found.get(key) else value
    return found


def wrapper_attributes(block: Block, **extra: str) -> str:
    """``get_block_wrapper_attributes($extra)``: style and class merged (the caller's first), then the rest.

    Supports read the block's parsed attributes (``WP_Block_Supports::$block_to_render``), not the
    prepared ones its renderer gets: a wrong-typed ``className`` still shows, defaults do not."""
    new = supports_attributes(block.name or "", block.attrs)
    merged: dict[str, str] = {}
    for key in ("style", "class"):
        parts = [value for value in (extra.get(key), new.get(key)) if php_truthy(value)]
        if parts:
            merged[key] = " ".join(str(p) for p in parts)
    merged.update({key: value for key, value in extra.items() if key not in ("style", "class")})
    return " ".join(f'{key}="{escape_attribute(value)}"' for key, value in merged.items())
