"""The sitemaps' pure parts: which file a path names (WordPress's rewrite rules, canonical spellings
only), page counts, the URLs esc_url leaves alone, and the XML as SimpleXML writes it (the exact bytes
are checked against WordPress in test_sitemaps_live.py)."""

from __future__ import annotations

import pytest

from extracted.content.sitemap_stylesheets import stylesheet
from extracted.content.sitemap_xml import (
    MAX_URLS,
    SitemapFile,
    index_xml,
    pages_for,
    parse_sitemap_file,
    plain_url,
    urlset_xml,
)


@pytest.mark.parametrize(
    ("name", "parsed"),
    [
        ("wp-sitemap-posts-post-1.xml", SitemapFile("posts", "post", 1)),
        ("wp-sitemap-posts-page-12.xml", SitemapFile("posts", "page", 12)),
        ("wp-sitemap-taxonomies-post_tag-1.xml", SitemapFile("taxonomies", "post_tag", 1)),
        ("wp-sitemap-taxonomies-post_format-3.xml", SitemapFile("taxonomies", "post_format", 3)),
        ("wp-sitemap-users-2.xml", SitemapFile("users", "", 2)),
        # the lazy groups: the subtype takes the middle, dashes included
        ("wp-sitemap-posts-my-type-2.xml", SitemapFile("posts", "my-type", 2)),
        ("wp-sitemap-posts-post-0.xml", None),  # redirect_canonical: to page 1
        ("wp-sitemap-posts-post-01.xml", None),
        ("wp-sitemap-index-1.xml", None),  # redirected to wp-sitemap.xml
        ("wp-sitemap-users-foo-1.xml", None),
        ("wp-sitemap-Posts-post-1.xml", None),  # the rules are case-sensitive
        ("wp-sitemap-posts.xml", None),
        ("wp-sitemap-posts-post-1.xml/", None),
    ],
)
def test_sitemap_file_names(name: str, parsed: SitemapFile | None) -> None:
    assert parse_sitemap_file(name) == parsed
    if parsed is not None:
        assert parsed.basename == name


def test_pages() -> None:
    assert [pages_for(n) for n in (0, 1, MAX_URLS, MAX_URLS + 1)] == [0, 1, 1, 2]


@pytest.mark.parametrize(
    ("url", "plain"),
    [
        ("http://example.test/2024/01/01/hello-world/", True),
        ("https://example.test:8080/caf%c3%a9/", True),
        ("http://example.test/?p=1&x=2", False),  # esc_url writes &#038;
        ("http://example.test/it's/", False),
        ("http://example.test/café/", False),
        ("http://example.test/a b/", False),
        ("http://example.test/a%0Ab/", False),
        ("ftp://example.test/", False),
    ],
)
def test_plain_urls(url: str, plain: bool) -> None:
    assert plain_url(url) is plain


def test_xml_as_simplexml_writes_it() -> None:
    index = index_xml("http://x.test/wp-sitemap-index.xsl", ["http://x.test/wp-sitemap-users-1.xml"])
    assert index == (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<?xml-stylesheet type="text/xsl" href="http://x.test/wp-sitemap-index.xsl" ?>\n'
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap>'
        b"<loc>http://x.test/wp-sitemap-users-1.xml</loc></sitemap></sitemapindex>\n"
    )
    urls = urlset_xml("http://x.test/wp-sitemap.xsl", ["http://x.test/", "http://x.test/a/"])
    assert urls.endswith(
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://x.test/</loc></url>'
        b"<url><loc>http://x.test/a/</loc></url></urlset>\n"
    )


def test_stylesheets_are_english_only() -> None:
    sitemap, index = stylesheet("sitemap", ""), stylesheet("index", "en_US")
    assert sitemap is not None and index is not None
    assert b'<html lang="en-US">' in sitemap and b"sitemap:urlset/sitemap:url" in sitemap
    assert b"sitemap:sitemapindex/sitemap:sitemap" in index and b"text-align: left;" in index
    assert sitemap.endswith(b"</xsl:stylesheet>\n")
    assert stylesheet("sitemap", "fr_FR") is None
