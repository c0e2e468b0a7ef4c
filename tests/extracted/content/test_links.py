"""``rest_get_route_for_post`` as a featured image's link uses it: real exports point thumbnails at
deleted images and at posts that are not attachments."""

from __future__ import annotations

import pytest

from extracted.content.links import route_for_post
from extracted.formatting.phpdata import php_int


@pytest.mark.parametrize(
    ("post_type", "route"),
    [("attachment", "/wp/v2/media/7"), ("post", "/wp/v2/posts/7"), ("page", "/wp/v2/pages/7"),
     ("nav_menu_item", "/wp/v2/menu-items/7"), ("wp_block", "/wp/v2/blocks/7"), (None, ""), ("revision", ""),
     ("custom1", ""), ("wp_global_styles", "")],
)  # fmt: skip
def test_the_route_follows_what_the_id_is(post_type: str | None, route: str) -> None:
    assert route_for_post(7, post_type) == route


@pytest.mark.parametrize(
    ("meta", "featured"), [("12", 12), (" 12", 12), ("12abc", 12), ("abc", 0), ("", 0), ("-3", -3)]
)
def test_the_thumbnail_id_is_read_as_php_casts_it(meta: str, featured: int) -> None:
    assert php_int(meta) == featured
