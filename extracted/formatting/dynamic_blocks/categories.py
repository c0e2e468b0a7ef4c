"""The categories block: the site's categories as a list of links or a dropdown, flat or as a tree.

Categories are ordered by name (ties by id); empty ones are hidden unless the block shows them. Counts
are the categories' own published posts (not padded with their subcategories').
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..blocks import Block
from ..html import escape_attribute, escape_url
from ..types import RenderState, SiteData, SiteOptions, SiteTerm
from .links import term_link
from .terms import term_counts
from .wrapper import wrapper_attributes

DROPDOWN_SCRIPT = """\t<script type='text/javascript'>
\t/* <![CDATA[ */
\t( function() {{
\t\tvar dropdown = document.getElementById( '{id}' );
\t\tfunction onCatChange() {{
\t\t\tif ( dropdown.options[ dropdown.selectedIndex ].value > 0 ) {{
\t\t\t\tlocation.href = "{home}/?cat=" + dropdown.options[ dropdown.selectedIndex ].value;
\t\t\t}}
\t\t}}
\t\tdropdown.onchange = onCatChange;
\t}})();
\t/* ]]> */
\t</script>
\t"""


def _categories(data: SiteData, attrs: dict[str, Any], counts: dict[int, int]) -> list[SiteTerm]:
    found = [t for t in data.terms if t.taxonomy == "category"]
    if not attrs.get("showEmpty"):
        found = [t for t in found if counts.get(t.id, 0) > 0]
    if attrs.get("showOnlyTopLevel"):
        found = [t for t in found if t.parent == 0]
    return sorted(found, key=lambda t: (t.name.lower(), t.id))


def _tree(terms: list[SiteTerm], hierarchical: bool) -> Iterator[tuple[SiteTerm, int]]:
    """``Walker::walk``: (term, depth) in display order; orphans of a tree come last, at the top level."""
    if not hierarchical:
        yield from ((t, 0) for t in terms)
        return
    children: dict[int, list[SiteTerm]] = {}
    for term in terms:
        children.setdefault(term.parent, []).append(term)
    root = 0 if 0 in children else terms[0].parent
    shown: set[int] = set()

    def walk(parent: int, depth: int) -> Iterator[tuple[SiteTerm, int]]:
        for term in children.get(parent, []):
            shown.add(term.id)
            yield term, depth
            yield from walk(term.id, depth + 1)

    yield from walk(root, 0)
    yield from ((t, 0) for t in terms if t.id not in shown)


def _list(
    terms: list[SiteTerm], attrs: dict[str, Any], site: SiteOptions, data: SiteData, counts: dict[int, int]
) -> str:
    if not terms:
        return '<li class="cat-item-none">No categories</li>'
    html, depth_open = "", 0
    for term, depth in _tree(terms, bool(attrs.get("showHierarchy"))):
        html, depth_open = _close_levels(html, depth_open, depth)
        if depth > depth_open:
            html = html[: -len("</li>\n")] + "\t" * (depth - 1) + "<ul class='children'>\n"
            depth_open = depth
        count = f" ({counts.get(term.id, 0)})" if attrs.get("showPostCounts") else ""
        link = f'<a href="{escape_url(term_link(site, data, term))}">{escape_attribute(term.name)}</a>{count}'
        html += f'\t<li class="cat-item cat-item-{term.id}">{link}\n</li>\n'
    html, _ = _close_levels(html, depth_open, 0)
    return html


def _close_levels(html: str, open_depth: int, depth: int) -> tuple[str, int]:
    while open_depth > depth:
        open_depth -= 1
        html += "\t" * open_depth + "</ul>\n</li>\n"
    return html, open_depth


def _dropdown(terms: list[SiteTerm], attrs: dict[str, Any], dropdown_id: str, counts: dict[int, int]) -> str:
    html = f"<select  name='cat' id='{dropdown_id}' class='postform'>\n"
    if not terms:
        return html + "\t<option value='-1' selected='selected'>Select Category</option>\n</select>\n"
    html += "\t<option value='-1'>Select Category</option>\n"
    for term, depth in _tree(terms, bool(attrs.get("showHierarchy"))):
        count = f"&nbsp;&nbsp;({counts.get(term.id, 0)})" if attrs.get("showPostCounts") else ""
        html += f'\t<option class="level-{depth}" value="{term.id}">{"&nbsp;" * 3 * depth}{term.name}{count}</option>\n'
    return html + "</select>\n"


def render_categories(block: Block, site: SiteOptions, data: SiteData, state: RenderState) -> str:
    state.category_blocks += 1
    attrs: dict[str, Any] = block.attrs if isinstance(block.attrs, dict) else {}
    counts = term_counts(data)
    terms = _categories(data, attrs, counts)
    if attrs.get("displayAsDropdown"):
        dropdown_id = f"wp-block-categories-{state.category_blocks}"
        select = _dropdown(terms, attrs, dropdown_id, counts)
        select = select.replace(
            "</select>", "</select>" + DROPDOWN_SCRIPT.format(id=dropdown_id, home=site.home_url), 1
        )
        wrapper = wrapper_attributes("core/categories", attrs, **{"class": "wp-block-categories-dropdown"})
        label = f'<label class="screen-reader-text" for="{dropdown_id}">Categories</label>'
        return f"<div {wrapper}>{label}{select}</div>"
    wrapper = wrapper_attributes("core/categories", attrs, **{"class": "wp-block-categories-list"})
    return f"<ul {wrapper}>{_list(terms, attrs, site, data, counts)}</ul>"
