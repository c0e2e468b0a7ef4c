"""``/wp/v2/comments`` and ``/wp/v2/comments/{id}`` as WordPress 6.1's comments controller answers an
anonymous visitor.

A visitor sees approved comments of readable posts (``access``), in the view or embed context,
never by status, type, author or author email (each refused with WordPress's error, after argument
checks in WordPress's order: ``comment_args``); the listing's query is ``comment_query``'s, the items
``comment_view``'s. ``X-WP-Total`` counts every comment the query matched, also those the page then
leaves out because their post is not readable, as WordPress does.

``_embed`` follows a comment's ``in-reply-to`` and ``children`` links to this service's own routes, and
its ``up`` to the post or page, answered from the service's own copy of it (``post_embed``); its
``author`` (the users service's ``/wp/v2/users/{id}``) and the ``up`` of other post types (attachments...)
are other services' answers, which this service does not reproduce: :func:`dispatch` declines those
routes with a 503 (``X-Strangler-Unavailable: embed author`` / ``embed up``), so a request that embeds
them is answered by WordPress. :func:`is_served` names these routes too, so that the REST layer's embedding
asks :func:`dispatch` about them (``extracted.rest.StoreEndpoints``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import Connection, select

from extracted.formatting.phpdata import php_int
from extracted.rest import (
    POST_TYPE_ROUTES,
    Answer,
    Query,
    RestError,
    ServiceUnavailableError,
    Shape,
    denied,
    dispatch_route,
    listing_headers,
    sanitized_query,
    serves_route,
)

from . import schema
from .access import PasswordFacts, Posts, comment_readable, php_post_id, post_readable
from .comment_args import SERVICE, Request, RequestView, collection_args, item_args, php_array, php_empty, read
from .comment_query import comment_page
from .comment_view import CommentView
from .post_embed import EMBEDDED_TYPES, get_post_embed
from .site import CommentsSite

__all__ = ["dispatch", "get_comment", "get_comments", "is_served"]

comments = schema.comments
#: ``get_items_permissions_check``'s parameters a visitor may not use (in its order)
PROTECTED = ("author", "author_exclude", "author_email", "type", "status")
ALLOWED_VALUES = {"type": "comment", "status": "approve"}


def _items_permission(posts: Posts, view: RequestView) -> RestError | None:
    """``get_items_permissions_check`` for a visitor."""
    post_value = view.get("post")
    if not php_empty(post_value):
        facts = PasswordFacts.of(view)
        for post_id in php_array(post_value):
            post = posts.get(php_post_id(post_id))
            if not php_empty(post_id) and post is not None and not post_readable(posts, post, facts):
                return denied("rest_cannot_read_post", "Sorry, you are not allowed to read the post for this comment.")
            if post_id == 0 and isinstance(post_id, int):  # 0 === $post_id: a sanitized 0, not the text "0"
                return denied("rest_cannot_read", "Sorry, you are not allowed to read comments without a post.")
    if view.get("context") == "edit":
        return denied("rest_forbidden_context", "Sorry, you are not allowed to edit comments.")
    forbidden = [
        name for name in PROTECTED
        if (view.get(name) != ALLOWED_VALUES[name] if name in ALLOWED_VALUES else not php_empty(view.get(name)))
    ]  # fmt: skip
    if forbidden:
        return denied("rest_forbidden_param", "Query parameter not permitted: " + ", ".join(forbidden))
    return None


def _checked(request: Request, problem: RestError | None) -> None:
    """An argument error first (``Allow`` only if the permission check passes), then the permission's."""
    if request.error is not None:
        request.error.permission = problem is not None
        raise request.error
    if problem is not None:
        raise problem


def get_comments(connection: Connection, site: CommentsSite, query: Query) -> Answer:
    spec = collection_args()
    request = read(spec, query)
    posts = Posts(connection)
    _checked(request, _items_permission(posts, request.view))
    args = request.args
    rows, total = comment_page(connection, site, args)
    facts = PasswordFacts.of(request.view)
    view = CommentView(connection, site, posts, Shape.of(query).fields)
    view.prepare(rows)
    items = [view.item(row) for row in rows if comment_readable(posts, row, facts)]
    link_query = sanitized_query(spec, query, args)
    headers = listing_headers(site, "/wp/v2/comments", link_query, total=total, per_page=args["per_page"],
                              page=args["page"])  # fmt: skip
    return Answer(items, headers)


