"""Rendering at projection time: posts queued in ``content_dirty`` get their title, content and excerpt
rendered with the formatting library, in the batch's transaction, and a *mode* telling how far the
stored rendering holds (``content_render_modes``):

* ``static``: the output does not depend on the response around it (rendered again from a state far
  from fresh, ``render_state.probe``, it is the same) nor on the rest of the site. Served as stored,
  in any response. Its deltas tell later posts of a response what it adds to the request's state.
* ``stateful``: the output depends on what the response rendered before it (``gallery-N``,
  ``wp-container-N``, paragraphs around shortcodes after content with blocks). Served as stored when it
  is the first post a response renders, else rendered per request (``live``).
* ``live``: the content reads site data (dynamic blocks: latest posts, archives, calendar, query
  loops, page list, ...), or the formatting library cannot render it (``UnsupportedContentError``,
  ``WordPressFatalError``, a bug). Always rendered per request; a failure there makes the service
  answer 503 so that the proxy falls back to WordPress.

Every post is re-rendered when a rendering option changes; posts that can show media when media
changes (an image's sizes show in any post's content); otherwise the posts whose row, meta or terms
changed. Changes of the rest of the site reach live posts through the request-time cache's generation.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, delete, insert, or_, select, update

from extracted.formatting import FormattingError, RenderState, the_title

from . import render_state, schema
from .post_render import BOTH, CONTENT, EXCERPT, render_parts
from .render_inputs import RenderInputs, meta_of
from .render_state import Delta
from .site_data import SiteDataSource, WatchedSiteData

log = logging.getLogger(__name__)
# Queued to re-render every post (a site option or a vanished attachment changed). Not 0: rows
# such as postmeta of post 0 exist and name no post.
ALL_POSTS = -1
RENDERED_TYPES = ("post", "page")
STATIC, STATEFUL, LIVE = "static", "stateful", "live"
PHP_TRIM = " \t\n\r\0\x0b"
# What content that shows media contains (images by class, galleries, players, captions, blocks).
MEDIA_MARKERS = ("wp-image-", "[gallery", "[audio", "[video", "[playlist", "[caption", "wp:gallery", "wp:image",
                 "wp:audio", "wp:video", "wp:cover", "wp:media-text", "wp:file", "wp:post-featured-image")  # fmt: skip


@dataclass(frozen=True)
class Stored:
    """A post's projection-time rendering."""

    title: str
    content: str
    excerpt: str
    mode: str
    content_delta: Delta
    excerpt_delta: Delta


def _excerpt_alone(
    row: Row[Any], meta: Mapping[str, str], inputs: RenderInputs, data: WatchedSiteData, after_content: Delta
) -> Delta:
    """What the excerpt alone adds to a fresh state, for a static post (whose excerpt adds the same
    counters after its content as alone): a handwritten excerpt runs no content filters; an excerpt
    of content without blocks cannot move wpautop either; else it is rendered alone to know."""
    if row.excerpt_raw.strip(PHP_TRIM):
        return {}
    if "<!-- wp:" not in row.content_raw:  # has_blocks()
        return after_content
    state = RenderState()
    render_parts(row, meta, inputs, data, state=state, parts=EXCERPT)
    return render_state.delta(RenderState(), state)


def classify(row: Row[Any], meta: Mapping[str, str], inputs: RenderInputs, source: SiteDataSource) -> Stored:
    """Render a post from a fresh state, and find how far that rendering holds (see the module)."""
    title = the_title(row.title_raw)
    reads: set[str] = set()

    def data() -> WatchedSiteData:
        now = datetime.now().strftime("%Y-%m-%d %H:%M:%S")  # only read by live content, never stored
        return WatchedSiteData(source, own_id=row.id, now=now, request_url="", reads=reads)

    live = Stored(title, "", "", LIVE, {}, {})
    try:
        state = RenderState()
        content, _ = render_parts(row, meta, inputs, data(), state=state, parts=CONTENT)
        after_content = render_state.copy(state)
        _, excerpt = render_parts(row, meta, inputs, data(), state=state, parts=EXCERPT)
        content_delta = render_state.delta(RenderState(), after_content)
        excerpt_after_content = render_state.delta(after_content, state)
        if reads:
            return live
        probed = render_parts(row, meta, inputs, data(), state=render_state.probe(), parts=BOTH)
        if reads:
            return live
        by_name = render_state.changes_names(content_delta) or render_state.changes_names(excerpt_after_content)
        if probed != (content, excerpt) or by_name:
            return Stored(title, content, excerpt, STATEFUL, content_delta, excerpt_after_content)
        excerpt_delta = _excerpt_alone(row, meta, inputs, data(), excerpt_after_content)
        return Stored(title, content, excerpt, STATIC, content_delta, excerpt_delta)
    except (FormattingError, render_state.UnknownStateFieldError) as error:
        log.info("post %d is rendered per request: %s", row.id, error)
        return live
    except Exception:  # a formatting bug must not stop consumption: requests will fall back to WordPress
        log.exception("rendering post %d failed; it is rendered per request", row.id)
        return live


def _queued_rows(connection: Connection, queued: set[int]) -> list[Row[Any]]:
    posts = schema.posts
    media_changed = connection.execute(
        select(posts.c.id).where(posts.c.id.in_(list(queued)), posts.c.type == "attachment").limit(1)
    ).first()
    query = select(posts).where(posts.c.type.in_(RENDERED_TYPES))
    if ALL_POSTS not in queued:
        chosen: ColumnElement[bool] = posts.c.id.in_(list(queued))
        if media_changed is not None:  # only posts that can show media depend on attachments
            columns = (posts.c.content_raw, posts.c.excerpt_raw)
            markers = [column.contains(marker) for marker in MEDIA_MARKERS for column in columns]
            chosen = or_(chosen, *markers)
        query = query.where(chosen)
    return list(connection.execute(query).all())


def render_dirty(connection: Connection) -> int:
    """Render the queued posts; returns how many were rendered."""
    queued = {row.post_id for row in connection.execute(select(schema.dirty.c.post_id))}
    if not queued:
        return 0
    rows = _queued_rows(connection, queued)
    inputs = RenderInputs.load(connection)
    source = SiteDataSource(connection)
    metas = meta_of(connection, [row.id for row in rows])
    modes = schema.render_modes
    for row in rows:
        stored = classify(row, metas.get(row.id, {}), inputs, source)
        values = {"title": stored.title, "content": stored.content, "excerpt": stored.excerpt}
        connection.execute(update(schema.posts).where(schema.posts.c.id == row.id).values(values))
        connection.execute(delete(modes).where(modes.c.post_id == row.id))
        connection.execute(
            insert(modes).values(
                post_id=row.id,
                mode=stored.mode,
                content_delta=render_state.encode(stored.content_delta),
                excerpt_delta=render_state.encode(stored.excerpt_delta),
            )
        )
    connection.execute(delete(schema.dirty))
    return len(rows)
