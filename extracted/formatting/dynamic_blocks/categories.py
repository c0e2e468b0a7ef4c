"""The categories block: the site's categories as a list of links or a dropdown, flat or as a tree.

As ``get_terms`` finds them: empty categories are hidden unless the block shows them, but a tree keeps
an empty category with a non-empty descendant; a tree with counts pads each category's count with its
descendants' posts (``_pad_term_counts``: distinct published posts, through the categories listed).

Categories are ordered by name, ties by id. MariaDB's order of two categories with the same name is
not the data's: the query (``ORDER BY t.name``, ``term_taxonomy`` scanned first) sorts a temporary
in-memory table whose ties fall to the rows' references, i.e. the rows' memory addresses compared as
little-endian bytes (seen on 10.11: the same order on every run of a server, not derivable from the rows).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..blocks import Block
from ..html import escape_attribute
from ..phpdata import php_truthy
from ..types import RenderState, SiteData, SiteOptions, SiteTerm
from ..urls import esc_url
from .links import term_link
from .terms import term_counts, term_descendants
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


def _categories(data: SiteData, attrs: dict[str, Any], stored: dict[int, int]) -> tuple[list[SiteTerm], dict[int, int]]:
    """The categories listed and their counts (padded for a tree with counts)."""
    every = [t for t in data.terms if t.taxonomy == "category"]
    found = [t for t in every if t.parent == 0] if attrs.get("showOnlyTopLevel") else every
    tree, hide_empty = bool(attrs.get("showHierarchy")), not attrs.get("showEmpty")
    if hide_empty and not tree:
        found = [t for t in found if stored.get(t.id, 0) > 0]
    counts = _padded_counts(data, every, found, stored) if tree and attrs.get("showPostCounts") else dict(stored)
    if hide_empty and tree:
        found = [
            t for t in found if counts.get(t.id, 0) or any(stored.get(d, 0) for d in term_descendants(every, t.id))
        ]
    return sorted(found, key=lambda t: (t.name.lower(), t.id)), counts


def _padded_counts(
    data: SiteData, every: list[SiteTerm], listed: list[SiteTerm], stored: dict[int, int]
) -> dict[int, int]:
    """``_pad_term_counts``: a listed category's distinct published posts with those of the listed categories
    under it (the walk up stops at a category not listed); counts stay as stored without any subcategory."""
    counts = dict(stored)
    if not any(t.parent for t in every):
        return counts
    by_id = {t.id: t for t in listed}
    items: dict[int, set[int]] = {}
    for post in data.posts:
        if post.post_type == "post":
            for term_id in by_id.keys() & set(post.terms):
                items.setdefault(term_id, set()).add(post.id)
    for term_id in by_id:
        child, ancestors = term_id, []
        while child in by_id and (parent := by_id[child].parent):
            ancestors.append(child)
            items.setdefault(parent, set()).update(items.get(term_id, ()))
            child = parent
            if parent in ancestors:
                break
    counts.update({term_id: len(posts) for term_id, posts in items.items() if term_id in by_id and posts})
    return counts


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
        link = f'<a href="{esc_url(term_link(site, data, term))}">{escape_attribute(term.name)}</a>{count}'
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
    # The block's options are flags, read as PHP reads them (``! empty()``).
    attrs = {name: php_truthy(value) for name, value in block.attributes.items()}
    terms, counts = _categories(data, attrs, term_counts(data))
    if attrs.get("displayAsDropdown"):
        dropdown_id = f"wp-block-categories-{state.category_blocks}"
        select = _dropdown(terms, attrs, dropdown_id, counts)
        select = select.replace(
            "</select>", "</select>" + DROPDOWN_SCRIPT.format(id=dropdown_id, home=site.home_url), 1
        )
        wrapper = wrapper_attributes(block, **{"class": "wp-block-categories-dropdown"})
        label = f'<label class="screen-reader-text" for="{dropdown_id}">Categories</label>'
        return f"<div {wrapper}>{label}{select}</div>"
    wrapper = wrapper_attributes(block, **{"class": "wp-block-categories-list"})
    return f"<ul {wrapper}>{_list(terms, attrs, site, data, counts)}</ul>"
