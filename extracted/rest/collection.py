"""What collections share: the listing arguments, the page window and the pagination headers
(``X-WP-Total``, ``X-WP-TotalPages``, ``Link`` with ``prev``/``next``)."""

from __future__ import annotations

import math
from typing import Any

from .params import Arg, base_args
from .phpquery import add_query_arg
from .types import Headers, Query, RestSite

ID_LIST: dict[str, Any] = {"type": "array", "items": "integer", "default": []}


def listing_args(orderby: tuple[str, ...], default_orderby: str, *, offset: bool) -> list[Arg]:
    """The terms and users controllers' collection arguments: :func:`base_args`, exclude, include,
    (offset), order, orderby."""
    return [
        *base_args(),
        Arg("exclude", **ID_LIST),
        Arg("include", **ID_LIST),
        *([Arg("offset", "integer")] if offset else []),
        Arg("order", "string", enum=("asc", "desc"), default="asc"),
        Arg("orderby", "string", enum=orderby, default=default_orderby),
    ]


def page_window(args: dict[str, Any], *, offset_allowed: bool) -> tuple[int, int]:
    """(offset, page) as the terms and users controllers compute them."""
    per_page = args["per_page"]
    offset = args["offset"] if offset_allowed and args.get("offset") else (args["page"] - 1) * per_page
    return offset, math.ceil(offset / per_page + 1)


def pagination_headers(total: int, pages: int, links: list[str]) -> Headers:
    """``X-WP-Total``, ``X-WP-TotalPages`` and, when there are any, the ``Link`` header's links."""
    headers: Headers = [("X-WP-Total", total), ("X-WP-TotalPages", pages)]
    if links:
        headers.append(("Link", ", ".join(links)))
    return headers


def listing_headers(site: RestSite, route: str, query: Query, *, total: int, per_page: int, page: int) -> Headers:
    """A collection's pagination headers, its ``prev``/``next`` links built on ``route`` with ``query``
    (the sanitized query: :func:`~extracted.rest.params.sanitized_query`)."""
    pages = math.ceil(total / per_page)
    base = add_query_arg(site.urls.rest_url(route), query)
    links = []
    if page > 1:
        links.append(f'<{add_query_arg(base, {"page": str(min(page - 1, pages))})}>; rel="prev"')
    if pages > page:
        links.append(f'<{add_query_arg(base, {"page": str(page + 1)})}>; rel="next"')
    return pagination_headers(total, pages, links)
