"""What the terms and users collections share: arguments, pagination headers and links."""

from __future__ import annotations

import math
from typing import Any

from .params import Arg, base_args
from .phpquery import Query, add_query_arg
from .responses import pagination_headers
from .site import SiteState

ID_LIST: dict[str, Any] = {"type": "array", "items": "integer", "default": []}


def listing_args(orderby: tuple[str, ...], default_orderby: str, *, offset: bool) -> list[Arg]:
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


def listing_headers(site: SiteState, route: str, query: Query, *, total: int, per_page: int, page: int) -> list[Any]:
    pages = math.ceil(total / per_page)
    base = add_query_arg(site.urls.rest_url(route), query)
    links = []
    if page > 1:
        links.append(f'<{add_query_arg(base, {"page": str(min(page - 1, pages))})}>; rel="prev"')
    if pages > page:
        links.append(f'<{add_query_arg(base, {"page": str(page + 1)})}>; rel="next"')
    return pagination_headers(total, pages, links)
