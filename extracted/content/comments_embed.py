"""A post's ``replies`` as ``_embed`` shows them: ``/wp/v2/comments?post=N`` in embed context.

Only embedding needs comments (the service does not serve the comments endpoint); their text is
rendered when read, with ``comment_text``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row, select

from extracted.formatting import comment_text
from extracted.rest import Answer, Item, Links, Query, denied, link, with_query

from . import schema
from .post_view import REST_BASES, load_batch, permalink, readable
from .render_inputs import site_options
from .site import SiteState
from .users_api import avatar_urls

comments, posts, users = schema.comments, schema.posts, schema.users
EMBED_FIELDS = frozenset(
    {"id", "parent", "author", "author_name", "author_url", "date", "content", "link", "type", "author_avatar_urls"}
)
PER_PAGE = 10


def _links(site: SiteState, row: Row[Any], post_type: str, has_children: bool) -> Links:
    rest = site.urls.rest_url
    links: Links = {
        "self": [link(rest(f"/wp/v2/comments/{row.id}"))],
        "collection": [link(rest("/wp/v2/comments"))],
    }
    if row.user_id:
        links["author"] = [link(rest(f"/wp/v2/users/{row.user_id}"), embeddable=True)]
    if row.post_id and post_type in REST_BASES:
        links["up"] = [
            link(rest(f"/wp/v2/{REST_BASES[post_type]}/{row.post_id}"), embeddable=True, post_type=post_type)
        ]
    if row.parent:
        links["in-reply-to"] = [link(rest(f"/wp/v2/comments/{row.parent}"), embeddable=True)]
    if has_children:
        links["children"] = [link(with_query(rest("/wp/v2/comments"), parent=row.id), embeddable=True)]
    return links


def replies(connection: Connection, site: SiteState, query: Query) -> Answer:
    """The first page of a readable post's approved comments, newest first."""
    post_id = int(str(query.get("post", "0")) or 0)
    post = connection.execute(select(posts).where(posts.c.id == post_id)).first()
    if post is not None and (post.password or not readable(connection, post)):
        raise denied("rest_cannot_read_post", "Sorry, you are not allowed to read the post for this comment.")
    rows = connection.execute(
        select(comments)
        .where(comments.c.post_id == post_id, comments.c.approved == "1", comments.c.type == "comment")
        .order_by(comments.c.date_gmt.desc(), comments.c.id.desc())
        .limit(PER_PAGE)
    ).all()
    if not rows or post is None:
        return Answer([])
    parents = {
        row.parent
        for row in connection.execute(
            select(comments.c.parent).where(
                comments.c.parent.in_([r.id for r in rows]), comments.c.approved.in_(["0", "1"])
            )
        )
    }
    emails = dict(
        connection.execute(select(users.c.id, users.c.email).where(users.c.id.in_([r.user_id for r in rows])))
        .tuples()
        .all()
    )
    post_link = permalink(site, post, load_batch(connection, site, [post_id]))
    if site.urls.pretty:  # get_comment_link(): user_trailingslashit, even on a plain ?p= link of an inherit post
        post_link = site.urls.trailing(post_link)
    rendering = site_options(connection)
    items = []
    for row in rows:
        data: dict[str, Any] = {
            "id": row.id,
            "parent": row.parent,
            "author": row.user_id,
            "author_name": row.author_name,
            "author_url": row.author_url,
            "date": row.date,
            "content": {"rendered": comment_text(row.content_raw, site=rendering)},
            "link": f"{post_link}#comment-{row.id}",
            "type": row.type,
        }
        if site.show_avatars:
            data["author_avatar_urls"] = avatar_urls(site, emails.get(row.user_id, row.author_email))
        items.append(Item(data, _links(site, row, post.type, row.id in parents), EMBED_FIELDS))
    return Answer(items)


def is_replies(route: str, query: Query) -> bool:
    return route.rstrip("/").lower() == "/wp/v2/comments" and isinstance(query.get("post"), str)
