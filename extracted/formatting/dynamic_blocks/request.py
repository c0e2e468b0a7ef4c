"""Blocks about the page being viewed: in a REST request there is none, so they render nothing.

WordPress renders these from the main query of a page view: the previous/next post links need a single
post's page (``is_singular``), the query title an archive or a search, the term description a term's
archive. A REST request's main query is none of these.
"""

from __future__ import annotations

from ..blocks import Block

NOT_A_PAGE_VIEW = frozenset({"core/post-navigation-link", "core/term-description"})


def render_query_title(block: Block, saved: str) -> str:
    """Empty for the title of an archive or a search (the only kinds in WordPress 6.1)."""
    kind = block.attributes.get("type")
    return "" if kind in (None, "", "archive", "search") else saved
