"""The items of a navigation menu: links, submenus and the home link, styled from the menu's context.

A menu item takes its colors and font size from its navigation block (block context): named colors as
classes, custom ones inline; an item inside a submenu (``isTopLevelLink``/``isTopLevelItem`` false) prefers
the menu's overlay colors. A link to a post or page that is not published renders nothing, nor does an
item without a label. WordPress renders an item's children twice (once for the block's own content, which
it throws away, once for the item): counters such as unique ids advance twice, so the renderer does too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..block_data import provided_context
from ..blocks import Block, BlockRenderer
from ..errors import UnsupportedContentError
from ..html import escape_attribute
from ..kses import kses_post_text
from ..phpdata import nested, php_string, php_truthy
from ..strip_tags import strip_all_tags
from ..types import SiteData, SiteOptions
from ..urls import esc_url
from .style_engine import kebab_case
from .wrapper import wrapper_attributes

SUBMENU_ICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="12" height="12" viewBox="0 0 12 12" fill="none" '
    'aria-hidden="true" focusable="false"><path d="M1.50002 4L6.00002 8L10.5 4" stroke-width="1.5"></path></svg>'
)


# (kind, CSS property, classes, the menu's custom color, its named color, the submenus' custom and named colors)
_COLORS = (
    (
        "text",
        "color",
        ("has-text-color", "-color"),
        "customTextColor",
        "textColor",
        "customOverlayTextColor",
        "overlayTextColor",
    ),
    (
        "background",
        "background-color",
        ("has-background", "-background-color"),
        "customBackgroundColor",
        "backgroundColor",
        "customOverlayBackgroundColor",
        "overlayBackgroundColor",
    ),
)


def item_colors(context: Mapping[str, Any], in_submenu: bool) -> tuple[list[str], str]:
    """A link's or submenu's color classes and inline style: the overlay colors inside a submenu, else
    the menu's custom, named, then style colors."""
    classes: list[str] = []
    style = ""
    for kind, css, (has_class, suffix), custom_key, named_key, overlay_custom_key, overlay_named_key in _COLORS:
        named: Any = None
        custom: Any = None
        if in_submenu and overlay_custom_key in context:
            custom = context[overlay_custom_key]
        elif in_submenu and overlay_named_key in context:
            named = context[overlay_named_key]
        elif custom_key in context:
            custom = context[custom_key]
        elif named_key in context:
            named = context[named_key]
        else:
            custom = nested(context, "style", "color", kind)
        if named is not None:
            classes += [has_class, f"has-{php_string(named)}{suffix}"]
        elif custom is not None:
            classes.append(has_class)
            style += f"{css}: {php_string(custom)};"
    return classes, style


def context_font_size(context: Mapping[str, Any], kebab: bool = False) -> tuple[list[str], str]:
    """The menu's font size: a named one as a class, a custom one inline."""
    if "fontSize" in context:
        slug = php_string(context["fontSize"])
        return [f"has-{kebab_case(slug) if kebab else slug}-font-size"], ""
    if nested(context, "style", "typography", "fontSize") is not None:
        # WordPress makes it fluid (a clamp() computed for the theme's viewports): not done here.
        raise UnsupportedContentError("a custom font size of a navigation menu is not rendered yet")
    return [], ""


def _discarded_rendering(block: Block, renderer: BlockRenderer) -> None:
    """WordPress renders a block's children as its content before calling its renderer (which ignores it)."""
    if block.inner_blocks:
        renderer.render_inner(block, provided_context(block))


def _render_children(block: Block, renderer: BlockRenderer) -> str:
    context = provided_context(block)
    return "".join(renderer.render(child, context) for child in block.inner_blocks)


def _post_id(value: Any) -> int | None:
    """The post ``get_post`` finds for an id: None for no post (0 is the current post)."""
    number = float(php_string(value).strip())
    return int(number) if number.is_integer() else None


def _unpublished(attrs: Mapping[str, Any], data: SiteData, current: int) -> bool:
    """A link to a post or page (by id) that a visitor may not see."""
    post_type = attrs.get("kind") == "post-type" or attrs.get("type") in ("post", "page")
    if not post_type or "id" not in attrs:
        return False
    post_id = _post_id(attrs["id"])
    if post_id == 0:  # get_post(0) is the global post: the one being rendered
        return not current
    return post_id is None or data.any_post(post_id) is None


def _anchor_attributes(attrs: Mapping[str, Any], active: bool) -> str:
    html = ' aria-current="page"' if active else ""
    if attrs.get("opensInNewTab") is True:
        html += ' target="_blank"  '
    if attrs.get("rel") is not None:
        html += f' rel="{escape_attribute(php_string(attrs["rel"]))}"'
    elif php_truthy(attrs.get("nofollow")):
        html += ' rel="nofollow"'
    if attrs.get("title") is not None:
        html += f' title="{escape_attribute(php_string(attrs["title"]))}"'
    return html


def _item_wrapper(block: Block, in_submenu: bool, classes: str) -> str:
    colors, style = item_colors(block.context, in_submenu)
    sizes, size_style = context_font_size(block.context)
    own = " ".join(colors + sizes).strip()
    return wrapper_attributes(block, **{"class": own + classes, "style": style + size_style})


