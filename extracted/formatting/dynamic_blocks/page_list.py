"""The page list block: the published pages as nested lists of links, alone or as a navigation menu's items.

Pages are ordered by menu order, then title (then id); a page whose parent is not published is left out,
as WordPress leaves it. The page being rendered is the current item, its ancestors current ancestors.
Inside a navigation menu (its context gives ``showSubmenuIcon``) the items are menu items: the menu's
colors and font size, submenu toggles (a button opening on click, or an icon besides the link), and the
menu's overlay colors on the first level of submenus.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..blocks import Block
from ..html import escape_attribute, escape_html
from ..kses import kses_post_text
from ..phpdata import nested, php_string, php_truthy
from ..strip_tags import strip_all_tags
from ..types import SiteData, SiteOptions, SitePost
from ..urls import esc_url
from .links import post_permalink
from .navigation_links import SUBMENU_ICON, context_font_size
from .style_engine import kebab_case
from .wrapper import wrapper_attributes


def _ancestors(pages: dict[int, SitePost], page_id: int) -> set[int]:
    found: set[int] = set()
    parent = pages[page_id].parent if page_id in pages else 0
    while parent and parent not in found:
        found.add(parent)
        parent = pages[parent].parent if parent in pages else 0
    return found


@dataclass(frozen=True)
class Colors:
    """``block_core_page_list_build_css_colors``: the menu's colors, and its submenus' (overlay) colors."""

    classes: list[str]
    style: str
    overlay_classes: list[str]
    overlay_style: str

    @classmethod
    def of(cls, context: Mapping[str, Any]) -> Colors:
        classes: list[str] = []
        style = ""
        for kind, css, has_class, suffix in (
            ("text", "color", "has-text-color", "color"),
            ("background", "background-color", "has-background", "background-color"),
        ):
            named, custom = f"{kind}Color", f"custom{kind.title()}Color"
            styled = nested(context, "style", "color", kind)
            if styled is not None or custom in context or named in context:
                classes.append(has_class)
            if named in context:
                classes.append(f"has-{kebab_case(php_string(context[named]))}-{suffix}")
            elif custom in context:
                style += f"{css}: {php_string(context[custom])};"
            elif styled is not None:
                style += f"{css}: {php_string(styled)};"
        overlay_classes: list[str] = []
        overlay_style = ""
        for kind, css, has_class, suffix in (
            ("Text", "color", "has-text-color", "color"),
            ("Background", "background-color", "has-background", "background-color"),
        ):
            named, custom = f"overlay{kind}Color", f"customOverlay{kind}Color"
            if named in context or custom in context:
                overlay_classes.append(has_class)
            if named in context:
                overlay_classes.append(f"has-{kebab_case(php_string(context[named]))}-{suffix}")
            elif custom in context:
                overlay_style += f"{css}: {php_string(context[custom])};"
        return cls(classes, style, overlay_classes, overlay_style)


@dataclass(frozen=True)
class _PageTree:
    children: dict[int, list[SitePost]]  # by parent id, in display order
    site: SiteOptions
    data: SiteData
    current: int
    ancestors: set[int]
    colors: Colors
    in_navigation: bool = False
    open_on_click: bool = False
    show_icons: bool = False

    def items(self, parent: int, depth: int) -> str:
        return "".join(self.item(page, depth) for page in self.children.get(parent, []))

    def item(self, page: SitePost, depth: int) -> str:
        has_children = page.id in self.children
        classes = " current-menu-item" if page.id == self.current else ""
        classes += " current-menu-ancestor" if page.id in self.ancestors else ""
        classes += " has-child" if has_children else ""
        if self.in_navigation:
            classes += " wp-block-navigation-item"
            classes += " open-on-click" if self.open_on_click else " open-on-hover-click" if self.show_icons else ""
        style = ""
        if depth == 1:  # the first level of submenus gets the overlay colors
            classes += " " + " ".join(self.colors.overlay_classes).strip()
            if self.colors.overlay_style:
                style = f' style="{escape_attribute(self.colors.overlay_style)}"'
        if page.id == self.site.page_on_front:  # whatever ``show_on_front`` says
            classes += " menu-item-home"
        title = kses_post_text(page.title)
        aria_label = escape_attribute(f"{strip_all_tags(title)} submenu")
        content_class = " wp-block-navigation-item__content" if self.in_navigation else ""
        html = f'<li class="wp-block-pages-list__item{escape_attribute(classes)}"{style}>'
        if has_children and self.in_navigation and self.open_on_click:
            html += (
                f'<button aria-label="{aria_label}" class="{content_class} wp-block-navigation-submenu__toggle" '
                f'aria-expanded="false">{escape_html(title)}</button><span class="wp-block-page-list__submenu-icon '
                f'wp-block-navigation__submenu-icon">{SUBMENU_ICON}</span>'
            )
        else:
            aria = ' aria-current="page"' if page.id == self.current else ""
            link = esc_url(post_permalink(self.site, self.data, page))
            html += f'<a class="wp-block-pages-list__item__link{content_class}" href="{link}"{aria}>{title}</a>'
        if has_children:
            if self.in_navigation and self.show_icons and not self.open_on_click:
                html += (
                    f'<button aria-label="{aria_label}" class="wp-block-navigation__submenu-icon '
                    f'wp-block-navigation-submenu__toggle" aria-expanded="false">{SUBMENU_ICON}</button>'
                )
            submenu_class = " wp-block-navigation__submenu-container" if self.in_navigation else ""
            html += f'<ul class="submenu-container{submenu_class}">{self.items(page.id, depth + 1)}</ul>'
        return html + "</li>"


def render_page_list(block: Block, site: SiteOptions, data: SiteData, current: int) -> str:
    pages = sorted(
        (p for p in data.posts if p.post_type == "page"), key=lambda p: (p.menu_order, p.title.lower(), p.id)
    )
    if not pages:
        return ""
    children: dict[int, list[SitePost]] = {}
    for page in pages:
        children.setdefault(page.parent, []).append(page)
    ancestors = _ancestors({p.id: p for p in pages}, current)
    context = block.context
    colors = Colors.of(context)
    font_classes, font_style = context_font_size(context, kebab=False)
    tree = _PageTree(
        children,
        site,
        data,
        current,
        ancestors,
        colors,
        in_navigation="showSubmenuIcon" in context,
        open_on_click=php_truthy(context.get("openSubmenusOnClick", False)),
        show_icons=php_truthy(context.get("showSubmenuIcon", False)),
    )
    wrapper = wrapper_attributes(
        block,
        **{"class": " ".join(colors.classes + font_classes).strip(), "style": colors.style + font_style},
    )
    return f"<ul {wrapper}>{tree.items(0, 0)}</ul>"
