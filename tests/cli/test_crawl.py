from __future__ import annotations

import httpx

from cli.capabilities import Capability, CapabilityRoute
from cli.crawl import MISSING_SLUG, collection_paths, crawl, file_paths, sitemap_targets

INDEX = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>http://site.test/wp-sitemap-posts-post-1.xml</loc></sitemap></sitemapindex>"""
POSTS = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>http://site.test/2024/01/01/hello/</loc></url><url><loc>http://site.test/?p=7</loc></url></urlset>"""

CAPABILITY = Capability(
    name="content",
    description="",
    tables=("wp_posts",),
    module="extracted.content",
    port=18010,
    routes=(
        CapabilityRoute("posts", ("/wp-json/wp/v2/posts", "/wp-json/wp/v2/posts/{id:int}")),
        CapabilityRoute("archives", ("/2024/**",)),
        CapabilityRoute("feeds", ("/feed/", "/robots.txt")),
        CapabilityRoute("html-404", ("/{slug:slug}",)),
    ),
)


def _site(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if path == "/wp-sitemap.xml":
        return httpx.Response(200, content=INDEX)
    if path == "/wp-sitemap-posts-post-1.xml":
        return httpx.Response(200, content=POSTS)
    if path == "/wp-json/wp/v2/posts":
        page = int(request.url.params.get("page", "1"))
        return httpx.Response(200, json=[{"id": page * 10}], headers={"X-WP-TotalPages": "2"})
    return httpx.Response(200, json={})


def test_sitemap_targets_follow_the_index() -> None:
    with httpx.Client(base_url="http://site.test", transport=httpx.MockTransport(_site)) as client:
        assert list(sitemap_targets(client)) == ["/2024/01/01/hello/", "/?p=7"]


def test_sitemap_absent_means_nothing_to_add() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(404))
    with httpx.Client(base_url="http://site.test", transport=transport) as client:
        assert list(sitemap_targets(client)) == []


def test_crawl_pages_items_variations_and_matching_sitemap_urls() -> None:
    assert collection_paths(CAPABILITY) == [("/wp-json/wp/v2/posts", "/wp-json/wp/v2/posts/{id:int}")]
    seen: list[str] = []
    count = crawl("http://site.test", CAPABILITY, seen.append, transport=httpx.MockTransport(_site))
    assert count == len(seen)
    assert seen[:4] == [
        "/wp-json/wp/v2/posts?per_page=100&page=1",
        "/wp-json/wp/v2/posts/10",
        "/wp-json/wp/v2/posts?per_page=100&page=2",
        "/wp-json/wp/v2/posts/20",
    ]
    assert "/wp-json/wp/v2/posts?_embed=1" in seen
    assert seen[-1] == "/2024/01/01/hello/"
    assert "/?p=7" not in seen


def test_files_are_fetched_as_they_are() -> None:
    assert file_paths(CAPABILITY) == ["/feed/", "/robots.txt", f"/{MISSING_SLUG}"]
    seen: list[str] = []
    crawl("http://site.test", CAPABILITY, seen.append, transport=httpx.MockTransport(_site))
    assert "/feed/" in seen and "/robots.txt" in seen
    assert not any(target.startswith(("/feed/?", "/robots.txt?")) for target in seen)
