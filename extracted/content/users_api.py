"""``/wp/v2/users/{id}`` for author ``_embed`` s: the users service serves the route itself (and its
collection); content answers it only inside its own answers' embeds.

Users are what the users service announced (``content_user_profiles``, from its domain events); which
of them are authors comes from ``wp_posts``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row, func, select

from extracted.rest import (
    CONTEXT,
    Answer,
    Item,
    Query,
    avatar_urls,
    denied,
    link,
    parse_checked,
)

from . import schema
from .site import SiteState

__all__ = ["avatar_urls", "get_user", "user_item"]  # avatar_urls: extracted.rest's, for comments_embed

users, posts = schema.users, schema.posts
EMBED_FIELDS = frozenset({"id", "name", "url", "description", "link", "slug", "avatar_urls"})


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
