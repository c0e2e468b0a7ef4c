"""``/robots.txt`` as WordPress 6.1 writes it (``do_robots`` and the sitemaps' ``robots_txt`` filter).

WordPress sends the REST API's ``Link`` header first (``template_redirect``); a ``HEAD`` request stops
before ``do_robots`` (``exit_on_http_head``), so it keeps the default ``text/html`` content type. Plain
permalinks are declined: ``/robots.txt`` then has no rewrite rule and WordPress answers its front page.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import Connection

from extracted.rest import Reply

from .sitemap_xml import plain_url
from .sitemaps import SitemapSite, load_sitemap_site, unavailable

TEXT_TYPE = "text/plain; charset=utf-8"
#: what WordPress has sent when a HEAD request exits (``send_headers``' default)
HTML_TYPE = "text/html; charset=UTF-8"


def robots_text(siteurl: str, sitemap_index: str | None) -> str:
    """``do_robots``'s output; ``sitemap_index`` when the site is public (sitemaps enabled)."""
    path = urlsplit(siteurl).path
    output = f"User-agent: *\nDisallow: {path}/wp-admin/\nAllow: {path}/wp-admin/admin-ajax.php\n"
    if sitemap_index is not None:
        output += f"\nSitemap: {sitemap_index}\n"
    return output


def robots_reply(sitemap: SitemapSite, *, head: bool = False) -> Reply:
    structure = sitemap.site.urls.permalink_structure
    if not structure or structure.startswith("/index.php"):  # PATHINFO permalinks: not measured
        raise unavailable("robots.txt", f"permalink structure {structure!r} (WordPress may answer its front page)")
    if not plain_url(sitemap.index_url):  # the index's URL does not depend on the permalink front
        raise unavailable("robots.txt", "a home URL esc_url would rewrite")
    link = ("Link", f'<{sitemap.site.urls.rest_url("/")}>; rel="https://api.w.org/"')
    if head:
        return Reply(200, [("Content-Type", HTML_TYPE), link], b"")
    text = robots_text(sitemap.siteurl, sitemap.index_url if sitemap.public else None)
    return Reply(200, [("Content-Type", TEXT_TYPE), link], text.encode())


def robots(connection: Connection, *, head: bool = False) -> Reply:
    return robots_reply(load_sitemap_site(connection), head=head)
