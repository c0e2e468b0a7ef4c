"""A query loop's pagination, on the loop's first page (a REST request asks for no other).

Pages are counted as WordPress counts them: all posts the query matches (its offset ignored), by page
size. Links are relative to the request's URL, as ``add_query_arg`` and ``paginate_links`` make them.
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlsplit

from ..blocks import Block
from ..html import escape_html, escape_url
from ..phpdata import php_string
from ..types import SiteData
from .query import matching_posts, page_size
from .wrapper import wrapper_attributes

ARROWS = {"arrow": {"next": "→", "previous": "←"}, "chevron": {"next": "»", "previous": "«"}}
END_SIZE, MID_SIZE = 1, 2


def _query(block: Block) -> dict[str, Any] | None:
    query = block.context.get("query")
    return query if isinstance(query, dict) and not query.get("inherit") else None


def page_count(block: Block, data: SiteData) -> int:
    """``max_num_pages`` of the loop's query, capped by the query's ``pages``."""
    query = _query(block)
    if query is None:
        return 0
    size = page_size(query)
    found = len(matching_posts(data, query))
    pages = math.ceil(found / size) if size else int(found > 0)
    limit = int(php_string(query.get("pages") or 0) or 0)
    return pages if not limit or limit > pages else limit


def _page_key(block: Block) -> str:
    query_id = block.context.get("queryId")
    return f"query-{php_string(query_id)}-page" if query_id is not None else "query-page"


def _arrow(block: Block, side: str) -> str:
    kind = block.context.get("paginationArrow")
    if kind not in ARROWS:
        return ""
    classes = f"wp-block-query-pagination-{side}-arrow is-arrow-{kind}"
    return f"<span class='{classes}' aria-hidden='true'>{ARROWS[kind][side]}</span>"


def render_next(block: Block, data: SiteData) -> str:
    if _query(block) is None or page_count(block, data) in (0, 1):
        return ""
    attrs = block.attrs if isinstance(block.attrs, dict) else {}
    label = escape_html(php_string(attrs["label"])) if attrs.get("label") else "Next Page"
    request = urlsplit(data.request_url)
    separator = "&" if request.query else "?"
    href = f"{request.path}{'?' + request.query if request.query else ''}{separator}{_page_key(block)}=2"
    wrapper = wrapper_attributes("core/query-pagination-next", attrs)
    return f'<a href="{escape_url(href)}" {wrapper}>{label}{_arrow(block, "next")}</a>'


def render_numbers(block: Block, data: SiteData) -> str:
    """``paginate_links`` for the first page: the first pages, dots, and the last pages."""
    total = page_count(block, data) if _query(block) is not None else 0
    if total < 2:
        return ""
    links, dots = [], False
    for number in range(1, total + 1):
        if number == 1:
            links.append(f'<span aria-current="page" class="page-numbers current">{number}</span>')
            dots = True
        elif number <= END_SIZE or number <= 1 + MID_SIZE or number > total - END_SIZE:
            href = escape_url(f"?{_page_key(block)}={number}")
            links.append(f'<a class="page-numbers" href="{href}">{number}</a>')
            dots = True
        elif dots:
            links.append('<span class="page-numbers dots">&hellip;</span>')
            dots = False
    wrapper = wrapper_attributes("core/query-pagination-numbers", block.attrs)
    return f"<div {wrapper}>{chr(10).join(links)}</div>"


def render_pagination(block: Block, content: str) -> str:
    if not content.strip():
        return ""
    wrapper = wrapper_attributes("core/query-pagination", block.attrs, **{"aria-label": "Pagination"})
    return f"<nav {wrapper}>{content}</nav>"