def _id_of(value: object) -> int:
    """``(int) $id`` of the request's ``id`` (a sanitized integer, or what the query sent)."""
    if isinstance(value, dict):
        return 1 if value else 0
    return php_int(value)


def _item_permission(connection: Connection, posts: Posts, view: RequestView) -> RestError | None:
    """``get_item_permissions_check`` for a visitor (with ``get_comment``'s errors)."""
    comment_id = _id_of(view.get("id"))
    row = connection.execute(select(comments).where(comments.c.id == comment_id)).first() if comment_id > 0 else None
    if row is None:
        return denied("rest_comment_invalid_id", "Invalid comment ID.", 404)
    if row.post_id and posts.get(row.post_id) is None:
        return denied("rest_post_invalid_id", "Invalid post ID.", 404)
    if view.get("context") == "edit":
        return denied("rest_forbidden_context", "Sorry, you are not allowed to edit comments.")
    if not comment_readable(posts, row, PasswordFacts.of(view)):
        return denied("rest_cannot_read", "Sorry, you are not allowed to read this comment.")
    return None


def get_comment(connection: Connection, site: CommentsSite, route_id: int, query: Query) -> Answer:
    """One comment. The query's ``id`` wins over the route's (``WP_REST_Request::get_param`` reads the
    query first), checked as the route's integer argument."""
    request = read(item_args(), query, {"id": route_id})
    posts = Posts(connection)
    _checked(request, _item_permission(connection, posts, request.view))
    comment_id = _id_of(request.view.get("id"))
    row = connection.execute(select(comments).where(comments.c.id == comment_id)).one()
    view = CommentView(connection, site, posts, Shape.of(query).fields)
    view.prepare([row])
    return Answer(view.item(row))


def _elsewhere(kind: str) -> Handler:
    def decline(connection: Connection, site: CommentsSite, match: re.Match[str], query: Query) -> Answer:
        raise ServiceUnavailableError(f"embedding {match.group(0)} ({kind}): another service's answer",
                                      service=SERVICE, unavailable=f"embed {kind}")  # fmt: skip

    return decline


Handler = Callable[[Connection, CommentsSite, "re.Match[str]", Query], Answer]
_POST_ROUTES = "|".join(re.escape(route) for route in POST_TYPE_ROUTES.values())
ROUTES: list[tuple[re.Pattern[str], Handler]] = [
    (re.compile(r"/wp/v2/comments", re.IGNORECASE), lambda c, s, m, q: get_comments(c, s, q)),
    (re.compile(r"/wp/v2/comments/(?P<id>[\d]+)", re.IGNORECASE | re.ASCII),
     lambda c, s, m, q: get_comment(c, s, int(m["id"]), q)),
    # what the items link to as embeddable, answered by other services
    (re.compile(r"/wp/v2/users/[\d]+", re.IGNORECASE | re.ASCII), _elsewhere("author")),
    (re.compile(rf"/wp/v2/(?P<base>{'|'.join(EMBEDDED_TYPES)})/(?P<id>[\d]+)", re.IGNORECASE | re.ASCII),
     lambda c, s, m, q: Answer(get_post_embed(c, s, m["base"].lower(), int(m["id"]), q))),
    (re.compile(rf"(?:{_POST_ROUTES})/[\d]+", re.IGNORECASE | re.ASCII), _elsewhere("up")),
]  # fmt: skip


def dispatch(connection: Connection, site: CommentsSite, route: str, query: Query) -> Answer:
    """``WP_REST_Server::dispatch`` for the comments routes (``rest_no_route`` for any other; a 503 for the
    other services' routes the items embed)."""
    return dispatch_route(ROUTES, connection, site, route, query)


def is_served(route: str) -> bool:
    """Whether :func:`dispatch` answers ``route``: the comments routes, and the embedded routes it declines."""
    return serves_route(ROUTES, route)
