"""What WordPress does to a parsed block before rendering it, and the context it gives its descendants.

Some attributes are fixed up first (``render_block_data`` filters and their like): a gallery's images get a
``data-id``, a navigation menu's typographic presets become plain values. A block providing context
(``providesContext`` in its block.json) passes some of its attributes, or their defaults, to the blocks
inside it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .html import escape_attribute
from .phpdata import php_string, php_truthy

if TYPE_CHECKING:
    from .blocks import Block


# The blocks ``prepared_block`` changes.
PREPARED_BLOCKS = frozenset({"core/gallery", "core/navigation"})


def prepared_block(block: Block) -> Block:
    """The block with the attributes WordPress renders it with."""
    if block.name == "core/gallery":
        return _with_image_ids(block)
    if block.name == "core/navigation":
        return _without_typographic_presets(block)
    return block


def _with_image_ids(gallery: Block) -> Block:
    """WordPress gives the images of a gallery a ``data-id`` attribute (from their ``id``) before rendering."""
    return replace(gallery, inner_blocks=[_with_image_id(child) for child in gallery.inner_blocks])


def _with_image_id(block: Block) -> Block:
    attrs = block.attrs
    if block.name != "core/image" or not isinstance(attrs, dict) or "data-id" in attrs or "id" not in attrs:
        return block
    value = attrs["id"]
    return replace(block, attrs={**attrs, "data-id": escape_attribute(php_string(value))})


# The navigation block's typographic styles saved as presets (``var:preset|font-style|italic``), which
# WordPress turns into plain values before rendering (its ``render_block_data`` filter).
TYPOGRAPHIC_PRESETS = {
    "fontStyle": "var:preset|font-style|",
    "fontWeight": "var:preset|font-weight|",
    "textDecoration": "var:preset|text-decoration|",
    "textTransform": "var:preset|text-transform|",
}


def _without_typographic_presets(navigation: Block) -> Block:
    attrs = navigation.attrs if isinstance(navigation.attrs, dict) else {}
    style = attrs.get("style")
    typography = style.get("typography") if isinstance(style, dict) else None
    if not isinstance(style, dict) or not isinstance(typography, dict):
        return navigation
    plain = dict(typography)
    for key, prefix in TYPOGRAPHIC_PRESETS.items():
        value = plain.get(key)
        if php_truthy(value) and isinstance(value, str):
            value = value.removeprefix(prefix)
            plain[key] = "line-through" if key == "textDecoration" and value == "strikethrough" else value
    style = {**style, "typography": plain}
    return replace(navigation, attrs={**navigation.attrs, "style": style})


# Context a block gives its descendants: context name -> (attribute, the attribute's default or None).
PROVIDED_CONTEXT: dict[str, dict[str, tuple[str, Any]]] = {
    "core/query": {
        "queryId": ("queryId", None),
        "query": ("query", {"postType": "post", "order": "desc", "orderBy": "date", "inherit": True}),
        "displayLayout": ("displayLayout", {"type": "list"}),
    },
    "core/query-pagination": {"paginationArrow": ("paginationArrow", "none")},
    "core/navigation": {
        **{
            name: (name, None)
            for name in (
                "textColor",
                "customTextColor",
                "backgroundColor",
                "customBackgroundColor",
                "overlayTextColor",
                "customOverlayTextColor",
                "overlayBackgroundColor",
                "customOverlayBackgroundColor",
                "fontSize",
                "customFontSize",
                "style",
                "orientation",
            )
        },
        "showSubmenuIcon": ("showSubmenuIcon", True),
        "openSubmenusOnClick": ("openSubmenusOnClick", False),
        "maxNestingLevel": ("maxNestingLevel", 5),
    },
    "core/social-links": {
        "openInNewTab": ("openInNewTab", False),
        "showLabels": ("showLabels", False),
        "iconColorValue": ("iconColorValue", None),
        "iconBackgroundColorValue": ("iconBackgroundColorValue", None),
    },
}


def provided_context(block: Block) -> dict[str, Any]:
    """``WP_Block``'s child context: the provided attributes the block has (set or by default)."""
    attrs = block.attrs if isinstance(block.attrs, dict) else {}
    provided = {}
    for name, (attribute, default) in PROVIDED_CONTEXT.get(block.name or "", {}).items():
        if attribute in attrs or default is not None:
            provided[name] = attrs.get(attribute, default)
    return {**block.context, **provided}
