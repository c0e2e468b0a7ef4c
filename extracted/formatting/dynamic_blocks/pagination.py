"""A query loop's pagination, on the loop's first page (a request for another raises
``UnsupportedContentError``: see ``query.requested_page``).

Pages are counted as WordPress counts them: all posts the query matches (its offset ignored), by page
size. Links keep the request's own query arguments, re-encoded as WordPress writes them: the next
page's link is ``add_query_arg`` on the request's path and query; the numbers are ``paginate_links``
links, ``?query-N-page=2`` followed by the request's other arguments (``paged`` first when given).
"""

from __future__ import annotations

import math
import re
from typing import Any
from urllib.parse import urlsplit

from extracted.rest.phpquery import parse_str, urlencode_deep
from extracted.rest.phpquery import wp_add_query_arg as add_query_arg
from extracted.rest.types import QueryValue

from ..blocks import Block
from ..html import escape_html
from ..phpdata import php_int, php_string, php_truthy
from ..types import SiteData
from ..urls import esc_url
from .query import matching_posts, page_key, page_size, request_query, requested_page
from .wrapper import wrapper_attributes

ARROWS = {"arrow": {"next": "→", "previous": "←"}, "chevron": {"next": "»", "previous": "«"}}
END_SIZE, MID_SIZE = 1, 2
LEADING_INTEGER = re.compile(r"[ \t\n\r\v\f]*[+-]?\d+")
# What ``esc_url`` drops from the URL ``get_pagenum_link`` gives (``paginate_links`` reads its query).
ESC_URL_REMOVED = re.compile(r"[^a-z0-9\-~+_.?#=!&;,/:%@$|*'()\[\]\x80-\U0010ffff]", re.IGNORECASE)


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
    limit = php_int(query.get("pages"))
    return pages if not limit or limit > pages else limit


def _arrow(block: Block, side: str) -> str:
    kind = block.context.get("paginationArrow")
    if kind not in ARROWS:
        return ""
    classes = f"wp-block-query-pagination-{side}-arrow is-arrow-{kind}"
    return f"<span class='{classes}' aria-hidden='true'>{ARROWS[kind][side]}</span>"


def render_next(block: Block, data: SiteData) -> str:
    if _query(block) is None or page_count(block, data) in (0, 1):
        return ""
    given = block.attributes.get("label")
    label = escape_html(php_string(given)) if php_truthy(given) else "Next Page"
    requested_page(block, data)
    request = urlsplit(data.request_url)
    href = add_query_arg(request.path + ("?" + request.query if request.query else ""), {page_key(block): "2"})
    wrapper = wrapper_attributes(block)
    return f'<a href="{esc_url(href)}" {wrapper}>{label}{_arrow(block, "next")}</a>'


def render_previous(block: Block, data: SiteData) -> str:
    """Nothing on the first page."""
    if _query(block) is not None:
        requested_page(block, data)
    return ""


def render_numbers(block: Block, data: SiteData) -> str:
    """``paginate_links`` for the first page: the first pages, dots, and the last pages."""
    total = page_count(block, data) if _query(block) is not None else 0
    if _query(block) is not None:
        requested_page(block, data)
    if total < 2:
        return ""
    key = page_key(block)
    arguments = _kept_arguments(data, key)
    links, dots = [], False
    for number in range(1, total + 1):
        if number == 1:
            links.append(f'<span aria-current="page" class="page-numbers current">{number}</span>')
            dots = True
        elif number <= END_SIZE or number <= 1 + MID_SIZE or number > total - END_SIZE:
            href = esc_url(add_query_arg(f"?{key}={number}", arguments))
            links.append(f'<a class="page-numbers" href="{href}">{number}</a>')
            dots = True
        elif dots:
            links.append('<span class="page-numbers dots">&hellip;</span>')
            dots = False
    wrapper = wrapper_attributes(block)
    return f"<div {wrapper}>{chr(10).join(links)}</div>"


def _kept_arguments(data: SiteData, key: str) -> dict[str, QueryValue | None]:
    """``paginate_links``'s ``add_args``: ``paged`` (an integer, when the request has one), then the request's
    arguments as ``get_pagenum_link`` gives them (re-encoded without ``paged``, parsed again) but the page key."""
    request = request_query(data)
    arguments: dict[str, QueryValue | None] = {}
    paged = _php_int(request.get("paged") or "")
    if paged:
        arguments["paged"] = str(paged)
    reencoded = add_query_arg("?" + urlsplit(data.request_url).query, {"paged": None})
    kept = parse_str(ESC_URL_REMOVED.sub("", reencoded).partition("?")[2])
    kept.pop(key, None)
    arguments.update(urlencode_deep(kept))
    return arguments


def _php_int(value: QueryValue) -> int:
    """PHP's ``(int)`` of a request argument (an array of items: 1)."""
    if isinstance(value, dict):
        return 1 if value else 0
    match = LEADING_INTEGER.match(value)
    return int(match.group()) if match else 0


def render_pagination(block: Block, content: str) -> str:
    if not content.strip():
        return ""
    wrapper = wrapper_attributes(block, **{"aria-label": "Pagination"})
    return f"<nav {wrapper}>{content}</nav>"
