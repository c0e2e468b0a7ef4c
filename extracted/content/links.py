"""HAL links as WordPress writes them: attributes before ``href``, ``https://api.w.org/`` relations
compacted to ``wp:`` and moved after the others, then ``curies``."""

from __future__ import annotations

from typing import Any

from .phpquery import add_query_arg
from .site import SiteState

Links = dict[str, list[dict[str, Any]]]
CURIE_PREFIX = "https://api.w.org/"
CURIES = [{"name": "wp", "href": "https://api.w.org/{rel}", "templated": True}]


def with_query(url: str, **params: object) -> str:
    return add_query_arg(url, {name: str(value) for name, value in params.items()})


def link(href: str, **attributes: Any) -> dict[str, Any]:
    return {**attributes, "href": href}


def compact(links: Links) -> Links:
    """``get_compact_response_links``."""
    plain = {rel: items for rel, items in links.items() if not rel.startswith(CURIE_PREFIX)}
    curied = {"wp:" + rel[len(CURIE_PREFIX) :]: items for rel, items in links.items() if rel.startswith(CURIE_PREFIX)}
    if not curied:
        return plain
    return {**plain, **curied, "curies": CURIES}


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
