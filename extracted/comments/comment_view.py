"""Comments as the REST API shows them (``prepare_item_for_response`` and ``prepare_links``), view context.

``content.rendered`` is ``comment_text`` (``extracted.formatting``); ``link`` is ``get_comment_link``:
the post's permalink, the comment's page when comments are paged (``comment_pages``), a trailing slash
with pretty permalinks, ``#comment-ID``. Declined (a 503 the proxy answers with WordPress's): pages
under options PHP reads oddly (``comment_pages.PageUnmodelledError``), links of comments on anything
but posts and pages (attachments' links depend on their parent's), and of posts when the structure has
``%category%`` or ``%author%`` (this service keeps no terms or users' slugs). Fields a ``_fields`` leaves out are not
computed, so they decline nothing. ``author_avatar_urls`` hashes the user's email for a comment of an
existing user (``get_avatar_data``), else the comment's; a comment type without avatars (pingbacks,
trackbacks: ``get_avatar_comment_types`` is ``comment``) has ``false`` for each size.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Row, select

from extracted.formatting import FormattingError, comment_text
from extracted.rest import (
    AVATAR_SIZES,
    Item,
    Links,
    ServiceUnavailableError,
    avatar_urls,
    link,
    route_for_post,
    with_query,
)

from . import schema
from .access import Posts
from .comment_args import SERVICE
from .comment_pages import PageUnmodelledError, comment_link
from .dates import Unmodelled as UnmodelledDate
from .dates import mysql_to_rfc3339
from .site import CommentsSite, load_site

__all__ = ["EMBED_FIELDS", "CommentView", "permalink", "post_permalink", "rest_date", "rest_status"]

comments, user_emails = schema.comments, schema.user_emails
EMBED_FIELDS = frozenset(
    {"id", "parent", "author", "author_name", "author_url", "date", "content", "link", "type", "author_avatar_urls"}
)
_STATUSES = {"0": "hold", "hold": "hold", "1": "approved", "approve": "approved"}
_UNLINKED_TAGS = ("%category%", "%author%")


def rest_status(approved: str) -> str:
    """``prepare_status_response``: ``1`` is ``approved``, ``0`` is ``hold``, anything else as stored."""
    return _STATUSES.get(approved, approved)


def _declined(what: str, unavailable: str) -> ServiceUnavailableError:
    return ServiceUnavailableError(f"the comments service does not reproduce {what}", service=SERVICE,
                                   unavailable=unavailable)  # fmt: skip


def rest_date(value: str) -> str:
    """``mysql_to_rfc3339`` of a stored date (declined where the service does not reproduce it)."""
    try:
        return mysql_to_rfc3339(value)
    except UnmodelledDate as error:
        raise _declined(str(error), "date") from None


class CommentView:
    """Items of one response: its site, its posts, and what the listed comments share (children, emails)."""

    def __init__(self, connection: Connection, site: CommentsSite, posts: Posts, fields: Sequence[str]) -> None:
        self.connection, self.site, self.posts, self.fields = connection, site, posts, list(fields)
        self._with_children: set[int] = set()
        self._emails: dict[int, str] = {}

    def prepare(self, rows: Sequence[Row[Any]]) -> None:
        """Load what the items of ``rows`` share: which have replies (held or approved), users' emails."""
        ids = [row.id for row in rows]
        found = select(comments.c.parent).where(comments.c.parent.in_(ids), comments.c.approved.in_(["0", "1"]))
        self._with_children |= {parent for (parent,) in self.connection.execute(found.distinct())}
        users = sorted({row.user_id for row in rows if row.user_id > 0})
        if users:
            query = select(user_emails.c.user_id, user_emails.c.email).where(user_emails.c.user_id.in_(users))
            self._emails.update({user_id: email for user_id, email in self.connection.execute(query)})
        self.posts.load(row.post_id for row in rows)

    def wanted(self, name: str) -> bool:
        """Whether ``prepare_item_for_response`` computes a field: its ``in_array($name, $fields)`` is exact,
        so ``_fields=content.rendered`` leaves ``content`` out altogether (``id`` is always computed)."""
        return not self.fields or name == "id" or name in self.fields

    def item(self, row: Row[Any]) -> Item:
        comment_type = row.type or "comment"  # get_comment_type()
        data: dict[str, Any] = {
            "id": row.id,
            "post": row.post_id,
            "parent": row.parent,
            "author": row.user_id,
            "author_name": row.author,
            "author_url": row.author_url,
            "date": rest_date(row.date) if self.wanted("date") else None,
            "date_gmt": rest_date(row.date_gmt) if self.wanted("date_gmt") else None,
            "content": {"rendered": self._rendered(row.content) if self.wanted("content") else ""},
            "link": self._link(row) if self.wanted("link") else "",
            "status": rest_status(row.approved),
            "type": comment_type,
        }
        if self.site.show_avatars:
            data["author_avatar_urls"] = self._avatars(row, comment_type) if self.wanted("author_avatar_urls") else {}
        data["meta"] = []
        if self.fields:
            data = {name: value for name, value in data.items() if self.wanted(name)}
        return Item(data, self._links(row), EMBED_FIELDS)

    def _rendered(self, raw: str) -> str:
        try:
            return comment_text(raw, site=self.site.rendering)
        except FormattingError as error:
            raise _declined(f"this comment's text ({error})", "content") from None

    def _avatars(self, row: Row[Any], comment_type: str) -> dict[str, Any]:
        if comment_type != "comment":  # not an avatar comment type: get_avatar_url() is false
            return {str(size): False for size in AVATAR_SIZES}
        email = self._emails.get(row.user_id) if row.user_id > 0 else None
        return dict(avatar_urls(self.site, row.author_email if email is None else email))

    def _link(self, row: Row[Any]) -> str:
        """``get_comment_link``."""
        paging = self.site.comment_paging
        if paging is None:
            raise _declined("comment pages with these discussion options", "link comment-page")
        post = self.posts.get(row.post_id)
        if post is None:
            raise _declined("links of comments without a post", "link no-post")
        urls = self.site.urls
        try:
            return comment_link(self.connection, paging, row, permalink(self.site, self.posts, post),
                                pretty=urls.pretty, trailing=urls.trailing)  # fmt: skip
        except PageUnmodelledError as error:
            raise _declined(f"the comment page of this comment ({error})", "link comment-page") from None

    def _links(self, row: Row[Any]) -> Links:
        rest = self.site.urls.rest_url
        links: Links = {
            "self": [link(rest(f"/wp/v2/comments/{row.id}"))],
            "collection": [link(rest("/wp/v2/comments"))],
        }
        if row.user_id:
            links["author"] = [link(rest(f"/wp/v2/users/{row.user_id}"), embeddable=True)]
        post = self.posts.get(row.post_id)
        route = route_for_post(row.post_id, post.type if post is not None else None)
        if post is not None and route:
            links["up"] = [link(rest(route), embeddable=True, post_type=post.type)]
        if row.parent:
            links["in-reply-to"] = [link(rest(f"/wp/v2/comments/{row.parent}"), embeddable=True)]
        if row.id in self._with_children:
            links["children"] = [link(with_query(rest("/wp/v2/comments"), parent=row.id), embeddable=True)]
        return links


