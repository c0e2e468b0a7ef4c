"""A comment's ``up`` embedded: its post as ``/wp/v2/posts/{id}`` (``/wp/v2/pages/{id}``) answers WordPress
6.1's embed request (``context=embed``) for a visitor, from this service's own read model.

The post's fields are the embed context's: ``id``, ``date``, ``slug``, ``type``, ``link``, ``title``,
``excerpt`` (``protected``, and empty when the post has a password: the embed gives none), ``author``,
``featured_media`` (``_thumbnail_id``), and the posts controller's links (author, replies, revisions
counted from the post's revision rows, the parent page, featured media, attachments, terms of posts).
The title and excerpt are rendered by ``extracted.formatting`` from the raw texts and the oEmbed caches
the projection keeps (a URL without a cache renders as WordPress renders it offline, as in content), in
one :class:`~extracted.formatting.RenderState` per response, as WordPress renders the embedded posts of
one request one after the other.

What the service does not keep is declined (a 503 with ``X-Strangler-Unavailable: embed up ...``, so
WordPress answers): an excerpt whose rendering reads the rest of the site (dynamic blocks) or an
attachment in a handwritten excerpt (an image's ``srcset``; an excerpt made of the content
is stripped of its tags, so what attachments add to its images never shows); posts of other types
(attachments, blocks...); a post whose texts the store does not have (a store made before it kept
them); other queries than the embed's. A post that does not exist, is of another type than the route's
or is not readable is the posts controller's error, which WordPress embeds as it is.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import Connection, Row, func, select

from extracted.formatting import FormattingError, PostContext, SiteData, get_the_excerpt, the_excerpt, the_title
from extracted.formatting.phpdata import php_int
from extracted.rest import Item, Links, Query, RestError, ServiceUnavailableError, denied, link, with_query
from extracted.rest import route_for_post as rest_route_for_post

from . import schema
from .access import Posts, type_readable
from .comment_args import SERVICE
from .comment_view import permalink, rest_date
from .site import CommentsSite

__all__ = ["EMBEDDED_TYPES", "get_post_embed"]

posts_table, texts_table, meta_table = schema.posts, schema.post_texts, schema.post_meta
#: the post types whose embed the service answers, by their REST base
EMBEDDED_TYPES = {"posts": "post", "pages": "page"}
EMBED_FIELDS = frozenset(
    {"id", "date", "slug", "type", "link", "title", "excerpt", "author", "featured_media"}
)  # fmt: skip


class _NotKeptError(Exception):
    """The rendering read something this service does not keep (not a ``LookupError``: never caught as one)."""


class _UnkeptAttachments(Mapping[int, Any]):
    """A post's attachments as the formatting library reads them: any lookup of a real id is a read the
    service cannot answer (an attachment id of 0 is nothing, as in WordPress)."""

    def __getitem__(self, key: int) -> Any:
        raise _NotKeptError("attachments")

    def get(self, key: int, default: Any = None) -> Any:
        if key == 0:
            return default
        raise _NotKeptError("attachments")

    def __contains__(self, key: object) -> bool:
        raise _NotKeptError("attachments")

    def __iter__(self) -> Iterator[int]:
        raise _NotKeptError("attachments")

    def __len__(self) -> int:
        raise _NotKeptError("attachments")


_SITE_FIELDS = frozenset(f.name for f in dataclasses.fields(SiteData))


class _UnkeptSite(SiteData):
    """The rest of the site, which dynamic blocks read: not kept here."""

    def __getattribute__(self, name: str) -> Any:
        if name in _SITE_FIELDS:
            raise _NotKeptError("site data")
        return super().__getattribute__(name)


_UNKEPT_SITE = _UnkeptSite()


def _declined(what: str, unavailable: str) -> ServiceUnavailableError:
    return ServiceUnavailableError(f"the comments service does not reproduce {what}", service=SERVICE,
                                   unavailable=f"embed up {unavailable}")  # fmt: skip


def _excerpt(site: CommentsSite, post: Row[Any], texts: Row[Any], meta: Mapping[str, str]) -> str:
    """``excerpt.rendered``: WordPress's ``the_excerpt`` of ``get_the_excerpt``, none with a password (the
    embed request gives none; the password form it would render has nothing a later post's rendering sees)."""
    if post.password:
        return ""
    context = PostContext(id=post.id, post_type=post.type, status=post.status, content=texts.content,
                          attachments=_UnkeptAttachments(), meta=meta)  # fmt: skip
    # an excerpt made of the content is stripped of its tags: what attachments add to images is never shown
    made = dataclasses.replace(context, attachments={})
    try:
        excerpt = get_the_excerpt(texts.excerpt, site=site.rendering, post=made, state=site.render_state,
                                  site_data=_UNKEPT_SITE)  # fmt: skip
        return the_excerpt(excerpt, site=site.rendering, post=context)
    except _NotKeptError as error:
        raise _declined(f"an excerpt that reads the site's {error}", "excerpt") from None
    except FormattingError as error:
        raise _declined(f"this excerpt ({error})", "excerpt") from None


