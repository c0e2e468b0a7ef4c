"""The read model as the formatting library's ``SiteData``: loaded part by part on first use, and watched.

Dynamic blocks (latest posts, archives, calendar, query loops, page list, ...) render from the whole
site. ``WatchedSiteData`` hands them the read model's data through a ``SiteDataSource`` (one per batch
or per read-model generation, each part loaded once) and notes which parts a rendering read: content
that read none is independent of the rest of the site and may be rendered once, at projection time.

The post being rendered is not a read of the site: blocks about it (its title, date, excerpt) read
only its own row and terms, whose changes re-render it anyway.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Connection, Row, select

from extracted.formatting import (
    Attachment,
    SiteComment,
    SiteData,
    SitePost,
    SiteTerm,
    SiteUser,
    UnsupportedContentError,
)

from . import schema
from .render_inputs import attachments, meta_of, options
from .site import sticky_ids

posts, terms, taxonomies, relationships = schema.posts, schema.terms, schema.taxonomies, schema.relationships
users, comments = schema.users, schema.comments
PER_REQUEST = frozenset({"now", "request_url"})  # given by the request, not loaded
CONSTANT = frozenset({"feed_error"})  # the same for every request: None, see WatchedSiteData
SITE_DATA_FIELDS = frozenset(f.name for f in dataclasses.fields(SiteData))
SITE_POST_FIELDS = frozenset(f.name for f in dataclasses.fields(SitePost))
T = TypeVar("T")


def mysql_date(value: str | None) -> str:
    return (value or "0000-00-00T00:00:00").replace("T", " ")


def _build(cls: type[T], *args: Any, **values: Any) -> T:
    """``cls(...)`` with the fields this version of the formatting library has (it grows them)."""
    known = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    return cls(*args, **{name: value for name, value in values.items() if name in known})


Featured = tuple[int, Attachment | None]  # the ``_thumbnail_id`` and that attachment


def _site_post(
    row: Row[Any], term_ids: tuple[int, ...], featured: Featured = (0, None), *, own: bool = False
) -> SitePost:
    return _build(
        SitePost,
        id=row.id,
        post_type=row.type,
        title=row.title_raw,
        name=row.slug,
        date=mysql_date(row.date),
        date_gmt=mysql_date(row.date_gmt),
        modified=mysql_date(row.modified),
        author=row.author,
        excerpt=row.excerpt_raw,
        content=row.content_raw,
        parent=row.parent,
        menu_order=row.menu_order,
        comment_status=row.comment_status,
        terms=term_ids,
        status=row.status,
        featured_image_id=featured[0],
        featured_image=featured[1],
        password_protected=bool(row.password),  # only whether it has one: rendering never needs the password
        # The post being rendered is shown only to a visitor who gave its password (else WordPress's REST API
        # empties what was rendered): its blocks render as for that visitor.
        password_given=own and bool(row.password),
    )


def _int(text: str | None) -> int:
    return int(text) if text and text.strip().isdigit() else 0


class SiteDataSource:
    """The parts of ``SiteData`` from the read model, each loaded on first use and then kept."""

    def __init__(self, connection: Connection | None = None) -> None:
        self.connection = connection
        self._parts: dict[str, Any] = {}
        self._index: dict[int, SitePost] | None = None

    def bind(self, connection: Connection) -> SiteDataSource:
        self.connection = connection
        return self

    def _db(self) -> Connection:
        assert self.connection is not None, "SiteDataSource used without a connection"
        return self.connection

    def part(self, name: str) -> Any:
        if name not in self._parts:
            loader = getattr(self, f"_load_{name}", None)
            if loader is None:  # a part this service does not know yet: never render it wrong
                raise UnsupportedContentError(f"the content service does not provide site data {name!r} yet")
            self._parts[name] = loader()
        return self._parts[name]

    def post(self, post_id: int) -> SitePost | None:
        if self._index is None:
            self._index = {post.id: post for post in self.part("posts")}
        return self._index.get(post_id)

    def own_post(self, post_id: int) -> SitePost:
        """One post by id whatever its status (the post being rendered)."""
        row = self._db().execute(select(posts).where(posts.c.id == post_id)).first()
        if row is None:
            return SitePost(id=post_id)
        term_ids = tuple(self._term_ids([post_id]).get(post_id, ()))
        return _site_post(row, term_ids, self._featured([post_id])[post_id], own=True)

    def _featured(self, post_ids: list[int]) -> dict[int, Featured]:
        """Each post's featured image: the ``_thumbnail_id`` meta and that attachment."""
        ids = {post_id: _int(meta.get("_thumbnail_id")) for post_id, meta in meta_of(self._db(), post_ids).items()}
        media = attachments(self._db(), [i for i in ids.values() if i]) if any(ids.values()) else {}
        return {post_id: (ids.get(post_id, 0), media.get(ids.get(post_id, 0))) for post_id in post_ids}

    def _term_ids(self, post_ids: list[int] | None) -> dict[int, list[int]]:
        query = select(relationships.c.object_id, taxonomies.c.term_id).join(
            taxonomies, taxonomies.c.term_taxonomy_id == relationships.c.term_taxonomy_id
        )
        if post_ids is not None:
            query = query.where(relationships.c.object_id.in_(post_ids))
        found: dict[int, list[int]] = {}
        for row in self._db().execute(query.order_by(relationships.c.object_id, taxonomies.c.term_id)):
            found.setdefault(row.object_id, []).append(row.term_id)
        return found

    def _posts(self, types: tuple[str, ...], statuses: tuple[str, ...]) -> tuple[SitePost, ...]:
        query = select(posts).where(posts.c.type.in_(types), posts.c.status.in_(statuses))
        rows = self._db().execute(query.order_by(posts.c.date.desc(), posts.c.id.desc())).all()
        term_ids = self._term_ids(None) if rows else {}
        featured = self._featured([row.id for row in rows]) if "featured_image" in SITE_POST_FIELDS else {}
        return tuple(_site_post(row, tuple(term_ids.get(row.id, ())), featured.get(row.id, (0, None))) for row in rows)

    def _load_posts(self) -> tuple[SitePost, ...]:
        return self._posts(("post", "page"), ("publish",))

    def _load_navigation_menus(self) -> tuple[SitePost, ...]:
        # Unpublished menus too: a block referring to one shows the fallback menu instead.
        return self._posts(("wp_navigation",), ("publish", "draft", "pending", "private", "future"))

    def _load_terms(self) -> tuple[SiteTerm, ...]:
        query = select(
            terms, taxonomies.c.taxonomy, taxonomies.c.parent, taxonomies.c.description, taxonomies.c.count
        ).join(taxonomies, taxonomies.c.term_id == terms.c.term_id)
        rows = self._db().execute(query.order_by(terms.c.name_key, terms.c.term_id))
        # WordPress shows the stored count (``term_taxonomy.count``), whatever the posts are now.
        return tuple(
            _build(SiteTerm, r.term_id, r.taxonomy, r.name, r.slug, r.parent, r.description, count=r.count)
            for r in rows
        )

    def _load_users(self) -> tuple[SiteUser, ...]:
        rows = self._db().execute(select(users).order_by(users.c.id))
        return tuple(
            _build(SiteUser, r.id, r.login, r.display_name, nicename=r.nicename, description=r.description,
                   email=r.email)
            for r in rows
        )  # fmt: skip

    def _load_comments(self) -> tuple[SiteComment, ...]:
        published = select(posts.c.id).where(posts.c.status == "publish")
        query = select(comments).where(comments.c.approved == "1", comments.c.post_id.in_(published))
        rows = self._db().execute(query.order_by(comments.c.date_gmt.desc(), comments.c.id.desc()))
        return tuple(
            _build(SiteComment, r.id, r.post_id, r.author_name, r.content_raw, mysql_date(r.date),
                   mysql_date(r.date_gmt), parent=r.parent, user_id=r.user_id, author_url=r.author_url,
                   author_email=r.author_email, comment_type=r.type or "comment")
            for r in rows
        )  # fmt: skip

    def _load_sticky_posts(self) -> tuple[int, ...]:
        return sticky_ids(options(self._db(), ["sticky_posts"]).get("sticky_posts", ""))

    def _load_title(self) -> str:
        return options(self._db(), ["blogname"]).get("blogname", "")

    def _load_tagline(self) -> str:
        return options(self._db(), ["blogdescription"]).get("blogdescription", "")


