"""A media item as ``_embed`` shows it: ``/wp/v2/media/N`` in embed context (a post's ``wp:featuredmedia``).

The service does not serve the media endpoint; only embedding needs it. The item is WordPress's
``WP_REST_Attachments_Controller::prepare_item_for_response`` in embed context: id, date, slug, type,
link (``get_attachment_link``), title, author, caption (rendered in the response's state), alt_text,
media_type, mime_type, media_details (``_wp_attachment_metadata`` with each size's ``source_url`` and
a ``full`` size), source_url; and its links.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Row, select

from extracted.formatting import (
    Attachment,
    PhpValue,
    SiteOptions,
    UnserializeError,
    attachment_from_meta,
    attachment_link_html,
    attachment_url,
    downsize,
    is_image,
    php_unserialize,
    the_title,
)
from extracted.rest import Answer, Item, JsonObject, Links, RestError, denied, link, with_query

from . import schema
from .errors import ContentUnavailableError
from .links import featured_media_links
from .live import ResponseRendering
from .post_view import featured_id, load_batch, permalink, post_types, readable
from .render_inputs import meta_of
from .site import SiteState

posts = schema.posts
MEDIA_ROUTE = re.compile(r"/wp/v2/media/(?P<id>[\d]+)", re.IGNORECASE)
EMBED_FIELDS = frozenset(
    {"id", "date", "slug", "type", "link", "title", "author", "caption", "alt_text", "media_type", "mime_type",
     "media_details", "source_url"}
)  # fmt: skip
VIEWABLE_TYPES = ("post", "page", "attachment")  # is_post_type_viewable
NUMERIC = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*")  # PHP's is_numeric


def media_id(route: str) -> int | None:
    match = MEDIA_ROUTE.fullmatch(route.rstrip("/"))
    return int(match["id"]) if match else None


def _row(connection: Connection, post_id: int) -> Row[Any] | None:
    return connection.execute(select(posts).where(posts.c.id == post_id)).first() if post_id > 0 else None


def _parent_link(connection: Connection, site: SiteState, parent: Row[Any]) -> str | None:
    if parent.type == "page":  # _get_page_link: the page's own URL even when it is the front page
        uri = load_batch(connection, site, [parent.id]).page_uris.get(parent.id, parent.slug)
        return f"{site.urls.home_url}/{site.urls.trailing(uri)}" if site.urls.pretty else None
    if parent.type == "post":
        return permalink(site, parent, load_batch(connection, site, [parent.id]))
    return None  # an attachment's attachment: rare enough for the plain link


def attachment_permalink(connection: Connection, site: SiteState, row: Row[Any]) -> str:
    """``get_attachment_link`` of a readable attachment (its parent is published, or it has none)."""
    urls = site.urls
    plain = f"{urls.home_url}/?attachment_id={row.id}"
    parent = _row(connection, row.parent) if row.parent else None
    if row.parent and (row.parent == row.id or parent is None or parent.type not in VIEWABLE_TYPES):
        return plain
    if not urls.pretty:
        return plain
    if parent is None:
        return f"{urls.home_url}/{urls.trailing(row.slug)}"
    parent_link = _parent_link(connection, site, parent)
    if parent_link is None or "?" in parent_link:
        return plain
    numeric = NUMERIC.fullmatch(row.slug) is not None
    name = f"attachment/{row.slug}" if numeric or "%category%" in urls.permalink_structure else row.slug
    return urls.trailing(parent_link.rstrip("/") + "/" + name)


def _php_json_shape(value: PhpValue) -> Any:
    """A PHP array as json_encode writes it: a list when its keys are 0..n-1 in order, else an object."""
    if not isinstance(value, dict):
        return value
    if list(value) == list(range(len(value))):
        return [_php_json_shape(item) for item in value.values()]
    return {str(key): _php_json_shape(item) for key, item in value.items()}


def media_details(attachment: Attachment, serialized: str, site: SiteOptions) -> Any:
    """``media_details``: the metadata as stored, sizes with ``mime_type`` and ``source_url``, plus ``full``."""
    try:
        stored = php_unserialize(serialized) if serialized else None
    except UnserializeError:
        stored = None
    if not stored or not isinstance(stored, dict):  # PHP's empty(): "", "0", [], false, null
        return JsonObject()
    details = {str(key): _php_json_shape(value) for key, value in stored.items()}
    sizes = details.get("sizes")
    if not sizes:
        details["sizes"] = JsonObject()
        return details
    if not isinstance(sizes, dict):
        return details
    for name, size in sizes.items():
        if not isinstance(size, dict):
            continue
        if "mime-type" in size:
            size["mime_type"] = size.pop("mime-type")
        source = downsize(attachment, name, site)
        if source is not None:
            size["source_url"] = source[0]
    full = downsize(attachment, "full", site)
    if full is not None:
        url, width, height = full
        file = url.rsplit("/", 1)[-1]
        sizes["full"] = {"file": file, "width": width, "height": height, "mime_type": attachment.mime_type,
                         "source_url": url}  # fmt: skip
    return details


def _prepended_content(attachment: Attachment, site: SiteOptions) -> str | None:
    """The description as ``the_content`` gets it for an attachment: ``prepend_attachment`` puts a link
    to the file (the medium image, else the title) before it. None for audio and video (a player)."""
    if attachment.mime_type.startswith(("audio/", "video/")):
        return None
    link_html = attachment_link_html(attachment, "medium", site, to_page=False)
    return f'<p class="attachment">{link_html}</p>\n{attachment.description}'


def _links(connection: Connection, site: SiteState, row: Row[Any], meta: Mapping[str, str]) -> Links:
    rest = site.urls.rest_url
    links: Links = {
        "self": [link(rest(f"/wp/v2/media/{row.id}"))],
        "collection": [link(rest("/wp/v2/media"))],
        "about": [link(rest("/wp/v2/types/attachment"))],
    }
    if row.author:
        links["author"] = [link(rest(f"/wp/v2/users/{row.author}"), embeddable=True)]
    links["replies"] = [link(with_query(rest("/wp/v2/comments"), post=row.id), embeddable=True)]
    featured = featured_id(meta)
    links.update(featured_media_links(site, featured, post_types(connection, [featured]).get(featured)))
    return links


def get_media(connection: Connection, site: SiteState, attachment_id: int, *, rendering: ResponseRendering) -> Answer:
    """One media item in embed context, as a visitor may see it."""
    row = _row(connection, attachment_id)
    if row is None or row.type != "attachment":
        raise RestError("rest_post_invalid_id", "Invalid post ID.", 404)
    if not readable(connection, row):
        raise denied("rest_forbidden", "Sorry, you are not allowed to do that.")
    meta = meta_of(connection, [row.id]).get(row.id, {})
    inputs = rendering.live.inputs(connection)
    attachment = attachment_from_meta(
        row.id, mime_type=row.mime_type, meta=meta, guid=row.guid, title=row.title_raw, caption=row.excerpt_raw,
        description=row.content_raw, parent=row.parent, name=row.slug,
    )  # fmt: skip
    content = _prepended_content(attachment, inputs.site)
    if content is None and not row.excerpt_raw.strip():
        raise ContentUnavailableError(row.id, "an audio or video attachment's caption shows its player")
    data: dict[str, Any] = {
        "id": row.id,
        "date": row.date,
        "slug": row.slug,
        "type": row.type,
        "link": attachment_permalink(connection, site, row),
        "title": {"rendered": the_title(row.title_raw)},
        "author": row.author,
        "caption": {"rendered": rendering.attachment_caption(row, meta, content or "")},
        "alt_text": meta.get("_wp_attachment_image_alt", ""),
        "media_type": "image" if is_image(attachment) else "file",
        "mime_type": row.mime_type,
        "media_details": media_details(attachment, meta.get("_wp_attachment_metadata", ""), inputs.site),
        "source_url": attachment_url(attachment, inputs.site),
    }
    return Answer(Item(data, _links(connection, site, row, meta), EMBED_FIELDS))
