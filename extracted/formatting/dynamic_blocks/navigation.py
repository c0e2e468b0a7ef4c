"""The navigation block: a menu of links, submenus and page lists in a ``<nav>``, responsive by default.

The menu's items are its own inner blocks, or those of the navigation menu it refers to (``ref``: a
``wp_navigation`` post of ``SiteData.navigation_menus``, whose title names the menu); a block with neither
falls back to the most recent navigation menu, else to a list of the pages. Links (and the home link,
site title and logo) are wrapped in one list. A responsive menu (``overlayMenu`` other than "never") sits
in a modal with open and close buttons, numbered with the request's unique ids; a menu title shown
again in the same request gets a number (``RenderState.navigation_names``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..block_data import provided_context
from ..blocks import Block, BlockRenderer, parse_blocks
from ..errors import WordPressFatalError
from ..html import escape_attribute
from ..phpdata import nested, php_numeric, php_string, php_truthy
from ..safecss import safecss_filter_attr
from ..types import PostContext, SiteData, SitePost
from .wrapper import wrapper_attributes

LISTED_ITEMS = frozenset(
    {"core/navigation-link", "core/home-link", "core/site-title", "core/site-logo", "core/navigation-submenu"}
)
JUSTIFICATION_CLASSES = {
    "left": "items-justified-left",
    "right": "items-justified-right",
    "center": "items-justified-center",
    "space-between": "items-justified-space-between",
}
OPEN_ICON = (
    '<svg width="24" height="24" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" aria-hidden="true" '
    'focusable="false"><rect x="4" y="7.5" width="16" height="1.5" /><rect x="4" y="15" width="16" height="1.5" />'
    "</svg>"
)
MENU_ICON = (
    '<svg width="24" height="24" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M5 5v1.5h14V5H5z'
    'm0 7.8h14v-1.5H5v1.5zM5 19h14v-1.5H5V19z" /></svg>'
)
CLOSE_ICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" '
    'focusable="false"><path d="M13 11.8l6.1-6.3-1-1-6.1 6.2-6.1-6.2-1 1 6.1 6.3-6.5 6.7 1 1 6.5-6.6 6.5 6.6 1-1z">'
    "</path></svg>"
)


def _colors(attrs: Mapping[str, Any], prefix: str) -> tuple[list[str], str]:
    """The menu's (or, with prefix "Overlay", its overlay's) color classes and inline style."""
    classes: list[str] = []
    style = ""
    for kind, css, has_class, suffix in (
        ("Text", "color", "has-text-color", "color"),
        ("Background", "background-color", "has-background", "background-color"),
    ):
        named = (prefix[:1].lower() + prefix[1:] + kind if prefix else kind.lower()) + "Color"
        custom = f"custom{prefix}{kind}Color"
        if named in attrs or custom in attrs:
            classes.append(has_class)
        if named in attrs:
            classes.append(f"has-{php_string(attrs[named])}-{suffix}")
        elif custom in attrs:
            style += f"{css}: {php_string(attrs[custom])};"
    return classes, style


def _menu_blocks(content: str) -> list[Block]:
    """A navigation menu's blocks (``parse_blocks`` without the whitespace between them)."""
    return [block for block in parse_blocks(content) if block.name is not None]


def _referenced_menu(ref: Any, data: SiteData, current: PostContext) -> SitePost | None:
    """The post ``get_post($ref)`` finds: None for none; an empty ref is the post being rendered (its
    content, with this block in it, becomes the menu)."""
    if not php_truthy(ref) or (php_numeric(ref) and float(php_string(ref)) == 0):
        post_id = current.id
    elif php_numeric(ref) and float(php_string(ref)).is_integer():
        post_id = int(float(php_string(ref)))
    else:
        return None
    if post_id and post_id == current.id:
        found = data.post(post_id)
        title = found.title if found else ""
        return SitePost(id=post_id, title=title, content=current.content, status=current.status)
    return data.any_post(post_id) if post_id else None


def _fallback(data: SiteData) -> list[Block]:
    """The most recently published menu's blocks, else (none, or nothing in it) a page list."""
    published = (menu for menu in data.navigation_menus if menu.status == "publish")
    latest = max(published, key=lambda menu: (menu.date, menu.id), default=None)
    blocks = _menu_blocks(latest.content) if latest is not None else []
    return blocks or [Block("core/page-list")]


def _layout_classes(attrs: Mapping[str, Any]) -> str:
    """The legacy classes of the menu's layout (justification, orientation, wrapping)."""
    layout = attrs.get("layout")
    classes = ""
    justification = nested(layout, "justifyContent")
    if justification is not None:
        classes += JUSTIFICATION_CLASSES.get(php_string(justification), "")
    if nested(layout, "orientation") == "vertical":
        classes += " is-vertical"
    if nested(layout, "flexWrap") == "nowrap":
        classes += " no-wrap"
    return classes


def _items(blocks: list[Block], renderer: BlockRenderer, context: Mapping[str, Any]) -> str:
    """The menu's items, links wrapped in one list (the site title, and a logo, each in a list item)."""
    html = ""
    listing = False
    for block in blocks:
        listed = block.name in LISTED_ITEMS
        if listed != listing:
            html += '<ul class="wp-block-navigation__container">' if listed else "</ul>"
            listing = listed
        rendered = renderer.render(block, context)
        if block.name == "core/site-title" or (block.name == "core/site-logo" and php_truthy(rendered)):
            rendered = f'<li class="wp-block-navigation-item">{rendered}</li>'
        html += rendered
    return html + ("</ul>" if listing else "")


