"""``/wp/v2/posts`` and ``/wp/v2/pages``: arguments, the collection and single items."""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import Connection, select

from extracted.rest import (
    CONTEXT,
    Answer,
    Arg,
    Item,
    Query,
    RestError,
    Shape,
    base_args,
    denied,
    field_included,
    listing_headers,
    parse_checked,
    parse_date,
    sanitized_query,
)

from . import schema
from .live import Mode, ResponseRendering
from .post_args import PostArg
from .post_query import find_posts
from .post_render import Parts
from .post_view import EMBED_FIELDS, load_batch, post_item, readable
from .site import SiteState
from .sort_keys import post_term_names, statement

posts = schema.posts
INTEGER_LIST = {"type": "array", "items": "integer", "default": []}


def collection_args(post_type: str) -> list[Arg]:
    orderby = ["author", "date", "id", "include", "modified", "parent", "relevance", "slug", "include_slugs", "title"]
    page = post_type == "page"
    args = [
        *base_args(),
        Arg("after", "string", date_time=True),
        Arg("modified_after", "string", date_time=True),
        Arg("author", **INTEGER_LIST),  # type: ignore[arg-type]
        Arg("author_exclude", **INTEGER_LIST),  # type: ignore[arg-type]
        Arg("before", "string", date_time=True),
        Arg("modified_before", "string", date_time=True),
        Arg("exclude", **INTEGER_LIST),  # type: ignore[arg-type]
        Arg("include", **INTEGER_LIST),  # type: ignore[arg-type]
        *([Arg("menu_order", "integer")] if page else []),
        Arg("offset", "integer"),
        Arg("order", "string", enum=("asc", "desc"), default="desc"),
        Arg("orderby", "string", enum=tuple(orderby + (["menu_order"] if page else [])), default="date"),
        *([Arg("parent", **INTEGER_LIST), Arg("parent_exclude", **INTEGER_LIST)] if page else []),  # type: ignore[arg-type]
        Arg("slug", "array", items="string"),
        PostArg("status", "status", default=["publish"]),
    ]
    if not page:
        args += [
            Arg("tax_relation", "string", enum=("AND", "OR")),
            PostArg("categories", "terms", with_operator=True),
            PostArg("categories_exclude", "terms"),
            PostArg("tags", "terms", with_operator=True, hierarchical=False),
            PostArg("tags_exclude", "terms", hierarchical=False),
            Arg("sticky", "boolean"),
        ]
    return args


ITEM_ARGS = [CONTEXT, Arg("password", "string")]


def rendered_parts(query: Query) -> Parts:
    """The rendered fields WordPress prepares for this request (``get_fields_for_response``): the
    context's fields, narrowed by ``_fields``; it runs the content filters only for those."""
    shape = Shape.of(query)

    def included(name: str) -> bool:
        return not shape.fields or field_included(name, shape.fields)

    return Parts(content=shape.context != "embed" and included("content"), excerpt=included("excerpt"))


def _items(
    connection: Connection,
    site: SiteState,
    ids: list[int],
    query: Query,
    *,
    rendering: ResponseRendering,
    password: str | None = None,
) -> list[Item]:
    batch = load_batch(connection, site, ids)
    parts = rendered_parts(query)
    items = []
    for post_id in ids:  # in response order: rendering follows WordPress's request-wide state
        row = batch.rows[post_id]
        hidden = bool(row.password) and not (password is not None and password == row.password)
        mode = batch.modes.get(post_id, Mode())
        rendered = rendering.fields(row, mode, batch.meta.get(post_id, {}), parts, hidden=hidden)
        data, links = post_item(site, row, batch, rendered, hidden=hidden)
        items.append(Item(data, links, EMBED_FIELDS))
    return items


def _dates(site: SiteState, args: dict[str, Any]) -> dict[str, Any]:
    args = dict(args)
    for name in ("before", "after", "modified_before", "modified_after"):
        if args.get(name):
            moment = parse_date(args[name])
            args[name] = site.local(moment) if moment else None
    return args


def get_posts(
    connection: Connection, site: SiteState, post_type: str, query: Query, *, route: str, rendering: ResponseRendering
) -> Answer:
    spec = collection_args(post_type)
    args = parse_checked(spec, query, lambda: query.get("context") != "edit")
    if args["context"] == "edit":
        message = "Sorry, you are not allowed to edit posts in this post type."
        raise denied("rest_forbidden_context", message)
    if args["orderby"] == "relevance" and not args.get("search"):
        raise RestError("rest_no_search_term_defined", "You need to define a search term to order by relevance.", 400)
    if args["orderby"] == "include" and not args.get("include"):
        message = "You need to define an include parameter to order by include."
        raise RestError("rest_orderby_include_missing_include", message, 400)
    found = find_posts(connection, post_type, _dates(site, args), site.sticky)
    page, per_page = args["page"], args["per_page"]
    total = found.total
    pages = math.ceil(total / per_page)
    if page > pages and total > 0:
        message = "The page number requested is larger than the number of pages available."
        raise RestError("rest_post_invalid_page_number", message, 400)
    link_query = sanitized_query(spec, query, args)
    headers = listing_headers(site, route, link_query, total=total, per_page=per_page, page=page)
    items = _items(connection, site, found.ids, query, rendering=rendering)
    return Answer(items, [*headers, *statement(found.keys, post_term_names(connection, items))])


def _item_permission(connection: Connection, row: Any, post_type: str, query: Query) -> RestError | None:
    """``get_item_permissions_check`` on the raw request."""
    if row is None or row.type != post_type:
        return denied("rest_post_invalid_id", "Invalid post ID.", 404)
    if query.get("context") == "edit":
        return denied("rest_forbidden_context", "Sorry, you are not allowed to edit this post.")
    password = query.get("password")
    if password and password != row.password:
        return denied("rest_post_incorrect_password", "Incorrect post password.", 403)
    if not readable(connection, row):
        return denied("rest_forbidden", "Sorry, you are not allowed to do that.")
    return None


def get_post(
    connection: Connection, site: SiteState, post_type: str, post_id: int, query: Query, *, rendering: ResponseRendering
) -> Answer:
    row = connection.execute(select(posts).where(posts.c.id == post_id)).first() if post_id > 0 else None
    args = parse_checked(ITEM_ARGS, query, lambda: _item_permission(connection, row, post_type, query) is None)
    problem = _item_permission(connection, row, post_type, query)
    if problem is not None:
        raise problem
    password = args.get("password") or None
    item = _items(connection, site, [post_id], query, rendering=rendering, password=password)[0]
    link = ("Link", f'<{item.data["link"]}>; rel="alternate"; type=text/html')
    return Answer(item, [link, *statement(terms=post_term_names(connection, [item]))])
