"""The post types WordPress 6.1 registers, as the REST API sees them: which have a REST route
(``show_in_rest``) and which route (``rest_get_route_for_post``). Pure data about stock WordPress 6.1.

Any service that links to a post (a comment's ``up``, a page's parent, a featured image) or decides
whether a visitor may read one (``check_is_post_type_allowed``) needs the same table.
"""

from __future__ import annotations

__all__ = ["POST_TYPE_ROUTES", "REGISTERED_POST_TYPES", "route_for_post"]

#: ``rest_get_route_for_post_type_items`` of the post types WordPress 6.1 registers with ``show_in_rest``
POST_TYPE_ROUTES = {"post": "/wp/v2/posts", "page": "/wp/v2/pages", "attachment": "/wp/v2/media",
                    "nav_menu_item": "/wp/v2/menu-items", "wp_block": "/wp/v2/blocks",
                    "wp_template": "/wp/v2/templates", "wp_template_part": "/wp/v2/template-parts",
                    "wp_navigation": "/wp/v2/navigation"}  # fmt: skip
#: every post type stock WordPress 6.1 registers (``get_post_type_object`` finds it), shown in REST or not
REGISTERED_POST_TYPES = frozenset({*POST_TYPE_ROUTES, "revision", "custom_css", "customize_changeset",
                                   "oembed_cache", "user_request", "wp_global_styles"})  # fmt: skip


def route_for_post(post_id: int, post_type: str | None) -> str:
    """``rest_get_route_for_post``: ``""`` for a post that does not exist (``post_type`` None) or whose
    type has no REST route (revisions, a type no plugin registers any more)."""
    base = POST_TYPE_ROUTES.get(post_type or "")
    return f"{base}/{post_id}" if base else ""
