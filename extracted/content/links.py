"""Links of posts that WordPress writes through its post types' routes (``rest_get_route_for_post``):
featured media and terms. The generic HAL links (``link``, ``with_query``, curies) are ``extracted.rest``'s."""

from __future__ import annotations

from typing import Any

from extracted.rest import Links, link, with_query

from .site import SiteState

#: ``rest_get_route_for_post_type_items`` of the post types WordPress 6.1 registers with ``show_in_rest``
POST_TYPE_ROUTES = {"post": "/wp/v2/posts", "page": "/wp/v2/pages", "attachment": "/wp/v2/media",
                    "nav_menu_item": "/wp/v2/menu-items", "wp_block": "/wp/v2/blocks",
                    "wp_template": "/wp/v2/templates", "wp_template_part": "/wp/v2/template-parts",
                    "wp_navigation": "/wp/v2/navigation"}  # fmt: skip


def route_for_post(post_id: int, post_type: str | None) -> str:
    """``rest_get_route_for_post``: ``""`` for a post that does not exist (``post_type`` None) or whose
    type has no REST route (revisions, a type no plugin registers any more)."""
    base = POST_TYPE_ROUTES.get(post_type or "")
    return f"{base}/{post_id}" if base else ""


def featured_media_links(site: SiteState, featured: int, post_type: str | None) -> Links:
    """``wp:featuredmedia`` as WordPress links it: to whatever the id is, the REST index when nothing
    (real exports carry thumbnails of deleted images, and of posts that are not attachments)."""
    if not featured:
        return {}
    href = site.urls.rest_url(route_for_post(featured, post_type))
    return {"https://api.w.org/featuredmedia": [link(href, embeddable=True)]}


def term_links(site: SiteState, post_id: int) -> list[dict[str, Any]]:
    rest = site.urls.rest_url
    return [
        {"taxonomy": "category", "embeddable": True, "href": with_query(rest("/wp/v2/categories"), post=post_id)},
        {"taxonomy": "post_tag", "embeddable": True, "href": with_query(rest("/wp/v2/tags"), post=post_id)},
    ]
