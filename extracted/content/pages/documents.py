"""Pages composed from the pieces WordPress rendered ahead of time and what the request decides.

The request's own parts are the document title (``wp_get_document_title``), the body's classes and
the status and headers; everything between them comes from the pieces. A title computed here that
differs from the one WordPress printed when it rendered the pieces means this port is wrong for that
site name: the page is declined rather than served differently.
"""

from __future__ import annotations

from extracted.formatting.chars import capital_p_dangit, convert_chars
from extracted.formatting.kses_php import esc_html
from extracted.formatting.texturize import wptexturize
from extracted.rest import Reply

from .pieces import Pieces

__all__ = ["document_title", "not_found_page", "site_name"]

#: ``document_title_separator``'s default, before wptexturize makes it an en dash
SEPARATOR = "-"
NOT_FOUND_TITLE = "Page not found"


def site_name(blogname: str) -> str:
    """``get_bloginfo('name', 'display')``: the ``bloginfo`` filters (wptexturize, convert_chars, esc_html)."""
    return esc_html(convert_chars(wptexturize(blogname)))


def document_title(parts: list[str]) -> str:
    """``wp_get_document_title`` from its non-empty parts (the page's, then the site's name)."""
    title = f" {SEPARATOR} ".join(part for part in parts if part)
    return capital_p_dangit(esc_html(convert_chars(wptexturize(title))))


def not_found_page(pieces: Pieces) -> Reply | None:
    """The 404 page as WordPress answers an anonymous visitor, or None when the pieces do not agree."""
    document = pieces.documents.get("404")
    if document is None:
        return None
    title = document_title([NOT_FOUND_TITLE, site_name(pieces.blogname)])
    if title != document.title:
        return None
    # body_class() on a 404: "error404" and the theme's supports (responsive embeds), from the pieces
    return Reply(document.status, list(document.headers), document.compose(title, document.body_class))
