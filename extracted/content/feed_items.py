"""The items of the posts feed, rendered as WordPress's feed loop renders them (``feed-rss2.php``).

One request-wide ``RenderState`` runs through the loop in the template's order: each item's excerpt
(``the_excerpt_rss``: ``wp_trim_excerpt`` runs ``the_content`` on the excerpt's text) before its content
(``get_the_content_feed``). In a feed ``$more`` is 1: the excerpt and the content are made of the whole
first page (``feed_text.feed_content``), not the teaser. A password-protected post shows WordPress's
fixed excerpt and its password form through ``the_content``.

The loop is WordPress's main query: the first media element ``wp_filter_content_tags`` meets in the
whole feed (in an excerpt's text or in a content) gets no ``loading`` attribute (``wp_get_loading_attr_default``).
The formatting library renders as outside the loop (always ``lazy``), so :class:`EagerMedia` takes the
attribute off that one element again, or declines when it cannot tell which element it was.

Declined (``FeedUnavailableError``): content with a gallery or playlist shortcode (feeds list their
attachments instead), an enclosure WordPress reads with warnings, a rendering that reads the site's data
or the request, a post WordPress cannot date, terms of one post whose names compare equal (MariaDB's
order of them is unknown), names with entities the service does not decode.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, select

from extracted.formatting import FormattingError, PostContext, RenderState, get_the_excerpt, the_content, the_title
from extracted.formatting.blocks import excerpt_remove_blocks
from extracted.formatting.chars import convert_chars
from extracted.formatting.content_tags import MEDIA_TAG
from extracted.formatting.kses_php import esc_html, is_serialized
from extracted.formatting.phpdata import php_int
from extracted.formatting.render import block_renderer
from extracted.formatting.shortcodes import strip_shortcodes
from extracted.formatting.strip_tags import strip_tags
from extracted.formatting.urls import esc_url
from extracted.rest import ServiceUnavailableError

from . import schema
from .errors import SERVICE
from .feed_text import (
    UndecodableError,
    decode_category_name,
    ent2ncr,
    feed_content,
    mysql_to_rfc822,
    oembed_feed_content,
    staticize_emoji,
    wall_clock_exists,
)
from .feed_xml import FeedItem
from .post_view import PostBatch, permalink
from .render_inputs import RenderInputs
from .site import SiteState
from .site_data import SiteDataSource, WatchedSiteData, mysql_date

__all__ = ["PROTECTED_EXCERPT", "EagerMedia", "FeedRendering", "FeedUnavailableError", "password_form", "render_items"]

PROTECTED_EXCERPT = "There is no excerpt because this is a protected post."
#: shortcodes whose output differs in a feed (``gallery_shortcode``, ``wp_playlist_shortcode``)
_FEED_SHORTCODES = re.compile(r"\[(gallery|playlist)[\s\]/]", re.IGNORECASE)
#: the taxonomies ``the_category_rss`` lists, in its order
_CATEGORY_TAXONOMIES = ("category", "post_tag")
PHP_TRIM = " \t\n\r\0\x0b"
posts, terms, taxonomies, relationships, users = (
    schema.posts, schema.terms, schema.taxonomies, schema.relationships, schema.users,
)  # fmt: skip


class FeedUnavailableError(ServiceUnavailableError):
    def __init__(self, what: str, reason: str) -> None:
        super().__init__(f"{what}: {reason}", service=SERVICE, unavailable=what)


@dataclass
class EagerMedia:
    """Which media element of the feed's main loop is the first (``loading`` omitted): found once."""

    found: bool = False

    def see_excerpt_text(self, text: str) -> None:
        """The text ``wp_trim_excerpt`` passes through ``the_content`` (its tags are stripped after)."""
        if not self.found and _counted(text):
            self.found = True

    def fix_content(self, post_id: int, raw: str, rendered: str) -> str:
        """A content as the library rendered it, with the feed's first media element made eager."""
        if self.found:
            return rendered
        tags = [m for m in MEDIA_TAG.finditer(rendered) if "wp-smiley" not in m.group(0)]
        if not tags:
            return rendered
        self.found = True
        first = tags[0]
        tag = first.group(0)
        if " loading=" in raw or "data-secret" in tag:
            raise FeedUnavailableError(f"post {post_id}", "media with its own loading attribute first in the feed")
        if rendered.count(tag) > 1:
            raise FeedUnavailableError(f"post {post_id}", "the feed's first media element appears twice")
        eager = tag.replace(' loading="lazy"', "", 1)  # the library's: the raw content has no loading attribute
        return rendered[: first.start()] + eager + rendered[first.end() :]


def _counted(text: str) -> bool:
    return any(" loading=" not in m.group(0) and ' data-secret="' not in m.group(0) for m in MEDIA_TAG.finditer(text))


