"""Rendering at request time: a response's posts follow WordPress's request-wide state in order.

WordPress renders the posts of one REST response (then the posts it embeds) in order, with shared
counters and switches (``RenderState``). ``ResponseRendering`` follows that state through a response:

* a ``static`` post (see ``rendering``) is served as stored; its stored deltas advance the state;
* a ``stateful`` post is served as stored when the state is still fresh and the response includes both
  its content and excerpt (as stored); otherwise it is rendered now, from the response's state;
* a ``live`` post is always rendered now, with the site's data (``site_data``) and the request's time
  and URL.

Renderings made now are cached in ``LiveRendering``, one per read-model generation (every committed
batch starts a new one, which drops them): keyed by post, incoming state and parts, and reused while
the parts of the request they read (the day of ``now``, the request URL) are the same. Site options,
media and site data are loaded once per generation, on first use.

A post the formatting library cannot render (``UnsupportedContentError``, ``WordPressFatalError``, a
bug) raises ``ContentUnavailableError``: the service answers 503 and the proxy falls back to WordPress.
Links of dynamic blocks follow the site's permalink options (``SiteOptions.permalink_structure``...).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Row

from extracted.formatting import FormattingError, PostContext, RenderState, rendered_excerpt

from . import render_state
from .errors import ContentUnavailableError
from .post_render import Parts, render_parts
from .render_inputs import RenderInputs
from .site_data import SiteDataSource, WatchedSiteData

log = logging.getLogger(__name__)
CACHE_LIMIT = 2048


@dataclass(frozen=True)
class RequestFacts:
    """What of the request a rendering may read: the site's local time (``Y-m-d H:i:s``) and the URL."""

    now: str = "2020-01-01 00:00:00"
    url: str = ""

    @property
    def day(self) -> str:
        return self.now[:10]


@dataclass(frozen=True)
class Mode:
    """How far a post's stored rendering holds (a ``content_render_modes`` row)."""

    mode: str = "static"
    content_delta: render_state.Delta = field(default_factory=dict)
    excerpt_delta: render_state.Delta = field(default_factory=dict)

    @classmethod
    def of(cls, row: Row[Any] | None) -> Mode:
        if row is None:  # a store projected before modes existed: as rendered
            return cls()
        return cls(row.mode, render_state.decode(row.content_delta), render_state.decode(row.excerpt_delta))


@dataclass(frozen=True)
class _Rendered:
    content: str
    excerpt: str
    after: RenderState
    reads: frozenset[str]
    facts: RequestFacts

    def holds_for(self, facts: RequestFacts) -> bool:
        if "now" in self.reads and facts.day != self.facts.day:  # the calendar marks today
            return False
        return "request_url" not in self.reads or facts.url == self.facts.url


class LiveRendering:
    """Request-time renderings and their inputs for one read-model generation."""

    def __init__(self, generation: int = 0) -> None:
        self.generation = generation
        self.source = SiteDataSource()
        self._inputs: RenderInputs | None = None
        self._cache: dict[tuple[int, str, Parts], _Rendered] = {}

    def inputs(self, connection: Connection) -> RenderInputs:
        if self._inputs is None:
            self._inputs = RenderInputs.load(connection)
        return self._inputs.bind(connection)

    def cached(self, key: tuple[int, str, Parts], facts: RequestFacts) -> _Rendered | None:
        found = self._cache.get(key)
        return found if found is not None and found.holds_for(facts) else None

    def keep(self, key: tuple[int, str, Parts], rendered: _Rendered) -> None:
        if len(self._cache) >= CACHE_LIMIT:
            self._cache.clear()
        self._cache[key] = rendered


class ResponseRendering:
    """The rendered fields of one response's posts, in response order (see the module)."""

    def __init__(self, connection: Connection, live: LiveRendering, facts: RequestFacts) -> None:
        self.connection, self.live, self.facts = connection, live, facts
        self.state = RenderState()
        self.reads: set[str] = set()  # what of the request the response's renderings read

    def fields(
        self, row: Row[Any], mode: Mode, meta: Mapping[str, str], parts: Parts, *, hidden: bool
    ) -> tuple[str, str]:
        """(content, excerpt) of ``row`` in this response; ``hidden`` (password required): WordPress
        does not render the content, but still the excerpt (and shows neither)."""
        parts = Parts(content=parts.content and not hidden, excerpt=parts.excerpt)
        if not (parts.content or parts.excerpt):
            return "", ""
        if mode.mode == "static" or (
            mode.mode == "stateful" and render_state.is_fresh(self.state) and parts.content and parts.excerpt
        ):
            if parts.content:
                render_state.apply(self.state, mode.content_delta)
            if parts.excerpt:
                render_state.apply(self.state, mode.excerpt_delta)
            return (row.content if parts.content else ""), (row.excerpt if parts.excerpt else "")
        return self._render_now(row, meta, parts)

    def _render_now(self, row: Row[Any], meta: Mapping[str, str], parts: Parts) -> tuple[str, str]:
        key = (row.id, render_state.signature(self.state), parts)
        rendered = self.live.cached(key, self.facts)
        if rendered is None:
            reads: set[str] = set()
            source = self.live.source.bind(self.connection)
            data = WatchedSiteData(source, own_id=row.id, now=self.facts.now, request_url=self.facts.url, reads=reads)
            state = render_state.copy(self.state)
            inputs = self.live.inputs(self.connection)
            try:
                content, excerpt = render_parts(row, meta, inputs, data, state=state, parts=parts)
            except FormattingError as error:
                raise ContentUnavailableError(row.id, str(error)) from error
            except Exception as error:  # a bug of the library: WordPress answers right, we might not
                log.exception("rendering post %d at request time failed", row.id)
                raise ContentUnavailableError(row.id, f"{type(error).__name__}: {error}") from error
            rendered = _Rendered(content, excerpt, state, frozenset(reads), self.facts)
            self.live.keep(key, rendered)
        self.state = render_state.copy(rendered.after)
        self.reads |= rendered.reads
        return rendered.content, rendered.excerpt

    def attachment_caption(self, row: Row[Any], meta: Mapping[str, str], content: str) -> str:
        """A media item's ``caption.rendered`` (``get_the_excerpt`` then ``the_excerpt``) in the response's
        state; ``content`` is what ``the_content`` gives its description (see ``media_embed``)."""
        inputs = self.live.inputs(self.connection)
        post = PostContext(
            id=row.id, post_type=row.type, status=row.status, content=content, attachments=inputs.media, meta=meta
        )
        source = self.live.source.bind(self.connection)
        data = WatchedSiteData(source, own_id=row.id, now=self.facts.now, request_url=self.facts.url, reads=self.reads)
        try:
            return rendered_excerpt(row.excerpt_raw, site=inputs.site, post=post, state=self.state, site_data=data)
        except Exception as error:  # as for posts: let WordPress answer
            raise ContentUnavailableError(row.id, f"{type(error).__name__}: {error}") from error