class _OwnPost(SitePost):
    """The post being rendered, as ``SiteData.post`` gives it: loaded on first look at its fields."""

    def __init__(self, post_id: int, load: Callable[[int], SitePost]) -> None:
        super().__init__(id=post_id)
        object.__setattr__(self, "_load", load)
        object.__setattr__(self, "_loaded", None)

    def __getattribute__(self, name: str) -> Any:
        if name in SITE_POST_FIELDS and name != "id":
            loaded = object.__getattribute__(self, "_loaded")
            if loaded is None:
                loaded = object.__getattribute__(self, "_load")(object.__getattribute__(self, "id"))
                object.__setattr__(self, "_loaded", loaded)
            return getattr(loaded, name)
        return object.__getattribute__(self, name)


class WatchedSiteData(SiteData):
    """``SiteData`` over a source, noting in ``reads`` the names of the parts a rendering read."""

    def __init__(self, source: SiteDataSource, *, own_id: int, now: str, request_url: str, reads: set[str]) -> None:
        # feed_error None: an RSS block with a feed makes the item unavailable (WordPress fetches it)
        super().__init__(now=now, request_url=request_url, feed_error=None)
        object.__setattr__(self, "_source", source)
        object.__setattr__(self, "_own", _OwnPost(own_id, source.own_post))
        object.__setattr__(self, "_reads", reads)

    def __getattribute__(self, name: str) -> Any:
        if name in SITE_DATA_FIELDS and name not in CONSTANT:
            object.__getattribute__(self, "_reads").add(name)
            if name not in PER_REQUEST:
                return object.__getattribute__(self, "_source").part(name)
        return object.__getattribute__(self, name)

    def post(self, post_id: int) -> SitePost | None:
        own: _OwnPost = object.__getattribute__(self, "_own")
        if post_id == object.__getattribute__(own, "id"):
            return own
        object.__getattribute__(self, "_reads").add("posts")
        source: SiteDataSource = object.__getattribute__(self, "_source")
        return source.post(post_id)