def _responsive(attrs: Mapping[str, Any], modal: str, items: str) -> str:
    """The modal holding a responsive menu, with its open and close buttons."""
    hidden = attrs.get("overlayMenu") == "always"
    overlay_classes, overlay_style = _colors(attrs, "Overlay")
    container_classes = " ".join(
        ["wp-block-navigation__responsive-container", "hidden-by-default" if hidden else "", " ".join(overlay_classes)]
    )
    open_classes = "wp-block-navigation__responsive-container-open " + ("always-shown" if hidden else "")
    with_icon = attrs.get("hasIcon") is True
    open_content = (MENU_ICON if attrs.get("icon") == "menu" else OPEN_ICON) if with_icon else "Menu"
    close_content = CLOSE_ICON if with_icon else "Close"
    open_label = 'aria-label="Open menu"' if with_icon else ""
    close_label = 'aria-label="Close menu"' if with_icon else ""
    overlay_style = escape_attribute(safecss_filter_attr(overlay_style))
    return (
        f'<button aria-haspopup="true" {open_label} class="{open_classes}" data-micromodal-trigger="{modal}">'
        f"{open_content}</button>\n"
        f'\t\t\t<div class="{container_classes}" style="{overlay_style}" id="{modal}">\n'
        '\t\t\t\t<div class="wp-block-navigation__responsive-close" tabindex="-1" data-micromodal-close>\n'
        '\t\t\t\t\t<div class="wp-block-navigation__responsive-dialog" aria-label="Menu">\n'
        f"\t\t\t\t\t\t\t<button {close_label} data-micromodal-close "
        f'class="wp-block-navigation__responsive-container-close">{close_content}</button>\n'
        f'\t\t\t\t\t\t<div class="wp-block-navigation__responsive-container-content" id="{modal}-content">\n'
        f"\t\t\t\t\t\t\t{items}\n"
        "\t\t\t\t\t\t</div>\n"
        "\t\t\t\t\t</div>\n"
        "\t\t\t\t</div>\n"
        "\t\t\t</div>"
    )


def render_navigation(block: Block, renderer: BlockRenderer, data: SiteData, current: PostContext) -> str:
    state = renderer.state
    if block.inner_blocks:  # WordPress's first, discarded, rendering of the block's own items
        renderer.render_inner(block, provided_context(block))
    attrs = block.attributes
    for color in ("Text", "Background"):
        if attrs.get(f"rgb{color}Color") is not None and not php_truthy(attrs.get(f"{color.lower()}Color")):
            attrs[f"custom{color}Color"] = attrs[f"rgb{color}Color"]
        attrs.pop(f"rgb{color}Color", None)
    responsive = (attrs.get("overlayMenu") is not None and attrs["overlayMenu"] != "never") or php_truthy(
        attrs.get("isResponsive")
    )
    if "navigationMenuId" in attrs:
        attrs["ref"] = attrs["navigationMenuId"]
    name = ""
    shown = 0
    blocks: list[Block] | None = block.inner_blocks or None  # None: no items, fall back
    context = provided_context(block)
    if "ref" in attrs:
        menu = _referenced_menu(attrs["ref"], data, current)
        if menu is None:
            return ""
        if menu.status == "publish":
            if menu.id in state.navigation_menus_shown:  # a menu within itself: PHP recurses until it dies
                raise WordPressFatalError(f"navigation menu {menu.id} contains itself")
            name, blocks = menu.title, _menu_blocks(menu.content)
            state.navigation_names[name] = state.navigation_names.get(name, 0) + 1
            context = attrs  # the menu's blocks get the block's attributes as their context
            shown = menu.id
    fallback = blocks is None
    if blocks is None:
        blocks, context = _fallback(data), attrs
    decoration = nested(attrs, "style", "typography", "textDecoration")
    classes, style = _colors(attrs, "")
    if "fontSize" in attrs:
        classes.append(f"has-{php_string(attrs['fontSize'])}-font-size")
    elif "customFontSize" in attrs:
        style += f"font-size: {php_string(attrs['customFontSize'])}px;"
    layout_class = _layout_classes(attrs)
    classes += ["is-responsive"] if responsive else []
    classes += [layout_class] if layout_class else []
    classes += ["is-fallback"] if fallback else []
    classes += [f"has-text-decoration-{php_string(decoration)}"] if php_truthy(decoration) else []
    state.navigation_menus_shown.append(shown)
    try:
        items = _items(blocks, renderer, context)
    finally:
        state.navigation_menus_shown.pop()
    if state.navigation_names.get(name, 0) > 1:
        name = f"{name} {state.navigation_names[name]}"
    styles = php_string(attrs.get("styles", ""))
    wrapper = wrapper_attributes(
        block,
        **{"class": " ".join(classes), "style": styles + style, "aria-label": name},
    )
    modal = state.next_unique_id("modal-")
    if not responsive:
        return f"<nav {wrapper}>{items}</nav>"
    return f"<nav {wrapper}>{_responsive(attrs, modal, items)}</nav>"
