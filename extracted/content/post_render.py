"""One post's content and excerpt through the formatting library, from a given request state and site data.

Shared by projection-time rendering (``rendering``) and request-time rendering (``live``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row

from extracted.formatting import PostContext, RenderState, SiteData, rendered_excerpt, the_content

from .render_inputs import RenderInputs


@dataclass(frozen=True)
class Parts:
    """Which rendered fields a response includes (WordPress runs the filters only for those)."""

    content: bool = True
    excerpt: bool = True


BOTH = Parts()
CONTENT = Parts(content=True, excerpt=False)
EXCERPT = Parts(content=False, excerpt=True)


def post_context(row: Row[Any], meta: Mapping[str, str], inputs: RenderInputs) -> PostContext:
    return PostContext(
        id=row.id,
        post_type=row.type,
        status=row.status,
        content=row.content_raw,
        attachments=inputs.media,
        meta=meta,
    )


def render_parts(
    row: Row[Any], meta: Mapping[str, str], inputs: RenderInputs, data: SiteData, *, state: RenderState, parts: Parts
) -> tuple[str, str]:
    """(content, excerpt) as one REST item renders them, in that order, advancing ``state``; a part
    the response does not include is not rendered (and is "")."""
    post = post_context(row, meta, inputs)
    content = excerpt = ""
    if parts.content:
        content = the_content(row.content_raw, site=inputs.site, post=post, state=state, site_data=data)
    if parts.excerpt:
        excerpt = rendered_excerpt(row.excerpt_raw, site=inputs.site, post=post, state=state, site_data=data)
    return content, excerpt
