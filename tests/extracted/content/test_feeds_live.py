"""``/feed/``, ``/feed/rss2/`` and ``/feed/atom/`` byte for byte and header for header as WordPress
answers a visitor: GET, HEAD and conditional GETs (304 or not) on the demo seed, then with posts that
exercise the feed's own filters (emoji, entities, ``<!--more-->`` and pages, the loop's eager first
image, blocks, CDATA ends); the forms the service does not reproduce are declined; an edit reaches
the feed (measured)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from content_parity import visitor_clients
from content_process import admin_client, content_service, wait_for
from test_sitemaps_live import difference

from tests.stack_fixture import StackHandle

pytestmark = pytest.mark.stack

FEEDS = ["/feed/", "/feed/rss2/", "/feed/atom/"]
#: posts whose feed items go through every feed-only filter (created newest, so listed first)
TRICKY_POSTS = [
    {"title": "Emoji 🎉 and | pipes & <b>tags</b>",
     "content": "<p>Party 🎉 time ™ and 👨‍💻 coder, <code>🎉 kept</code></p>\n<p>“quotes” – dash</p>"},
    {"title": "Image first",
     "content": '<p>Text</p><img src="https://example.test/b.jpg" width="10" height="20" alt="b"><p>more</p>'
                '<iframe src="https://example.test/x" width="5" height="5"></iframe>'},
    {"title": "More and pages", "content": "Teaser text here.<!--more-->After more.\n\n<!--nextpage-->\n\nPage two."},
    {"title": "Blocks with image",
     "content": "<!-- wp:paragraph --><p>Para one.</p><!-- /wp:paragraph -->\n\n<!-- wp:image --><figure "
                'class="wp-block-image"><img src="https://example.test/c.jpg" alt="" width="30" height="40"/>'
                '</figure><!-- /wp:image -->\n\n<!-- wp:html --><img src="https://example.test/d.jpg" width="1" '
                'height="1"><!-- /wp:html -->'},
    {"title": "Noteaser", "content": "<!--noteaser-->Hidden teaser<!--more-->Shown rest ]]> cdata end"},
    {"title": "Handwritten", "content": "Body with smiley :) and ;-)", "excerpt": "Hand & written | excerpt &hellip;"},
]  # fmt: skip


@pytest.fixture(scope="module")
def service(stack: StackHandle, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with content_service(stack.components, tmp_path_factory.mktemp("content") / "content.db") as url:
        yield url


@pytest.fixture(scope="module")
def clients(stack: StackHandle, service: str) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    wordpress, candidate = visitor_clients(stack.components, service)
    with wordpress, candidate:
        yield wordpress, candidate


def conditional_requests(wordpress: httpx.Client) -> list[dict[str, str]]:
    """Conditional headers around the feed's current version: matching, stale, mixed, PHP-falsy."""
    current = wordpress.get("/feed/")
    etag, modified = current.headers["etag"], current.headers["last-modified"]
    return [
        {}, {"If-None-Match": etag}, {"If-Modified-Since": modified},
        {"If-None-Match": etag, "If-Modified-Since": modified},
        {"If-None-Match": '"stale"', "If-Modified-Since": modified}, {"If-None-Match": '"stale"'},
        {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}, {"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"},
        {"If-None-Match": etag, "If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}, {"If-Modified-Since": "0"},
        {"If-None-Match": ""}, {"If-None-Match": "0", "If-Modified-Since": modified},
    ]  # fmt: skip


def feed_differences(wordpress: httpx.Client, service: httpx.Client) -> tuple[int, list[str]]:
    """(answers compared, their differences) for every feed, method and conditional form."""
    problems: list[str] = []
    total = 0
    for headers in conditional_requests(wordpress):
        for method in ("GET", "HEAD"):
            for path in FEEDS:
                wordpress.headers.update(headers)
                service.headers.update(headers)
                try:
                    total += 1
                    if (found := difference(wordpress, service, method, path)) is not None:
                        problems.append(f"{headers}: {found}")
                finally:
                    for name in headers:
                        del wordpress.headers[name], service.headers[name]
    return total, problems


def test_the_feeds_are_wordpress_s(clients: tuple[httpx.Client, httpx.Client]) -> None:
    wordpress, service = clients
    assert b"<item>" in wordpress.get("/feed/").content
    total, problems = feed_differences(wordpress, service)
    print(f"\nfeeds: {total - len(problems)}/{total} answers equal (GET, HEAD, conditional)")
    assert problems == []
    assert service.get("/feed/", headers={"If-None-Match": wordpress.get("/feed/").headers["etag"]}).status_code == 304


def test_other_forms_are_declined(clients: tuple[httpx.Client, httpx.Client]) -> None:
    _, service = clients
    for url, headers in [("/feed/?paged=2", {}), ("/feed/?s=hello", {}), ("/feed/rss2/?cat=1", {}),
                         ("/feed/", {"If-Modified-Since": "yesterday"}),
                         ("/feed/", {"If-Modified-Since": "Sat, 08 Dec 2026 02:02:14 GMT"})]:  # fmt: skip
        answer = service.get(url, headers=headers)
        assert answer.status_code == 503 and answer.headers["x-strangler-unavailable"], (url, headers)


def test_feed_only_filters_and_an_edit(stack: StackHandle, clients: tuple[httpx.Client, httpx.Client]) -> None:
    wordpress, service = clients

    def all_equal() -> bool:
        return all(difference(wordpress, service, "GET", path) is None for path in FEEDS)

    with admin_client(stack.components) as admin:
        tag = admin.post("/wp-json/wp/v2/tags", json={"name": "Cats & Dogs | feeds"}).json()["id"]
        ids: list[int] = []
        try:
            for post in TRICKY_POSTS:
                created = admin.post("/wp-json/wp/v2/posts", json={**post, "status": "publish", "tags": [tag]})
                ids.append(created.raise_for_status().json()["id"])
            assert b"Cats &amp; Dogs" not in wordpress.get("/feed/").content  # names are decoded in CDATA
            seconds = wait_for(all_equal, 30)
            total, problems = feed_differences(wordpress, service)
            assert problems == [], problems[:3]
            admin.post(f"/wp-json/wp/v2/posts/{ids[0]}", json={"title": "Edited in the feed"}).raise_for_status()
            assert b"Edited in the feed" in wordpress.get("/feed/").content
            edit = wait_for(all_equal, 30)
            print(f"\ntricky feeds: {total - len(problems)}/{total} equal; the posts reached the feed within "
                  f"{seconds:.2f} s, an edit within {edit:.2f} s")  # fmt: skip
        finally:
            for post_id in ids:
                admin.delete(f"/wp-json/wp/v2/posts/{post_id}", params={"force": "true"})
            admin.delete(f"/wp-json/wp/v2/tags/{tag}", params={"force": "true"})
        wait_for(all_equal, 30)
