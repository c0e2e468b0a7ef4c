"""Pass-through on the real stack: everything through the proxy is byte-identical to WordPress
direct; the wp-admin login flow with its cookies; a media upload; malformed requests refused."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from tests.proxy.proxy_processes import raw_exchange
from tests.proxy.stack_helpers import fetch, site_links

pytestmark = pytest.mark.stack
FIXED_PATHS = [
    "/", "/?s=hello", "/?s=nothing-matches-this", "/feed/", "/comments/feed/", "/wp-sitemap.xml",
    "/wp-sitemap-posts-post-1.xml", "/wp-json/", "/wp-json/wp/v2/posts", "/wp-json/wp/v2/posts?per_page=2&page=2",
    "/?rest_route=/wp/v2/pages", "/wp-json/wp/v2/categories", "/wp-json/wp/v2/nope", "/no-such-page-at-all/",
    "/?p=999999", "/wp-login.php", "/robots.txt", "/wp-includes/css/dashicons.min.css",
    "/wp-includes/js/jquery/jquery.min.js", "/xmlrpc.php?rsd", "/?feed=rss2", "/wp-json/wp/v2/posts/999999",
]  # fmt: skip
MAX_CRAWL = 60


@pytest.fixture(scope="module")
def urls(stack) -> tuple[str, str, str]:  # type: ignore[no-untyped-def]
    proxy = stack.components["proxy"]["url"].rstrip("/")
    direct = stack.components["wordpress"]["url"].rstrip("/")
    return proxy, direct, urlsplit(proxy).netloc


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=120, follow_redirects=False) as session:
        yield session


def test_crawl_is_byte_identical(urls: tuple[str, str, str], client: httpx.Client) -> None:
    proxy, direct, host = urls
    queue, seen, compared = list(FIXED_PATHS), set(), 0
    while queue and compared < MAX_CRAWL:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        through = fetch(client, proxy + path, headers={"Accept-Encoding": "gzip"})
        reference = fetch(client, direct + path, host=host, headers={"Accept-Encoding": "gzip"})
        assert through == reference, f"{path}: proxy and WordPress differ"
        compared += 1
        if through.status == 200 and any(k == "content-type" and "html" in v for k, v in through.headers):
            queue.extend(link for link in site_links(through.body, proxy) if link not in seen)
    assert compared >= 30, f"only {compared} URLs crawled"


def test_wp_admin_login_flow_keeps_every_cookie(stack, urls: tuple[str, str, str]) -> None:  # type: ignore[no-untyped-def]
    proxy, _, _ = urls
    wordpress = stack.components["wordpress"]
    with httpx.Client(base_url=proxy, timeout=120, follow_redirects=False) as browser:
        browser.cookies.set("wordpress_test_cookie", "WP Cookie check")
        login = browser.post(
            "/wp-login.php",
            data={
                "log": wordpress["admin_user"],
                "pwd": wordpress["admin_password"],
                "wp-submit": "Log In",
                "redirect_to": proxy + "/wp-admin/",
                "testcookie": "1",
            },
        )
        assert login.status_code == 302, login.text[:500]
        cookies = login.headers.get_list("set-cookie")
        assert sum("wordpress_logged_in_" in c for c in cookies) == 1
        assert sum(c.startswith("wordpress_") and "wordpress_logged_in_" not in c for c in cookies) >= 2
        dashboard = browser.get("/wp-admin/")
        assert dashboard.status_code == 200 and "Dashboard" in dashboard.text


def _png(width: int, height: int) -> bytes:
    rows = b"".join(b"\x00" + bytes((x * 7 + y * 3) % 256 for x in range(width * 3)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 1)) + chunk(b"IEND", b"")


def test_media_upload_through_the_proxy(stack, urls: tuple[str, str, str], client: httpx.Client) -> None:  # type: ignore[no-untyped-def]
    proxy, direct, host = urls
    wordpress = stack.components["wordpress"]
    image = _png(320, 240)
    created = client.post(
        proxy + "/wp-json/wp/v2/media",
        content=image,
        auth=(wordpress["admin_user"], wordpress["app_password"]),
        headers={"Content-Disposition": 'attachment; filename="proxy-upload.png"', "Content-Type": "image/png"},
    )
    assert created.status_code == 201, created.text[:500]
    source = urlsplit(created.json()["source_url"]).path
    through = fetch(client, proxy + source)
    assert through.status == 200 and through.body == image
    assert through == fetch(client, direct + source, host=host)


@pytest.mark.parametrize(
    "payload",
    [
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: a\r\nX-A: b\rX-Injected: 1\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
    ],
)
def test_malformed_requests_are_refused(urls: tuple[str, str, str], payload: bytes) -> None:
    port = int(urls[0].rsplit(":", 1)[1])
    assert raw_exchange(port, payload).startswith(b"HTTP/1.1 400 ")