def _revisions(connection: Connection, post_id: int) -> tuple[int, int]:
    """``wp_get_latest_revision_id_and_total_count``: how many revisions, and the latest (by date, then id)."""
    revisions = select(posts_table.c.id).where(posts_table.c.parent == post_id, posts_table.c.type == "revision",
                                               posts_table.c.status == "inherit")  # fmt: skip
    count = connection.execute(select(func.count()).select_from(revisions.subquery())).scalar_one()
    if not count:
        return 0, 0
    latest = connection.execute(revisions.order_by(posts_table.c.date.desc(), posts_table.c.id.desc()).limit(1))
    return int(count), int(latest.scalar_one())


def _meta(connection: Connection, post_id: int) -> dict[str, str]:
    """The post's kept meta, the first value of each key (``get_post_meta($id, $key, true)``)."""
    found: dict[str, str] = {}
    query = select(meta_table.c.key, meta_table.c.value).where(meta_table.c.post_id == post_id)
    for key, value in connection.execute(query.order_by(meta_table.c.meta_id)):
        found.setdefault(key, value)
    return found


def _route_for(posts: Posts, post_id: int) -> str:
    linked = posts.get(post_id)
    return rest_route_for_post(post_id, linked.type if linked is not None else None)


def _links(site: CommentsSite, connection: Connection, posts: Posts, post: Row[Any], featured: int) -> Links:
    """The posts controller's ``prepare_links`` of a post or page."""
    rest, base = site.urls.rest_url, f"/wp/v2/{post.type}s"
    links: Links = {
        "self": [link(rest(f"{base}/{post.id}"))],
        "collection": [link(rest(base))],
        "about": [link(rest(f"/wp/v2/types/{post.type}"))],
    }
    if post.author:
        links["author"] = [link(rest(f"/wp/v2/users/{post.author}"), embeddable=True)]
    links["replies"] = [link(with_query(rest("/wp/v2/comments"), post=post.id), embeddable=True)]
    count, latest = _revisions(connection, post.id)
    links["version-history"] = [link(rest(f"{base}/{post.id}/revisions"), count=count)]
    if count:
        links["predecessor-version"] = [link(rest(f"{base}/{post.id}/revisions/{latest}"), id=latest)]
    if post.type == "page" and post.parent:  # rest_url( rest_get_route_for_post( parent ) ): the index if none
        links["up"] = [link(rest(_route_for(posts, post.parent)), embeddable=True)]
    if featured:
        links["https://api.w.org/featuredmedia"] = [link(rest(_route_for(posts, featured)), embeddable=True)]
    links["https://api.w.org/attachment"] = [link(with_query(rest("/wp/v2/media"), parent=post.id))]
    if post.type == "post":
        links["https://api.w.org/term"] = [
            link(with_query(rest(f"/wp/v2/{route}"), post=post.id), taxonomy=taxonomy, embeddable=True)
            for taxonomy, route in (("category", "categories"), ("post_tag", "tags"))
        ]
    return links


def get_post_embed(connection: Connection, site: CommentsSite, base: str, post_id: int, query: Query) -> Item:
    """``GET /wp/v2/{base}/{post_id}?context=embed`` as WordPress answers the embed request of a visitor."""
    if set(query) != {"context"} or query["context"] != "embed":
        raise _declined("requests of posts other than their embed", "query")
    post_type = EMBEDDED_TYPES[base]
    posts = Posts(connection)
    post = posts.get(post_id)
    if post is None or post.type != post_type:  # the posts controller's get_post()
        raise RestError("rest_post_invalid_id", "Invalid post ID.", 404)
    if not type_readable(posts, post):  # its check_read_permission() is false: the server's own error
        raise denied("rest_forbidden", "Sorry, you are not allowed to do that.")
    texts = connection.execute(select(texts_table).where(texts_table.c.id == post_id)).first()
    if texts is None:
        raise _declined("a post whose texts the store does not have (rebuild the read model)", "texts")
    meta = _meta(connection, post_id)
    featured = php_int(meta.get("_thumbnail_id", ""))  # get_post_thumbnail_id()
    data: dict[str, Any] = {
        "id": post.id,
        "date": rest_date(post.date),
        "slug": post.name,
        "type": post.type,
        "link": permalink(site, posts, post),
        "title": {"rendered": the_title(texts.title)},
        "excerpt": {"rendered": _excerpt(site, post, texts, meta), "protected": bool(post.password)},
        "author": post.author,
        "featured_media": featured,
    }
    return Item(data, _links(site, connection, posts, post, featured), EMBED_FIELDS)
