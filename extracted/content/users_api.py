"""``/wp/v2/users``: authors with published content, as an anonymous visitor may list them.

Users are what the users service announced (``content_user_profiles``, from its domain events); which
of them are authors comes from ``wp_posts``.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import Connection, Row, and_, case, func, or_, select, true

from extracted.rest import (
    CONTEXT,
    Answer,
    Arg,
    Item,
    Query,
    RestError,
    denied,
    link,
    listing_args,
    listing_headers,
    page_window,
    parse_checked,
    sanitized_query,
)

from . import schema
from .collation import collated_like
from .query_text import like_pattern
from .site import SiteState

users, posts = schema.users, schema.posts
ORDERBY = ("id", "include", "name", "registered_date", "slug", "include_slugs", "email", "url")
EMBED_FIELDS = frozenset({"id", "name", "url", "description", "link", "slug", "avatar_urls"})
AVATAR_DEFAULTS = {"mystery": "mm", "mysteryman": "mm", "gravatar_default": ""}
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


def _authors() -> Any:
    """Users with published content of a type shown in the REST API."""
    return select(posts.c.author).where(posts.c.status == "publish", posts.c.type != "revision").distinct()


def avatar_urls(site: SiteState, email: str) -> dict[str, str]:
    """``rest_get_avatar_urls``: Gravatar URLs of the three sizes WordPress lists.

    An email PHP finds empty ("" or "0") has no hash and a random server (``rand(0, 2)``); the service
    answers server 0, which the proxy's comparison learns as noise by asking WordPress twice.
    """
    if email and email != "0":
        digest = hashlib.md5(email.strip().lower().encode(), usedforsecurity=False).hexdigest()
        host = f"http://{int(digest[0], 16) % 3}.gravatar.com"
    else:
        digest, host = "", "http://0.gravatar.com"
    default = AVATAR_DEFAULTS.get(site.avatar_default, site.avatar_default)
    query = "&".join(part for part in (f"d={default}" if default else "", f"r={site.avatar_rating.lower()}") if part)
    return {str(size): f"{host}/avatar/{digest}?s={size}&{query}" for size in (24, 48, 96)}


def user_item(site: SiteState, row: Row[Any]) -> Item:
    """A row of ``content_user_profiles`` (built from the users service's events) as WordPress shows it."""
    data: dict[str, Any] = {
        "id": row.id,
        "name": row.display_name,
        "url": row.url,
        "description": row.description,
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
        where.append(or_(func.cast(users.c.id, schema.users.c.login.type) == text,
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


def get_users(connection: Connection, site: SiteState, query: Query) -> Answer:
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
    items = [user_item(site, row) for row in rows]
    link_query = sanitized_query(spec, query, args)
    headers = listing_headers(site, "/wp/v2/users", link_query, total=int(total), per_page=args["per_page"], page=page)
    return Answer(items, headers)


def get_user(connection: Connection, site: SiteState, user_id: int, query: Query) -> Answer:
    row = connection.execute(select(users).where(users.c.id == user_id)).first() if user_id > 0 else None
    published = connection.execute(select(func.count()).select_from(posts).where(
        posts.c.author == user_id, posts.c.status == "publish", posts.c.type != "revision")).scalar_one()  # fmt: skip
    parse_checked([CONTEXT], query, lambda: row is not None and query.get("context") != "edit" and bool(published))
    if row is None:
        raise denied("rest_user_invalid_id", "Invalid user ID.", 404)
    if query.get("context") == "edit":
        raise denied("rest_forbidden_context", "Sorry, you are not allowed to edit this user.")
    if not published:
        raise denied("rest_user_cannot_view", "Sorry, you are not allowed to list users.")
    return Answer(user_item(site, row))