def _page_uri(posts: Posts, page: Row[Any]) -> str:
    """``get_page_uri``: the slugs of the page's ancestors (``get_post_ancestors``) and its own."""
    uri, seen, parent_id = page.name, [page.parent], page.parent
    if parent_id == page.id:
        return str(uri)
    while (ancestor := posts.get(parent_id)) is not None:
        if ancestor.name:
            uri = f"{ancestor.name}/{uri}"
        next_id = ancestor.parent
        if not next_id or next_id == page.id or next_id in seen:
            break
        seen.append(next_id)
        parent_id = next_id
    return str(uri)


def permalink(site: CommentsSite, posts: Posts, post: Row[Any]) -> str:
    """``get_permalink`` of a post or a page (a ``schema.posts`` row); other types are declined."""
    urls = site.urls
    if post.type == "page":
        return urls.page_link(post.id, _page_uri(posts, post), post.status)
    if post.type != "post":
        raise _declined(f"permalinks of {post.type} posts", f"link {post.type}")
    if any(tag in urls.permalink_structure for tag in _UNLINKED_TAGS):
        raise _declined("permalinks with %category% or %author%", "link permalink-structure")
    return urls.post_link({"id": post.id, "date": post.date, "slug": post.name, "status": post.status}, "", "")


def post_permalink(connection: Connection, post: Any) -> str:
    """``get_permalink`` of a ``schema.posts`` row, read from the store (for the submissions' redirects);
    raises :class:`~extracted.rest.ServiceUnavailableError` for what :func:`permalink` declines."""
    return permalink(load_site(connection), Posts(connection), post)