def password_form(post_id: int, siteurl: str) -> str:
    """``get_the_password_form`` (English)."""
    action = esc_url(siteurl.rstrip("/") + "/wp-login.php?action=postpass")
    label = f"pwbox-{post_id}"
    return (
        f'<form action="{action}" class="post-password-form" method="post">\n'
        "\t<p>This content is password protected. To view it please enter your password below:</p>\n"
        f'\t<p><label for="{label}">Password: <input name="post_password" id="{label}" type="password" size="20" />'
        '</label> <input type="submit" name="Submit" value="Enter" /></p></form>\n\t'
    )


@dataclass
class FeedRendering:
    """What the loop shares: the request state, the inputs, the site's data and the eager media."""

    connection: Connection
    site: SiteState
    siteurl: str
    now: str
    inputs: RenderInputs
    state: RenderState = field(default_factory=RenderState)
    eager: EagerMedia = field(default_factory=EagerMedia)
    source: SiteDataSource | None = None

    def data(self, post_id: int, reads: set[str]) -> WatchedSiteData:
        if self.source is None:
            self.source = SiteDataSource(self.connection)
        return WatchedSiteData(self.source, own_id=post_id, now=self.now, request_url="", reads=reads)


def _excerpt(feed: FeedRendering, row: Row[Any], post: PostContext, reads: set[str]) -> str:
    """``get_the_excerpt`` in the loop, noting the media ``wp_trim_excerpt``'s ``the_content`` meets."""
    if row.password:
        return PROTECTED_EXCERPT
    if not row.excerpt_raw.strip(PHP_TRIM):
        renderer = block_renderer(RenderState(), None, feed.inputs.site, post, feed.data(row.id, reads))
        feed.eager.see_excerpt_text(excerpt_remove_blocks(strip_shortcodes(post.content), renderer))
    data = feed.data(row.id, reads)
    return get_the_excerpt(row.excerpt_raw, site=feed.inputs.site, post=post, state=feed.state, site_data=data)


def _content(feed: FeedRendering, row: Row[Any], post: PostContext, reads: set[str]) -> str:
    """``get_the_content_feed('rss2')``."""
    text = password_form(row.id, feed.siteurl) if row.password else post.content
    data = feed.data(row.id, reads)
    content = the_content(text, site=feed.inputs.site, post=post, state=feed.state, site_data=data)
    content = feed.eager.fix_content(row.id, text, content)
    return oembed_feed_content(staticize_emoji(content.replace("]]>", "]]&gt;")))


def _checked_date(site: SiteState, post_id: int, stored: str | None) -> datetime:
    value = mysql_date(stored)
    moment = datetime.strptime(value, "%Y-%m-%d %H:%M:%S") if not value.startswith("0000") else None
    if moment is None or not wall_clock_exists(moment, site.tz):
        raise FeedUnavailableError(f"post {post_id}", f"a date mysql2date changes or WordPress omits ({value})")
    return moment


def _pub_date(site: SiteState, row: Row[Any]) -> str:
    _checked_date(site, row.id, row.date_gmt)
    return mysql_to_rfc822(mysql_date(row.date_gmt), suffix=" +0000")


def _utc(site: SiteState, post_id: int, stored: str | None) -> str:
    """``get_post_time('Y-m-d\\TH:i:s\\Z', true)`` of a GMT column."""
    return _checked_date(site, post_id, stored).strftime("%Y-%m-%dT%H:%M:%SZ")


def _categories(names: Sequence[tuple[str, str, str]], post_id: int) -> tuple[str, ...]:
    """``get_the_category_rss('rss2')``: categories then tags by name, unique, entities decoded."""
    keys = [(taxonomy, key) for taxonomy, key, _ in names]
    if len(set(keys)) != len(keys):
        raise FeedUnavailableError(f"post {post_id}", "terms whose names compare equal (their order is unknown)")
    unique = dict.fromkeys(convert_chars(name) for _, _, name in names)
    try:
        return tuple(decode_category_name(name) for name in unique)
    except UndecodableError as error:
        raise FeedUnavailableError(f"post {post_id}", f"a term name with an {error}") from None


