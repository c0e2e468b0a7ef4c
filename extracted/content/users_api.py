"""``/wp/v2/users/{id}`` for author ``_embed`` s: the users service serves the route itself (and its
collection); content answers it only inside its own answers' embeds.

Users are what the users service announced (``content_user_profiles``, from its domain events); which
of them are authors comes from ``wp_posts``.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import Connection, Row, func, select

from extracted.rest import (
    CONTEXT,
    Answer,
    Item,
    Query,
    denied,
    link,
    parse_checked,
)

from . import schema
from .site import SiteState

users, posts = schema.users, schema.posts
EMBED_FIELDS = frozenset({"id", "name", "url", "description", "link", "slug", "avatar_urls"})
AVATAR_DEFAULTS = {"mystery": "mm", "mysteryman": "mm", "gravatar_default": ""}


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
