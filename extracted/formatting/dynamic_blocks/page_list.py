"""The page list block (outside a navigation menu): the published pages as nested lists of links.

Pages are ordered by menu order, then title (then id); a page whose parent is not published is left out,
as WordPress leaves it. The page being rendered is the current item, its ancestors current ancestors.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..blocks import Block
from ..html import escape_attribute, escape_url
from ..types import SiteData, SiteOptions, SitePost
from .links import permalink
from .wrapper import wrapper_attributes


def _ancestors(pages: dict[int, SitePost], page_id: int) -> set[int]:
    found: set[int] = set()
    parent = pages[page_id].parent if page_id in pages else 0
    while parent and parent not in found:
        found.add(parent)
        parent = pages[parent].parent if parent in pages else 0
    return found


@dataclass(frozen=True)
class _PageTree:
    children: dict[int, list[SitePost]]  # by parent id, in display order
    site: SiteOptions
    current: int
    ancestors: set[int]

    def items(self, parent: int, depth: int) -> str:
        html = ""
        for page in self.children.get(parent, []):
            classes = " current-menu-item" if page.id == self.current else ""
            classes += " current-menu-ancestor" if page.id in self.ancestors else ""
            classes += " has-child" if page.id in self.children else ""
            classes += " " if depth == 1 else ""  # the first submenu level gets the (here empty) overlay colors
            aria = ' aria-current="page"' if page.id == self.current else ""
            link = escape_url(permalink(self.site, page.id, "page"))
            html += (
                f'<li class="wp-block-pages-list__item{escape_attribute(classes)}">'
                f'<a class="wp-block-pages-list__item__link" href="{link}"{aria}>{page.title}</a>'
            )
            if page.id in self.children:
                html += f'<ul class="submenu-container">{self.items(page.id, depth + 1)}</ul>'
            html += "</li>"
        return html


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
    wrapper = wrapper_attributes("core/page-list", block.attrs)
    return f"<ul {wrapper}>{_PageTree(children, site, current, ancestors).items(0, 0)}</ul>"
