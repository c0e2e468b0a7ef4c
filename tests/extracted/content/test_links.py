"""Links real exports need: ``rest_get_route_for_post`` (thumbnails of deleted images, of posts that are
not attachments; parents that are posts), avatars of empty emails (plain links of ``inherit`` posts:
``tests/extracted/rest/test_rest_urls.py``)."""

from __future__ import annotations

import pytest

from extracted.content.links import route_for_post
from extracted.content.site import SiteState
from extracted.content.users_api import avatar_urls
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


@pytest.mark.parametrize("email", ["", "0"])
def test_an_email_php_finds_empty_has_no_hash(email: str) -> None:
    # get_avatar_data(): no hash, and a random server that the proxy's comparison learns as noise
    urls = avatar_urls(SiteState(), email)
    assert urls["24"] == "http://0.gravatar.com/avatar/?s=24&d=mm&r=g"


def test_an_email_is_hashed_trimmed_and_lowercased() -> None:
    digest = "55502f40dc8b7c769880b10874abc9d0"  # md5("test@example.com")
    assert avatar_urls(SiteState(), " Test@Example.com ")["96"].endswith(f"/avatar/{digest}?s=96&d=mm&r=g")
