"""``/wp/v2/users`` and ``/wp/v2/users/{id}`` as WordPress 6.1's users controller answers an anonymous visitor.

A visitor sees only users with published content (``has_published_posts``: a post of a type shown in
the REST API, so not a revision), in the view context, never by role, capability, email or
registration date (each refused with WordPress's own error and status, after argument checks in
WordPress's order). Searches compare as MariaDB's collation does (``extracted.rest.collation``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Row, and_, case, func, or_, select, true

from extracted.rest import (
    CONTEXT,
    Answer,
    Arg,
    Item,
    Query,
    QueryValue,
    RestError,
    avatar_urls,
    denied,
    dispatch_route,
    link,
    listing_args,
    listing_headers,
    page_window,
    parse_checked,
    sanitized_query,
    serves_route,
)
from extracted.rest.collation import collated_like, like_pattern

from . import schema
from .site import UsersSite

__all__ = ["dispatch", "get_user", "get_users", "is_served"]

users, user_meta, posts = schema.users, schema.user_meta, schema.posts
ORDERBY = ("id", "include", "name", "registered_date", "slug", "include_slugs", "email", "url")
EMBED_FIELDS = frozenset({"id", "name", "url", "description", "link", "slug", "avatar_urls"})
PRIVATE_ORDER = ("email", "registered_date")


def user_args() -> list[Arg]:
    return [
        *listing_args(ORDERBY, "name", offset=True),
        Arg("slug", "array", items="string"),
        Arg("roles", "array", items="string"),
        Arg("capabilities", "array", items="string"),
        Arg("who", "string", enum=("authors",)),
        Arg("has_published_posts", "boolean"),
    ]


def _published() -> Any:
    """Posts that make their author visible: published, of a type shown in the REST API."""
    return and_(posts.c.status == "publish", posts.c.type != "revision")


def _authors() -> Any:
    return select(posts.c.author).where(_published()).distinct()


def user_item(connection: Connection, site: UsersSite, row: Row[Any]) -> Item:
    description = connection.execute(
        select(user_meta.c.value).where(user_meta.c.user_id == row.id, user_meta.c.key == "description")
        .order_by(user_meta.c.umeta_id).limit(1)
    ).scalar()  # fmt: skip
    data: dict[str, Any] = {
        "id": row.id,
        "name": row.display_name,
        "url": row.url,
        "description": description or "",
        "link": site.urls.author_link(row.id, row.nicename),
        "slug": row.nicename,
    }
    if site.show_avatars:
        data["avatar_urls"] = avatar_urls(site, row.email)
    data["meta"] = []
    rest = site.urls.rest_url
    links = {"self": [link(rest(f"/wp/v2/users/{row.id}"))], "collection": [link(rest("/wp/v2/users"))]}
    return Item(data, links, EMBED_FIELDS)


def _permission(query: Query) -> RestError | None:
    """``get_items_permissions_check`` on the raw request."""
    if query.get("roles"):
        return denied("rest_user_cannot_view", "Sorry, you are not allowed to filter users by role.")
    if query.get("capabilities"):
        return denied("rest_user_cannot_view", "Sorry, you are not allowed to filter users by capability.")
    if query.get("context") == "edit":
        return denied("rest_forbidden_context", "Sorry, you are not allowed to edit users.")
    if query.get("orderby") in PRIVATE_ORDER:
        return denied("rest_forbidden_orderby", "Sorry, you are not allowed to order users by this parameter.")
    if query.get("who") == "authors":
        return denied("rest_forbidden_who", "Sorry, you are not allowed to query users by this parameter.")
    return None


def _filters(connection: Connection, args: dict[str, Any]) -> list[Any]:
    where: list[Any] = [users.c.id.in_(_authors())]
    if args["include"]:  # WP_User_Query: include wins over exclude
        where.append(users.c.id.in_(args["include"]))
    elif args["exclude"]:
        where.append(users.c.id.not_in(args["exclude"]))
    if args.get("slug"):
        where.append(users.c.nicename.in_(args["slug"]))
    if args.get("search"):
        text = args["search"].strip("*")
        pattern, like = like_pattern(text), collated_like(connection)
        columns = (users.c.login, users.c.nicename, users.c.display_name)
        where.append(or_(func.cast(users.c.id, users.c.login.type) == text,
                         *(like(c, pattern) for c in columns)))  # fmt: skip
    return where


def _order(args: dict[str, Any]) -> list[Any]:
    orderby = args["orderby"]
    column: Any = {"id": users.c.id, "name": users.c.name_key, "slug": users.c.nicename, "url": users.c.url}.get(
        orderby, users.c.name_key
    )
    if orderby == "include" and args["include"]:
        column = case({uid: i for i, uid in enumerate(args["include"])}, value=users.c.id, else_=0)
    if orderby == "include_slugs" and args.get("slug"):
        column = case({slug: i for i, slug in enumerate(args["slug"])}, value=users.c.nicename, else_=0)
    return [column.desc() if args["order"] == "desc" else column.asc(), users.c.id]


def get_users(connection: Connection, site: UsersSite, query: Query) -> Answer:
    spec = user_args()
    args = parse_checked(spec, query, lambda: _permission(query) is None)
    problem = _permission(query)
    if problem is not None:
        raise problem
    condition = and_(true(), *_filters(connection, args))
    total = connection.execute(select(func.count()).select_from(users).where(condition)).scalar_one()
    offset, page = page_window(args, offset_allowed=True)
    rows = connection.execute(
        select(users).where(condition).order_by(*_order(args)).limit(args["per_page"]).offset(offset)
    )
    items = [user_item(connection, site, row) for row in rows]
    link_query = sanitized_query(spec, query, args)
    headers = listing_headers(site, "/wp/v2/users", link_query, total=int(total), per_page=args["per_page"], page=page)
    return Answer(items, headers)


#: the numeric prefix PHP's ``(int)`` cast reads of a string (after leading whitespace)
LEADING_NUMBER = re.compile(r"[ \t\n\r\v\f]*([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?)")
ITEM_ARGS = [Arg("id", "integer"), CONTEXT]


def _php_int(raw: QueryValue) -> int:
    """``(int) $raw``, as the controller's ``get_user($id)`` casts the request's ``id``: a string's
    numeric prefix, 0 without one; an array is 1 unless empty."""
    if not isinstance(raw, str):
        return 1 if raw else 0
    match = LEADING_NUMBER.match(raw)
    if match is None:
        return 0
    try:
        return int(float(match.group(1)))
    except OverflowError:
        return 0


def get_user(connection: Connection, site: UsersSite, route_id: int, query: Query) -> Answer:
    """One user. ``WP_REST_Request::get_param`` reads the query before the route's URL parameters, so
    ``/users/1?id=2`` answers user 2 (checked as the route's integer argument)."""
    user_id = _php_int(query["id"]) if "id" in query else route_id
    row = connection.execute(select(users).where(users.c.id == user_id)).first() if user_id > 0 else None
    published = connection.execute(
        select(func.count()).select_from(posts).where(posts.c.author == user_id, _published())
    ).scalar_one()
    parse_checked(ITEM_ARGS, query, lambda: row is not None and query.get("context") != "edit" and bool(published))
    if row is None:
        raise denied("rest_user_invalid_id", "Invalid user ID.", 404)
    if query.get("context") == "edit":
        raise denied("rest_forbidden_context", "Sorry, you are not allowed to edit this user.")
    if not published:
        raise denied("rest_user_cannot_view", "Sorry, you are not allowed to list users.")
    return Answer(user_item(connection, site, row))


Handler = Callable[[Connection, UsersSite, re.Match[str], Query], Answer]
ROUTES: list[tuple[re.Pattern[str], Handler]] = [
    (re.compile(r"/wp/v2/users", re.IGNORECASE), lambda c, s, m, q: get_users(c, s, q)),
    (re.compile(r"/wp/v2/users/(?P<id>[\d]+)", re.IGNORECASE), lambda c, s, m, q: get_user(c, s, int(m["id"]), q)),
]


def dispatch(connection: Connection, site: UsersSite, route: str, query: Query) -> Answer:
    """``WP_REST_Server::dispatch`` for the users routes (``rest_no_route`` for any other)."""
    return dispatch_route(ROUTES, connection, site, route, query)


def is_served(route: str) -> bool:
    return serves_route(ROUTES, route)
