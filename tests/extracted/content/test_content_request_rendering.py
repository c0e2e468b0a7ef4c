"""Rendering that depends on more than the post (no Kafka, no WordPress; ``extracted.formatting`` is the
reference): the request-wide state through a response, dynamic blocks from the read model, content the
library cannot render (503 for the proxy's fallback), and the featured image's embedded media item."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_content_projection import EPOCH_2024, apply, event, get, option, post

from extracted.content import ContentProjection
from extracted.content.render_state import apply as apply_delta
from extracted.content.render_state import delta, probe
from extracted.formatting import PostContext, RenderState, SiteOptions, php_serialize, rendered_excerpt, the_content
from extracted.runtime import Store, open_engine

PLAIN_SITE = [event("wp_options", "r", option(1, "home", "http://example.test"))]
BLOCKS = "<!-- wp:paragraph -->\n<p>A block paragraph</p>\n<!-- /wp:paragraph -->"
CAPTION = '[caption id="attachment_9" align="alignnone" width="150"]<img src="http://example.test/a.jpg" ' \
          'width="150" height="150" /> A caption[/caption]\n\nAfter the caption.'  # fmt: skip
DAY = 86_400_000


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(open_engine(f"sqlite:///{tmp_path / 'content.db'}"), ContentProjection().metadata)
    store.create()
    return store


def _content(store: Store, route: str, query: str = "") -> Any:
    status, body = get(store, route, query)
    assert status == 200, body
    return body


def test_a_classic_post_after_block_content_gets_its_paragraphs_as_in_one_wordpress_request(store: Store) -> None:
    apply(store, *PLAIN_SITE, event("wp_posts", "r", post(5, post_content=BLOCKS, post_date=EPOCH_2024 + DAY)),
          event("wp_posts", "r", post(6, post_content=CAPTION)))  # fmt: skip
    site = SiteOptions(home="http://example.test")
    state = RenderState()  # the reference: both posts in one request, content then excerpt each
    the_content(BLOCKS, site=site, post=PostContext(id=5, content=BLOCKS), state=state)
    rendered_excerpt("", site=site, post=PostContext(id=5, content=BLOCKS), state=state)
    after_blocks = the_content(CAPTION, site=site, post=PostContext(id=6, content=CAPTION), state=state)
    alone = the_content(CAPTION, site=site, post=PostContext(id=6, content=CAPTION))
    assert after_blocks != alone  # <p> around the caption's <figure> once wpautop runs last

    listed = _content(store, "/wp/v2/posts")
    assert [item["id"] for item in listed] == [5, 6]
    assert listed[1]["content"]["rendered"] == after_blocks
    assert _content(store, "/wp/v2/posts/6")["content"]["rendered"] == alone
    # Without the first post's content (only excerpts), the state differs again: rendered for that.
    excerpts = _content(store, "/wp/v2/posts", "_fields=id,excerpt")
    reference = RenderState()
    rendered_excerpt("", site=site, post=PostContext(id=5, content=BLOCKS), state=reference)
    expected = rendered_excerpt("", site=site, post=PostContext(id=6, content=CAPTION), state=reference)
    assert excerpts[1]["excerpt"]["rendered"] == expected


def test_dynamic_blocks_show_the_current_site_without_rendering_the_post_again(store: Store) -> None:
    latest = "<!-- wp:latest-posts /-->"
    apply(store, *PLAIN_SITE, event("wp_posts", "r", post(5, post_content=latest, post_title="Listing")))
    before = _content(store, "/wp/v2/posts/5")["content"]["rendered"]
    assert "Listing" in before and "Fresh news" not in before
    apply(store, event("wp_posts", "c", post(7, post_title="Fresh news", post_date=EPOCH_2024 + DAY)))
    body = _content(store, "/wp/v2/posts/5")
    after = body["content"]["rendered"]
    assert "Fresh news" in after and after.index("Fresh news") < after.index("Listing")
    # Plain permalinks: WordPress's REST URLs go through index.php (get_rest_url's nginx workaround).
    assert body["_links"]["self"][0]["href"] == "http://example.test/index.php?rest_route=/wp/v2/posts/5"


def test_protected_posts_show_as_to_a_visitor_without_their_password(store: Store) -> None:
    listing = '<!-- wp:latest-posts {"displayPostContent":true} /-->'
    own = "<!-- wp:post-title /-->\n<!-- wp:post-excerpt /-->"
    apply(store, *PLAIN_SITE, event("wp_posts", "r", post(5, post_content=listing, post_title="Listing")),
          event("wp_posts", "r", post(7, post_title="Members", post_password="enter", post_excerpt="Unlocked",
                                      post_content=own, post_date=EPOCH_2024 + DAY)))  # fmt: skip
    listed = _content(store, "/wp/v2/posts/5")["content"]["rendered"]
    assert ">Protected: Members</a>" in listed and "This content is password protected." in listed
    # With its password, the post's own blocks are unlocked; its title still says it is protected.
    unlocked = _content(store, "/wp/v2/posts/7", "password=enter")["content"]["rendered"]
    assert ">Protected: Members</h2>" in unlocked and "Unlocked" in unlocked
    assert _content(store, "/wp/v2/posts/7")["content"] == {"rendered": "", "protected": True}


def test_unsupported_content_is_left_to_wordpress(store: Store) -> None:
    fatal = '[caption]<img src="http://example.test/a.jpg" /> A caption[/caption]'  # WordPress dies on it
    apply(store, *PLAIN_SITE, event("wp_posts", "r", post(5, post_content=fatal)),
          event("wp_posts", "r", post(6)))  # fmt: skip
    for route, query in (("/wp/v2/posts/5", ""), ("/wp/v2/posts", ""), ("/wp/v2/posts", "_envelope=1")):
        status, body = get(store, route, query)
        assert status == 503 and body["code"] == "strangler_content_unavailable", (route, query)
    assert get(store, "/wp/v2/posts", "_fields=id,title")[0] == 200  # no content rendered: nothing to refuse
    assert get(store, "/wp/v2/posts", "exclude=5")[0] == 200


def test_dynamic_blocks_link_with_the_sites_permalinks(store: Store) -> None:
    listing = '<!-- wp:latest-posts /-->\n<!-- wp:tag-cloud {"taxonomy":"category"} /-->'
    apply(store, *PLAIN_SITE, event("wp_options", "r", option(2, "permalink_structure", "/%year%/%postname%/")),
          event("wp_options", "r", option(3, "sticky_posts", php_serialize([6]))),
          event("wp_posts", "r", post(6, post_name="older", post_date=EPOCH_2024 + DAY)),
          event("wp_posts", "r", post(8, post_content=listing)))  # fmt: skip
    rendered = _content(store, "/wp/v2/posts/8")["content"]["rendered"]
    assert 'href="http://example.test/2024/older/"' in rendered and "?p=" not in rendered


MEDIUM = {"file": "a-300x200.png", "width": 300, "height": 200, "mime-type": "image/png", "filesize": 9}
META = php_serialize(
    {"width": 1200, "height": 800, "file": "2024/01/a.png", "filesize": 99, "sizes": {"medium": MEDIUM}}
)


def test_the_featured_image_embeds_as_wordpress_media_item(store: Store) -> None:
    def meta(meta_id: int, post_id: int, key: str, value: str) -> Any:
        return event("wp_postmeta", "r", {"meta_id": meta_id, "post_id": post_id, "meta_key": key, "meta_value": value})

    image = post(9, post_type="attachment", post_status="inherit", post_parent=5, post_name="a-png",
                 post_title="An image", post_mime_type="image/png", guid="http://example.test/a.png",
                 post_content="Described -- here")  # fmt: skip
    apply(store, *PLAIN_SITE, event("wp_posts", "r", post(5)), event("wp_posts", "r", image),
          meta(1, 5, "_thumbnail_id", "9"), meta(2, 9, "_wp_attached_file", "2024/01/a.png"),
          meta(3, 9, "_wp_attachment_metadata", META), meta(4, 9, "_wp_attachment_image_alt", "Alt"))  # fmt: skip
    body = _content(store, "/wp/v2/posts/5", "_embed=wp:featuredmedia")
    media = body["_embedded"]["wp:featuredmedia"][0]
    assert list(media)[:13] == ["id", "date", "slug", "type", "link", "title", "author", "caption", "alt_text",
                                "media_type", "mime_type", "media_details", "source_url"]  # fmt: skip
    assert media["link"] == "http://example.test/?attachment_id=9" and media["alt_text"] == "Alt"
    # No caption: the excerpt of the description, after the image link that prepend_attachment adds (no text).
    assert media["caption"]["rendered"] == "<p>Described &#8212; here</p>\n"
    assert (
        media["media_type"] == "image" and media["source_url"] == "http://example.test/wp-content/uploads/2024/01/a.png"
    )
    sizes = media["media_details"]["sizes"]
    assert list(sizes["medium"]) == ["file", "width", "height", "filesize", "mime_type", "source_url"]
    assert sizes["full"] == {"file": "a.png", "width": 1200, "height": 800, "mime_type": "image/png",
                             "source_url": "http://example.test/wp-content/uploads/2024/01/a.png"}  # fmt: skip
    assert json.dumps(media["media_details"]["filesize"]) == "99"
    status, missing = get(store, "/wp/v2/posts/6", "")
    assert status == 404, missing


def test_state_deltas_add_up_and_the_probe_is_far_from_fresh() -> None:
    fresh = RenderState()
    after = RenderState(galleries=2, unique_ids=3, wpautop_moved_last=True)
    change = delta(fresh, after)
    assert change == {"galleries": 2, "unique_ids": 3, "wpautop_moved_last": True}
    state = RenderState(galleries=1)
    apply_delta(state, change)
    assert (state.galleries, state.unique_ids, state.wpautop_moved_last) == (3, 3, True)
    probed = probe()
    assert probed.galleries % 2 == 1 and probed.wpautop_moved_last and probed != fresh
