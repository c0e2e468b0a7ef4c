"""What rendering reads from the read model besides the post: site options, post meta, media.

``RenderInputs`` gathers them once per batch (projection time) or once per read-model generation
(request time); attachments are loaded on first use, since most content shows none.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from extracted.formatting import Attachment, SiteOptions, attachment_from_meta

from . import schema

SIZES = ("thumbnail", "medium", "medium_large", "large")
FLAGS = ("use_smilies", "show_avatars", "require_name_email", "show_comments_cookies_opt_in", "thread_comments")
TEXTS = ("avatar_default", "avatar_rating", "show_on_front")
NUMBERS = ("thread_comments_depth", "page_on_front", "default_category")
# What the links of dynamic blocks are made of (plain ``?p=N`` links when the structure is empty).
PERMALINK_OPTIONS = ("permalink_structure", "category_base", "tag_base")
# SiteOptions fields are named as the options; those this version of the formatting library has are passed.
KNOWN_OPTIONS = frozenset(f.name for f in dataclasses.fields(SiteOptions))
RENDERING_OPTIONS = frozenset(
    {"home", "siteurl", "upload_url_path", "date_format", *FLAGS, *TEXTS, *NUMBERS, *PERMALINK_OPTIONS,
     *(f"{s}_size_{d}" for s in SIZES for d in "wh")}
)  # fmt: skip


def options(connection: Connection, names: Iterable[str]) -> dict[str, str]:
    table = schema.options
    rows = connection.execute(select(table.c.name, table.c.value).where(table.c.name.in_(list(names))))
    return {row.name: row.value for row in rows}


def _size(values: Mapping[str, str], name: str, default: tuple[int, int]) -> tuple[int, int]:
    try:
        return int(values[f"{name}_size_w"]), int(values[f"{name}_size_h"])
    except (KeyError, ValueError):
        return default


def site_options(connection: Connection) -> SiteOptions:
    values = options(connection, RENDERING_OPTIONS)
    defaults = SiteOptions()
    given = [name for name in values if name in KNOWN_OPTIONS]
    flags: dict[str, object] = {name: values[name] not in ("", "0") for name in given if name in FLAGS}
    flags |= {name: values[name] for name in given if name in (*TEXTS, *PERMALINK_OPTIONS)}
    flags |= {name: int(values[name]) for name in given if name in NUMBERS and values[name].strip().isdigit()}
    return SiteOptions(
        home=values.get("home", defaults.home),
        siteurl=values.get("siteurl", ""),
        upload_url_path=values.get("upload_url_path", ""),
        date_format=values.get("date_format") or defaults.date_format,
        thumbnail_size=_size(values, "thumbnail", defaults.thumbnail_size),
        medium_size=_size(values, "medium", defaults.medium_size),
        medium_large_size=_size(values, "medium_large", defaults.medium_large_size),
        large_size=_size(values, "large", defaults.large_size),
        **flags,  # type: ignore[arg-type]
    )


def meta_of(connection: Connection, post_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """Each post's meta, first value of every key (``get_post_meta($id, $key, true)``)."""
    table = schema.post_meta
    found: dict[int, dict[str, str]] = {}
    query = select(table.c.post_id, table.c.key, table.c.value).where(table.c.post_id.in_(list(post_ids)))
    for row in connection.execute(query.order_by(table.c.meta_id)):
        found.setdefault(row.post_id, {}).setdefault(row.key, row.value)
    return found


def attachments(connection: Connection, ids: Iterable[int] | None = None) -> dict[int, Attachment]:
    """Media library items (all of them, or those of ``ids``) as the formatting library takes them."""
    posts = schema.posts
    query = select(posts).where(posts.c.type == "attachment")
    if ids is not None:
        query = query.where(posts.c.id.in_(list(ids)))
    rows = connection.execute(query).all()
    metas = meta_of(connection, [row.id for row in rows])
    return {
        row.id: attachment_from_meta(
            row.id,
            mime_type=row.mime_type,
            meta=metas.get(row.id, {}),
            guid=row.guid,
            title=row.title_raw,
            caption=row.excerpt_raw,
            description=row.content_raw,
            parent=row.parent,
            menu_order=row.menu_order,
            date=(row.date or "0000-00-00T00:00:00").replace("T", " "),
            name=row.slug,
        )
        for row in rows
    }


@dataclass
class RenderInputs:
    """Site options and media for rendering posts; ``bind`` it to the connection to load from."""

    site: SiteOptions
    connection: Connection | None = None
    _media: dict[int, Attachment] | None = field(default=None, repr=False)

    @classmethod
    def load(cls, connection: Connection) -> RenderInputs:
        return cls(site_options(connection), connection)

    def bind(self, connection: Connection) -> RenderInputs:
        self.connection = connection
        return self

    @property
    def media(self) -> dict[int, Attachment]:
        if self._media is None:
            assert self.connection is not None, "RenderInputs used without a connection"
            self._media = attachments(self.connection)
        return self._media