def render_navigation_link(block: Block, renderer: BlockRenderer, data: SiteData, current: int) -> str:
    _discarded_rendering(block, renderer)
    attrs = block.attributes
    if _unpublished(attrs, data, current) or not php_truthy(attrs.get("label")):
        return ""
    has_submenu = bool(block.inner_blocks)
    in_submenu = "isTopLevelLink" in attrs and not attrs["isTopLevelLink"]
    # The current item is the page's queried object: a REST request has none.
    classes = " wp-block-navigation-item" + (" has-child" if has_submenu else "")
    html = f"<li {_item_wrapper(block, in_submenu, classes)}>"
    html += '<a class="wp-block-navigation-item__content" '
    if attrs.get("url") is not None:
        html += f' href="{esc_url(php_string(attrs["url"]))}"'
    html += _anchor_attributes(attrs, False) + '><span class="wp-block-navigation-item__label">'
    html += kses_post_text(php_string(attrs["label"])) + "</span>"
    if php_truthy(attrs.get("description")):
        description = kses_post_text(php_string(attrs["description"]))
        html += f'<span class="wp-block-navigation-item__description">{description}</span>'
    html += "</a>"
    if php_truthy(block.context.get("showSubmenuIcon")) and has_submenu:
        html += f'<span class="wp-block-navigation__submenu-icon">{SUBMENU_ICON}</span>'
    if has_submenu:
        html += f'<ul class="wp-block-navigation__submenu-container">{_render_children(block, renderer)}</ul>'
    return html + "</li>"


def render_navigation_submenu(block: Block, renderer: BlockRenderer, data: SiteData, current: int) -> str:
    _discarded_rendering(block, renderer)
    attrs = block.attributes
    if _unpublished(attrs, data, current) or not php_truthy(attrs.get("label")):
        return ""
    context = block.context
    has_submenu = bool(block.inner_blocks)
    in_submenu = "isTopLevelItem" in attrs and not attrs["isTopLevelItem"]
    active = bool(current) and php_truthy(attrs.get("id")) and int(float(php_string(attrs["id"]).strip())) == current
    show_icons = php_truthy(context.get("showSubmenuIcon"))
    on_click = php_truthy(context.get("openSubmenusOnClick"))
    on_hover_and_click = context.get("openSubmenusOnClick") is not None and not on_click and show_icons
    classes = (
        " wp-block-navigation-item"
        + (" has-child" if has_submenu else "")
        + (" open-on-click" if on_click else "")
        + (" open-on-hover-click" if on_hover_and_click else "")
        + (" current-menu-item" if active else "")
    )
    label = kses_post_text(php_string(attrs["label"])) if attrs.get("label") is not None else ""
    aria_label = escape_attribute(f"{strip_all_tags(label)} submenu")
    html = f"<li {_item_wrapper(block, in_submenu, classes)}>"
    if not on_click:
        html += '<a class="wp-block-navigation-item__content"'
        url = php_string(attrs.get("url"))
        if php_truthy(url):
            html += f' href="{esc_url(url)}"'
        html += _anchor_attributes(attrs, bool(active)) + f">{label}</a>"
        if show_icons:
            html += (
                f'<button aria-label="{aria_label}" class="wp-block-navigation__submenu-icon '
                f'wp-block-navigation-submenu__toggle" aria-expanded="false">{SUBMENU_ICON}</button>'
            )
    else:
        html += (
            f'<button aria-label="{aria_label}" class="wp-block-navigation-item__content '
            'wp-block-navigation-submenu__toggle" aria-expanded="false">'
            f'<span class="wp-block-navigation-item__label">{label}</span></button>'
            f'<span class="wp-block-navigation__submenu-icon">{SUBMENU_ICON}</span>'
        )
    if has_submenu:
        html += f'<ul class="wp-block-navigation__submenu-container">{_render_children(block, renderer)}</ul>'
    return html + "</li>"


def render_home_link(block: Block, site: SiteOptions) -> str:
    attrs = block.attributes
    if not php_truthy(attrs.get("label")):
        return ""
    context = block.context
    classes: list[str] = []
    style = ""
    text = nested(context, "style", "color", "text")
    if text is not None or "textColor" in context:
        classes.append("has-text-color")
    if "textColor" in context:
        classes.append(f"has-{php_string(context['textColor'])}-color")
    elif text is not None:
        style += f"color: {php_string(text)};"
    background = nested(context, "style", "color", "background")
    if background is not None or "backgroundColor" in context:
        classes.append("has-background")
    if "backgroundColor" in context:
        classes.append(f"has-{php_string(context['backgroundColor'])}-background-color")
    elif background is not None:
        style += f"background-color: {php_string(background)};"
    if "fontSize" in context:
        classes.append(f"has-{php_string(context['fontSize'])}-font-size")
    elif nested(context, "style", "typography", "fontSize") is not None:
        style += f"font-size: {php_string(nested(context, 'style', 'typography', 'fontSize'))};"
    wrapper = wrapper_attributes(
        block, **{"class": " ".join(classes).strip() + " wp-block-navigation-item", "style": style}
    )
    # WordPress's markup has the stray quote before rel (and no aria-current: a REST request is no home page).
    return (
        f'<li {wrapper}><a class="wp-block-home-link__content wp-block-navigation-item__content" '
        f'href="{esc_url(site.home_url)}" "rel="home">{kses_post_text(php_string(attrs["label"]))}</a></li>'
    )