def _term_names(connection: Connection, ids: Sequence[int]) -> dict[int, list[tuple[str, str, str]]]:
    query = (
        select(relationships.c.object_id, taxonomies.c.taxonomy, terms.c.name_key, terms.c.name)
        .join(taxonomies, taxonomies.c.term_taxonomy_id == relationships.c.term_taxonomy_id)
        .join(terms, terms.c.term_id == taxonomies.c.term_id)
        .where(relationships.c.object_id.in_(list(ids)), taxonomies.c.taxonomy.in_(_CATEGORY_TAXONOMIES))
        .order_by(terms.c.name_key, terms.c.term_id)
    )
    found: dict[int, list[tuple[str, str, str]]] = {}
    for row in connection.execute(query):
        found.setdefault(row.object_id, []).append((row.taxonomy, row.name_key, row.name))
    order = {taxonomy: rank for rank, taxonomy in enumerate(_CATEGORY_TAXONOMIES)}
    return {key: sorted(value, key=lambda name: order[name[0]]) for key, value in found.items()}


def _authors(connection: Connection, ids: set[int]) -> dict[int, tuple[str, str]]:
    """Each author's display name and URL."""
    query = select(users.c.id, users.c.display_name, users.c.url).where(users.c.id.in_(sorted(ids)))
    return {row.id: (row.display_name, row.url) for row in connection.execute(query)}


def _enclosures(connection: Connection, post_id: int) -> str:
    """``rss_enclosure``: every ``enclosure`` meta value (URL, length and type on three lines), in order."""
    meta = schema.post_meta
    query = select(meta.c.value).where(meta.c.post_id == post_id, meta.c.key == "enclosure").order_by(meta.c.meta_id)
    output = []
    for value in connection.execute(query).scalars():
        lines = value.split("\n")
        if len(lines) < 3 or is_serialized(value):
            raise FeedUnavailableError(f"post {post_id}", "an enclosure WordPress reads with warnings or unserializes")
        kind = re.split(r"[ \t]", lines[2].strip(PHP_TRIM))[0]
        url, length = esc_url(lines[0].strip(PHP_TRIM)), abs(php_int(lines[1].strip(PHP_TRIM)))
        output.append(f'<enclosure url="{url}" length="{length}" type="{esc_html(kind)}" />\n')
    return "".join(output)


def _check_renderable(row: Row[Any]) -> None:
    if _FEED_SHORTCODES.search(row.content_raw) or _FEED_SHORTCODES.search(row.excerpt_raw):
        raise FeedUnavailableError(f"post {row.id}", "a gallery or playlist shortcode (a feed lists its files)")


def render_items(feed: FeedRendering, batch: PostBatch, ids: Sequence[int], *, excerpt_only: bool) -> list[FeedItem]:
    """The feed's items for the posts ``ids``, in order (``batch`` holds their rows and meta)."""
    names = _term_names(feed.connection, ids)
    profiles = _authors(feed.connection, {batch.rows[post_id].author for post_id in ids})
    items = []
    for post_id in ids:
        row, meta = batch.rows[post_id], batch.meta.get(post_id, {})
        _check_renderable(row)
        reads: set[str] = set()
        view = feed_content(row.id, row.content_raw)
        post = PostContext(
            id=row.id, post_type=row.type, status=row.status, content=view, attachments=feed.inputs.media, meta=meta
        )
        try:
            excerpt = convert_chars(ent2ncr(_excerpt(feed, row, post, reads)))
            content = "" if excerpt_only else _content(feed, row, post, reads)
        except FormattingError as error:
            raise FeedUnavailableError(f"post {row.id}", str(error)) from error
        if reads:
            raise FeedUnavailableError(f"post {row.id}", f"content that shows the site's data ({sorted(reads)})")
        raw_link = permalink(feed.site, row, batch)
        link = esc_url(raw_link)
        count = int(row.comment_count or 0)
        takes_comments = count > 0 or row.comment_status == "open"
        title = ("Protected: " if row.password else "") + row.title_raw
        items.append(FeedItem(
            title=esc_html(strip_tags(ent2ncr(the_title(title)))),
            link=link,
            author=ent2ncr(profiles.get(row.author, ("", ""))[0]),
            published=_pub_date(feed.site, row),
            categories=_categories(names.get(post_id, []), post_id),
            guid=esc_url(row.guid),
            excerpt=excerpt,
            content=content,
            comments_link=esc_url(raw_link + ("#comments" if count else "#respond")) if takes_comments else None,
            comments_feed=esc_url(feed.site.urls.trailing(raw_link.rstrip("/\\") + "/feed")),
            comment_count=count,
            enclosures="" if row.password else _enclosures(feed.connection, post_id) if "enclosure" in meta else "",
            author_url=profiles.get(row.author, ("", ""))[1],
            updated=_utc(feed.site, row.id, row.modified_gmt),
            published_utc=_utc(feed.site, row.id, row.date_gmt),
            atom_categories=tuple(dict.fromkeys(name for _, _, name in names.get(post_id, []))),
            atom_comments_feed=esc_url(feed.site.urls.trailing(raw_link.rstrip("/\\") + "/feed/atom")),
        ))  # fmt: skip
    return items
