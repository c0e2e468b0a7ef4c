"""robots.txt as do_robots writes it: the site URL's path, the sitemap line of public sites, HEAD."""

from __future__ import annotations

import pytest

from extracted.content.robots import robots_reply, robots_text
from extracted.content.site import SiteState
from extracted.content.sitemaps import SitemapSite
from extracted.rest import ServiceUnavailableError, Site


def _site(structure: str = "/%postname%/", *, public: bool = True, siteurl: str = "http://x.test") -> SitemapSite:
    return SitemapSite(SiteState(Site(home="http://x.test", permalink_structure=structure)), public, "", siteurl)


def test_text() -> None:
    assert robots_text("http://x.test", "http://x.test/wp-sitemap.xml") == (
        "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n\n"
        "Sitemap: http://x.test/wp-sitemap.xml\n"
    )
    assert robots_text("http://x.test/wp", None) == (
        "User-agent: *\nDisallow: /wp/wp-admin/\nAllow: /wp/wp-admin/admin-ajax.php\n"
    )


def test_reply_headers_private_sites_and_head() -> None:
    reply = robots_reply(_site())
    assert reply.headers == [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Link", '<http://x.test/wp-json/>; rel="https://api.w.org/"'),
    ]
    assert reply.body.endswith(b"\nSitemap: http://x.test/wp-sitemap.xml\n")
    assert b"Sitemap" not in robots_reply(_site(public=False)).body
    head = robots_reply(_site(), head=True)  # exit_on_http_head: before do_robots sets its type
    assert head.headers[0] == ("Content-Type", "text/html; charset=UTF-8") and head.body == b""


def test_any_pretty_structure_but_not_plain_permalinks() -> None:
    for structure in ("/blog/%postname%/", "/%author%/%postname%/", "/%year%/%postname%"):
        assert robots_reply(_site(structure)).body.endswith(b"\nSitemap: http://x.test/wp-sitemap.xml\n")
    for structure in ("", "/index.php/%postname%/"):  # plain: /robots.txt has no rewrite rule
        with pytest.raises(ServiceUnavailableError):
            robots_reply(_site(structure))
