"""robots.txt, the sitemap index, every sitemap it lists and both stylesheets, byte for byte and header
for header as WordPress answers a visitor (GET and HEAD, bare and with the queries ``strangler verify``
sends); the forms WordPress redirects or answers with a page are declined; an edit reaches them."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from content_parity import visitor_clients
from content_process import admin_client, content_service, wait_for

from tests.stack_fixture import StackHandle

pytestmark = pytest.mark.stack

FIXED = ["/robots.txt", "/wp-sitemap.xml", "/wp-sitemap.xsl", "/wp-sitemap-index.xsl"]
#: what must be equal besides status and body (Date, Server and the framing may differ)
HEADERS = ("content-type", "link", "x-robots-tag", "location", "x-redirect-by", "last-modified", "etag",
           "cache-control", "expires", "vary")  # fmt: skip
QUERIES = ("", "?per_page=100&page=1", "?orderby=id&order=asc", "?_embed=1")
DECLINED = ["/wp-sitemap-posts-post-0.xml", "/wp-sitemap-posts-post-01.xml", "/wp-sitemap-index-1.xml",
            "/wp-sitemap.xml/", "/robots.txt/", "/wp-sitemap-posts-post-2.xml", "/wp-sitemap-foo-1.xml",
            "/wp-sitemap-posts-attachment-1.xml", "/wp-sitemap.xml?paged=2", "/wp-sitemap-users-1.xml?_fields=id,link",
            "/wp-sitemap.xml?sitemap=users"]  # fmt: skip


@pytest.fixture(scope="module")
def service(stack: StackHandle, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with content_service(stack.components, tmp_path_factory.mktemp("content") / "content.db") as url:
        yield url


@pytest.fixture(scope="module")
def clients(stack: StackHandle, service: str) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    wordpress, candidate = visitor_clients(stack.components, service)
    with wordpress, candidate:
        yield wordpress, candidate


def listed_sitemaps(wordpress: httpx.Client) -> list[str]:
    index = wordpress.get("/wp-sitemap.xml")
    assert index.status_code == 200
    return [httpx.URL(loc).path for loc in re.findall(r"<loc>([^<]+)</loc>", index.text)]


def difference(
    wordpress: httpx.Client, service: httpx.Client, method: str, url: str, headers: tuple[str, ...] = HEADERS
) -> str | None:
    """None when both answer ``method url`` alike: status, body and ``headers``; else what differs."""
    legacy, candidate = wordpress.request(method, url), service.request(method, url)
    if (legacy.status_code, legacy.content) != (candidate.status_code, candidate.content):
        ours, theirs = (f"{r.status_code} {r.content[:200]!r}" for r in (legacy, candidate))
        return f"{method} {url}: {ours} != {theirs}"
    ours, theirs = ({k: r.headers.get_list(k) for k in headers} for r in (legacy, candidate))
    return None if ours == theirs else f"{method} {url}: headers {ours} != {theirs}"


def test_every_sitemap_and_robots_is_wordpress_s(clients: tuple[httpx.Client, httpx.Client]) -> None:
    wordpress, service = clients
    sitemaps = listed_sitemaps(wordpress)
    assert "/wp-sitemap-posts-post-1.xml" in sitemaps and "/wp-sitemap-users-1.xml" in sitemaps
    urls = [path + query for path in [*FIXED, *sitemaps] for query in QUERIES]
    problems = [d for url in urls for method in ("GET", "HEAD") if (d := difference(wordpress, service, method, url))]
    print(f"\n{2 * len(urls) - len(problems)}/{2 * len(urls)} answers equal ({len(sitemaps)} sitemaps listed)")
    assert problems == []


def test_other_forms_are_declined(clients: tuple[httpx.Client, httpx.Client]) -> None:
    wordpress, service = clients
    for url in DECLINED:
        legacy, candidate = wordpress.get(url), service.get(url)
        assert legacy.status_code in (200, 301, 404), url  # WordPress answers them with a redirect or a page
        assert candidate.status_code == 503 and candidate.headers["x-strangler-unavailable"], url


def test_an_edit_reaches_the_sitemaps(stack: StackHandle, clients: tuple[httpx.Client, httpx.Client]) -> None:
    wordpress, service = clients
    watched = ["/wp-sitemap.xml", "/wp-sitemap-posts-post-1.xml", "/wp-sitemap-taxonomies-post_tag-1.xml"]

    def all_equal() -> bool:
        return all(difference(wordpress, service, "GET", url) is None for url in watched)

    with admin_client(stack.components) as admin:
        tag = admin.post("/wp-json/wp/v2/tags", json={"name": "sitemap-live-edit"}).json()["id"]
        post = admin.post("/wp-json/wp/v2/posts", json={"title": "In the sitemap", "status": "publish", "tags": [tag]})
        post_id = post.json()["id"]
        try:
            assert b"in-the-sitemap" in wordpress.get("/wp-sitemap-posts-post-1.xml").content
            seconds = wait_for(all_equal, 15)
            admin.post(f"/wp-json/wp/v2/posts/{post_id}", json={"status": "draft"}).raise_for_status()
            seconds = max(seconds, wait_for(all_equal, 15))
            print(f"\nan edit reached the sitemaps within {seconds:.2f} s")
        finally:
            admin.delete(f"/wp-json/wp/v2/posts/{post_id}", params={"force": "true"})
            admin.delete(f"/wp-json/wp/v2/tags/{tag}", params={"force": "true"})
        wait_for(all_equal, 15)
