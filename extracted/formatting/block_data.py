"""What WordPress does to a parsed block before rendering it, and the context it gives its descendants.

Some attributes are fixed up first (``render_block_data`` filters and their like): a gallery's images get a
``data-id``, a navigation menu's typographic presets become plain values, the latest posts' category given
as a string (the block's old format) becomes a list of one. A block providing context
(``providesContext`` in its block.json) passes some of its attributes, or their defaults, to the blocks
inside it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .html import escape_attribute
from .phpdata import php_int, php_string, php_truthy

if TYPE_CHECKING:
    from .blocks import Block


# The blocks ``prepared_block`` changes.
PREPARED_BLOCKS = frozenset({"core/gallery", "core/navigation", "core/latest-posts"})


def prepared_block(block: Block) -> Block:
    """The block with the attributes WordPress renders it with."""
    if block.name == "core/gallery":
        return _with_image_ids(block)
    if block.name == "core/navigation":
        return _without_typographic_presets(block)
    if block.name == "core/latest-posts":
        return _with_category_list(block)
    return block


def _with_category_list(latest: Block) -> Block:
    """``block_core_latest_posts_migrate_categories``: a category id as a string becomes ``[{"id": id}]``."""
    attrs = latest.attrs
    categories = attrs.get("categories") if isinstance(attrs, dict) else None
    if not isinstance(categories, str) or not php_truthy(categories):
        return latest
    return replace(latest, attrs={**attrs, "categories": [{"id": abs(php_int(categories))}]})


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


# Context a block gives its descendants (``providesContext``): context name -> attribute.
PROVIDED_CONTEXT: dict[str, dict[str, str]] = {
    "core/query": {"queryId": "queryId", "query": "query", "displayLayout": "displayLayout"},
    "core/query-pagination": {"paginationArrow": "paginationArrow"},
    "core/navigation": {
        name: name
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
            "showSubmenuIcon",
            "openSubmenusOnClick",
            "style",
            "orientation",
            "maxNestingLevel",
        )
    },
    "core/social-links": {
        name: name for name in ("openInNewTab", "showLabels", "iconColorValue", "iconBackgroundColorValue")
    },
}


def provided_context(block: Block) -> dict[str, Any]:
    """``WP_Block``'s child context: the provided attributes the block has (valid, or by default)."""
    provides = PROVIDED_CONTEXT.get(block.name or "")
    if not provides:
        return block.context
    attributes = block.attributes
    provided = {name: attributes[attribute] for name, attribute in provides.items() if attribute in attributes}
    return {**block.context, **provided}
