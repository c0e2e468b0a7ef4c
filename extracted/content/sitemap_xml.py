"""WordPress 6.1's XML sitemaps as text, pure: which file a path names, and the XML
(``WP_Sitemaps_Renderer``, SimpleXML's ``asXML``) of an index or a list of URLs.

The service serves only the canonical spellings (``wp-sitemap-posts-post-1.xml``): WordPress redirects
the others (``-0.xml``, ``-01.xml``, ``wp-sitemap-index-1.xml``) or answers them with a theme page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

#: ``wp_sitemaps_get_max_urls``: URLs per sitemap page, for every object type
MAX_URLS = 2000
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
CONTENT_TYPE = "application/xml; charset=UTF-8"

#: the public, viewable post types and taxonomies of a stock WordPress 6.1, in registration order
#: (``WP_Sitemaps_Posts::get_object_subtypes``: attachments left out; ``WP_Sitemaps_Taxonomies``)
POST_TYPES = ("post", "page")
TAXONOMIES = ("category", "post_tag", "post_format")

# WP_Sitemaps::register_rewrites, tried in this order (PCRE's lazy quantifiers are Python's)
_WITH_SUBTYPE = re.compile(r"wp-sitemap-([a-z]+?)-([a-z\d_-]+?)-(\d+?)\.xml")
_WITHOUT_SUBTYPE = re.compile(r"wp-sitemap-([a-z]+?)-(\d+?)\.xml")
#: what ``esc_url`` leaves as it is and SimpleXML writes unescaped: anything else is declined
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9\-~+_.?#=!;,/:%@$|*()\[\]]*")
_URL_REWRITES = re.compile(r"%0[adAD]|;//")


@dataclass(frozen=True)
class SitemapFile:
    """A sub-sitemap: its provider (``posts``, ``taxonomies``, ``users``), subtype and page."""

    provider: str
    subtype: str
    page: int

    @property
    def basename(self) -> str:
        """``WP_Sitemaps_Provider::get_sitemap_url``'s file name (pretty permalinks)."""
        parts = [self.provider, self.subtype, str(self.page)]
        return "wp-sitemap-" + "-".join(part for part in parts if part) + ".xml"


def parse_sitemap_file(name: str) -> SitemapFile | None:
    """The sub-sitemap a file name (``wp-sitemap-posts-post-1.xml``) asks for, when WordPress answers
    that spelling itself (``None`` for the index's other names, page 0, leading zeros, non-matches)."""
    match = _WITH_SUBTYPE.fullmatch(name)
    if match:
        provider, subtype, digits = match.groups()
    else:
        match = _WITHOUT_SUBTYPE.fullmatch(name)
        if not match:
            return None
        (provider, digits), subtype = match.groups(), ""
    if provider == "index" or digits != str(int(digits)) or int(digits) < 1:
        return None  # redirect_canonical sends these elsewhere
    if provider == "users" and subtype:
        return None  # served by WordPress like wp-sitemap-users-N.xml; not worth a special case
    return SitemapFile(provider, subtype, int(digits))


def pages_for(count: int) -> int:
    """``ceil(count / max_urls)``."""
    return -(-count // MAX_URLS)


def plain_url(url: str) -> bool:
    """Whether ``esc_url`` returns ``url`` unchanged and SimpleXML writes it without escapes."""
    return _PLAIN_URL.fullmatch(url) is not None and not _URL_REWRITES.search(url)


def _document(stylesheet_href: str, root: str, child: str, locations: Iterable[str]) -> bytes:
    entries = "".join(f"<{child}><loc>{location}</loc></{child}>" for location in locations)
    stylesheet = f'<?xml-stylesheet type="text/xsl" href="{stylesheet_href}" ?>\n'
    return (f'{XML_DECLARATION}{stylesheet}<{root} xmlns="{NAMESPACE}">{entries}</{root}>\n').encode()


def index_xml(stylesheet_href: str, sitemaps: Iterable[str]) -> bytes:
    """``get_sitemap_index_xml``: the sitemaps' URLs (each :func:`plain_url`; never empty)."""
    return _document(stylesheet_href, "sitemapindex", "sitemap", sitemaps)


def urlset_xml(stylesheet_href: str, urls: Iterable[str]) -> bytes:
    """``get_sitemap_xml``: one sitemap's URLs (each :func:`plain_url`; never empty)."""
    return _document(stylesheet_href, "urlset", "url", urls)
