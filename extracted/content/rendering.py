"""Rendering at projection time: posts queued in ``content_dirty`` get their title, content and excerpt
rendered with the formatting library, in the batch's transaction, so reads never render.

Every post is re-rendered when a rendering option changes or when media changes (an image's sizes
show in any post's content); otherwise only the posts whose row or meta changed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from html import escape
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, delete, or_, select, update

from extracted.formatting import (
    Attachment,
    PostContext,
    RenderState,
    SiteOptions,
    rendered_excerpt,
    the_content,
    the_title,
)
from extracted.formatting.attachment_meta import attachment_from_meta

from . import schema

log = logging.getLogger(__name__)
RENDERED_TYPES = ("post", "page")
SIZES = ("thumbnail", "medium", "medium_large", "large")
# What content that shows media contains (images by class, galleries, players, captions, blocks).
MEDIA_MARKERS = ("wp-image-", "[gallery", "[audio", "[video", "[playlist", "[caption", "wp:gallery", "wp:image",
                 "wp:audio", "wp:video", "wp:cover", "wp:media-text", "wp:file")  # fmt: skip
RENDERING_OPTIONS = frozenset(
    {"home", "siteurl", "use_smilies", "upload_url_path", *(f"{s}_size_{d}" for s in SIZES for d in "wh")}
)


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
    return SiteOptions(
        home=values.get("home", defaults.home),
        siteurl=values.get("siteurl", ""),
        upload_url_path=values.get("upload_url_path", ""),
        use_smilies=values.get("use_smilies", "1") not in ("", "0"),
        thumbnail_size=_size(values, "thumbnail", defaults.thumbnail_size),
        medium_size=_size(values, "medium", defaults.medium_size),
        medium_large_size=_size(values, "medium_large", defaults.medium_large_size),
        large_size=_size(values, "large", defaults.large_size),
    )


def meta_of(connection: Connection, post_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """Each post's meta, first value of every key (``get_post_meta($id, $key, true)``)."""
    table = schema.post_meta
    found: dict[int, dict[str, str]] = {}
    query = select(table.c.post_id, table.c.key, table.c.value).where(table.c.post_id.in_(list(post_ids)))
    for row in connection.execute(query.order_by(table.c.meta_id)):
        found.setdefault(row.post_id, {}).setdefault(row.key, row.value)
    return found


def attachments(connection: Connection) -> dict[int, Attachment]:
    posts = schema.posts
    rows = connection.execute(select(posts).where(posts.c.type == "attachment")).all()
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


def _render(
    row: Row[Any], site: SiteOptions, media: Mapping[int, Attachment], meta: Mapping[str, str]
) -> dict[str, str]:
    post = PostContext(
        id=row.id,
        post_type=row.type,
        status=row.status,
        content=row.content_raw,
        attachments=media,
        meta=meta,
    )
    state = RenderState()  # content then excerpt, as in one REST item
    content = the_content(post.content, site=site, post=post, state=state)
    excerpt = rendered_excerpt(row.excerpt_raw, site=site, post=post, state=state)
    return {"title": the_title(row.title_raw), "content": content, "excerpt": excerpt}


def render_dirty(connection: Connection) -> int:
    """Render the queued posts; returns how many were rendered."""
    queued = {row.post_id for row in connection.execute(select(schema.dirty.c.post_id))}
    if not queued:
        return 0
    posts = schema.posts
    media_changed = connection.execute(
        select(posts.c.id).where(posts.c.id.in_(list(queued)), posts.c.type == "attachment").limit(1)
    ).first()
    query = select(posts).where(posts.c.type.in_(RENDERED_TYPES))
    if 0 not in queued:
        chosen: ColumnElement[bool] = posts.c.id.in_(list(queued))
        if media_changed is not None:  # only posts that can show media depend on attachments
            chosen = or_(chosen, *(posts.c.content_raw.contains(marker) for marker in MEDIA_MARKERS))
        query = query.where(chosen)
    rows = connection.execute(query).all()
    site = site_options(connection)
    media = attachments(connection)
    metas = meta_of(connection, [row.id for row in rows])
    for row in rows:
        try:
            rendered = _render(row, site, media, metas.get(row.id, {}))
        except Exception:  # a formatting bug must not stop consumption: show the text escaped
            log.exception("rendering post %d failed", row.id)
            rendered = {"title": escape(row.title_raw), "content": escape(row.content_raw), "excerpt": ""}
        connection.execute(update(posts).where(posts.c.id == row.id).values(rendered))
    connection.execute(delete(schema.dirty))
    return len(rows)
