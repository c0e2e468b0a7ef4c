"""Block supports: the classes WordPress adds to a rendered block from its attributes (``render_block`` filters).

* elements: a block with a link color gets ``wp-elements-<md5 of the serialized block>``;
* layout: a block with layout support gets its layout classes (``is-layout-flex``, ``has-global-padding``,
  ...) and, when the layout needs a stylesheet, a ``wp-container-N`` class numbered per request.

The theme's settings these depend on are those of Twenty Twenty-Three, the default theme of WordPress 6.1
(block gap support, root-padding-aware alignments, the flow/constrained/flex layout classes).
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING, Any

from .phpdata import nested, php_serialize, php_string, php_truthy
from .types import RenderState

if TYPE_CHECKING:
    from .blocks import Block

# Blocks with layout support, and their default layout (block.json ``supports.__experimentalLayout``).
LAYOUT_DEFAULTS: dict[str, dict[str, Any]] = {
    "core/buttons": {"type": "flex"},
    "core/column": {},
    "core/columns": {"type": "flex", "flexWrap": "nowrap"},
    "core/comments-pagination": {"type": "flex"},
    "core/gallery": {"type": "flex"},
    "core/group": {},
    "core/navigation": {"type": "flex"},
    "core/post-content": {},
    "core/post-template": {},
    "core/query-pagination": {"type": "flex"},
    "core/query": {},
    "core/social-links": {"type": "flex"},
}
LAYOUT_CLASSES = {"default": "is-layout-flow", "constrained": "is-layout-constrained", "flex": "is-layout-flex"}
# Blocks with duotone filter support (block.json ``supports.color.__experimentalDuotone``).
DUOTONE_BLOCKS = frozenset(
    {
        "core/avatar",
        "core/cover",
        "core/image",
        "core/post-author",
        "core/post-featured-image",
        "core/site-logo",
    }
)
NOT_KEY_CHARACTER = re.compile(r"[^a-z0-9_\-]")
# Blocks that render their colors themselves (``__experimentalSkipSerialization`` of color).
COLOR_SERIALIZATION_SKIPPED = frozenset({"core/button", "core/search", "core/separator", "core/table"})
# Blocks that render their block gap themselves.
GAP_SERIALIZATION_SKIPPED = frozenset({"core/gallery"})
JUSTIFICATIONS = {"left", "right", "center"}
VERTICAL_ALIGNMENTS = {"top", "center", "bottom"}
UNSAFE_GAP = re.compile(r"[\\(&=}]|/\*")
FIRST_TAG = re.compile(r"<[^>]+>")
NOT_TITLE_CHARACTER = re.compile(r"[^a-z0-9_-]+")


def _php_array(block: Block) -> dict[str, Any]:
    return {
        "blockName": block.name,
        "attrs": block.attrs,
        "innerBlocks": [_php_array(b) for b in block.inner_blocks],
        "innerHTML": block.inner_html,
        "innerContent": block.inner_content,
    }


def elements_support(html: str, block: Block) -> str:
    if not html or block.name in COLOR_SERIALIZATION_SKIPPED:
        return html
    if nested(block.attrs, "style", "elements", "link", "color", "text") is None:
        return html
    serialized = php_serialize(_php_array(block))
    class_name = "wp-elements-" + hashlib.md5(serialized.encode()).hexdigest()
    first = FIRST_TAG.search(html)
    if first is not None and 'class="' in first.group(0):
        return html.replace('class="', f'class="{class_name} ', 1)
    if first is None:
        # Without any tag WordPress computes the position from nothing: before the last byte.
        data = html.encode()
        return (data[:-1] + f' class="{class_name}"'.encode() + data[-1:]).decode(errors="replace")
    insert_at = first.end() - 1
    return html[:insert_at] + f' class="{class_name}"' + html[insert_at:]


def _sanitized_gap(gap: Any) -> Any:
    if isinstance(gap, dict):
        return {k: (None if isinstance(v, str) and v and UNSAFE_GAP.search(v) else v) for k, v in gap.items()}
    return None if isinstance(gap, str) and gap and UNSAFE_GAP.search(gap) else gap


def _needs_stylesheet(layout: dict[str, Any], layout_type: Any, gap: Any) -> bool:
    """Whether ``wp_get_layout_style`` produces any CSS (then the block gets a container class)."""
    if layout_type in ("default", "constrained"):
        top_gap = gap.get("top") if isinstance(gap, dict) else gap
        if top_gap is not None:
            return True
        if layout_type == "default":
            return False
        return (
            php_truthy(layout.get("contentSize"))
            or php_truthy(layout.get("wideSize"))
            or layout.get("justifyContent", "center") in ("left", "right")
        )
    if layout_type != "flex":
        return False
    if php_truthy(layout.get("flexWrap")) and layout.get("flexWrap") == "nowrap":
        return True
    if gap is not None and not (isinstance(gap, str) and gap.strip() == ""):
        return True
    if layout.get("orientation", "horizontal") != "horizontal":
        return True
    return _key_in(layout.get("justifyContent"), JUSTIFICATIONS | {"space-between"}) or _key_in(
        layout.get("verticalAlignment"), VERTICAL_ALIGNMENTS
    )


def _key_in(value: Any, keys: set[str] | frozenset[str]) -> bool:
    return php_truthy(value) and isinstance(value, str | int) and php_string(value) in keys


def _title(text: Any) -> str:
    return NOT_TITLE_CHARACTER.sub("-", php_string(text).lower()).strip("-")


def layout_support(html: str, name: str | None, attrs: Any, state: RenderState) -> str:
    if name not in LAYOUT_DEFAULTS:
        return html
    attrs = attrs if isinstance(attrs, dict) else {}
    layout = attrs.get("layout")
    if layout is None:  # PHP's isset(): a null layout is no layout
        layout = LAYOUT_DEFAULTS[name]
    layout = dict(layout) if isinstance(layout, dict) else {}
    container = state.next_unique_id("wp-container-")
    if php_truthy(layout.get("inherit")) or php_truthy(layout.get("contentSize")):
        layout["type"] = "constrained"
    layout_type = layout.get("type")
    if layout_type is None:
        layout_type = "default"
    own = attrs.get("layout") if isinstance(attrs.get("layout"), dict) else {}
    classes = ["has-global-padding"] if layout_type == "constrained" else []
    if php_truthy(own.get("orientation")):
        classes.append("is-" + _title(own["orientation"]))
    if php_truthy(own.get("justifyContent")):
        classes.append("is-content-justification-" + _title(own["justifyContent"]))
    if own.get("flexWrap") == "nowrap":
        classes.append("is-nowrap")
    layout_class = LAYOUT_CLASSES.get(layout_type) if isinstance(layout_type, str) else None
    if layout_class:
        classes.append(layout_class)
    gap = None if name in GAP_SERIALIZATION_SKIPPED else _sanitized_gap(nested(attrs, "style", "spacing", "blockGap"))
    if _needs_stylesheet(layout, layout_type, gap):
        classes.append(container)
    return html.replace('class="', f'class="{" ".join(classes)} ', 1)


def duotone_support(html: str, block: Block, state: RenderState) -> str:
    """A block with a duotone filter gets the filter's class (its SVG and CSS go to the page, not here)."""
    colors = nested(block.attrs, "style", "color", "duotone")
    if block.name not in DUOTONE_BLOCKS or colors is None:
        return html
    key = "-".join(map(str, colors)) if isinstance(colors, list) else str(colors)
    slug = state.next_unique_id(NOT_KEY_CHARACTER.sub("", (key + "-").lower()))
    return html.replace('class="', f'class="wp-duotone-{slug} ', 1)


def apply_block_supports(html: str, block: Block, state: RenderState) -> str:
    """The ``render_block`` filters of block supports, in WordPress's order."""
    # Each filter is skipped where it would find nothing to do (most blocks have no support at all).
    name, attrs = block.name, block.attrs
    if name in DUOTONE_BLOCKS:
        html = duotone_support(html, block, state)
    if isinstance(attrs, dict) and "style" in attrs:
        html = elements_support(html, block)
    if name in LAYOUT_DEFAULTS:
        html = layout_support(html, name, attrs, state)
    return html
