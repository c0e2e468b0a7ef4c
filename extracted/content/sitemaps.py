"""``/wp-sitemap.xml``, its sub-sitemaps and their stylesheets from the read model, as WordPress 6.1
answers a visitor (``WP_Sitemaps``; the XML itself is ``sitemap_xml``'s, the stylesheets
``sitemap_stylesheets``').

What WordPress lists (``wp-includes/sitemaps/providers``): published posts of each public post type
(``post``, ``page``; password-protected ones too: the query has no ``has_password``) by ID ascending,
2,000 a page, the page sitemap starting with the home URL when the front page shows posts; terms of
``category``, ``post_tag`` and ``post_format`` with a count above 0 (``hide_empty``), by term id; users
with a published post or page (``has_published_posts``), by login. No ``lastmod``: 6.1 writes none.

Declined (503, WordPress answers): plain permalinks (other URLs and a query string), a permalink front
other than ``/`` and ``%author%`` (links the service does not build), sites that are not public
(WordPress answers its theme's 404 page), pages past the last one (the same 404), URLs ``esc_url``
would change, users whose logins compare equal (MariaDB's order of them is not known).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, and_, func, select

from extracted.rest import Reply, ServiceUnavailableError

from . import schema
from .errors import SERVICE
from .post_view import load_batch, permalink, term_path
from .projection import collation_key
from .render_inputs import options
from .site import SiteState, load_site
from .sitemap_stylesheets import stylesheet
from .sitemap_xml import (
    CONTENT_TYPE,
    MAX_URLS,
    POST_TYPES,
    TAXONOMIES,
    SitemapFile,
    index_xml,
    pages_for,
    plain_url,
    urlset_xml,
)

posts, terms, taxonomies, users = schema.posts, schema.terms, schema.taxonomies, schema.users
#: the post types whose published items make a user's author page listed (public ones but attachments)
AUTHOR_POST_TYPES = ("post", "page")


@dataclass(frozen=True)
class SitemapSite:
    """The options sitemaps and ``robots.txt`` read."""

    site: SiteState
    public: bool  # blog_public: sitemaps are enabled, robots.txt names the index
    locale: str  # WPLANG
    siteurl: str

    @property
    def home(self) -> str:
        return self.site.urls.home_url

    @property
    def index_url(self) -> str:
        """``WP_Sitemaps_Index::get_index_url`` (pretty permalinks)."""
        return f"{self.home}/wp-sitemap.xml"

    def unsupported(self) -> str | None:
        """Why the service cannot answer this site's sitemaps as WordPress does, if it cannot."""
        structure = self.site.urls.permalink_structure
        if not structure:
            return "plain permalinks"
        if structure[: structure.find("%")] != "/" or "%author%" in structure:
            return f"permalink structure {structure}"
        if not plain_url(self.home + "/"):
            return "home URL"
        return None


def load_sitemap_site(connection: Connection) -> SitemapSite:
    values = options(connection, ("blog_public", "WPLANG", "siteurl"))
    public = values.get("blog_public", "1") not in ("", "0")
    return SitemapSite(load_site(connection), public, values.get("WPLANG", ""), values.get("siteurl", ""))


def unavailable(what: str, reason: str) -> ServiceUnavailableError:
    return ServiceUnavailableError(f"{what}: {reason}", service=SERVICE, unavailable=what)


def _xml(body: bytes) -> Reply:
    return Reply(200, [("Content-Type", CONTENT_TYPE)], body)


def _checked(what: str, urls: Sequence[str]) -> Sequence[str]:
    if not urls:
        raise unavailable(what, "no URLs: WordPress answers its 404 page")
    odd = next((url for url in urls if not plain_url(url)), None)
    if odd is not None:
        raise unavailable(what, f"a URL esc_url would rewrite: {odd!r}")
    return urls


# --- posts ---------------------------------------------------------------------------------------


def _published(post_type: str) -> ColumnElement[bool]:
    return and_(posts.c.type == post_type, posts.c.status == "publish")


def post_pages(connection: Connection, sitemap: SitemapSite, post_type: str) -> int:
    """``WP_Sitemaps_Posts::get_max_num_pages`` (at least 1 for pages when the front page lists posts)."""
    count = connection.execute(select(func.count()).select_from(posts).where(_published(post_type))).scalar_one()
    least = 1 if post_type == "page" and sitemap.site.urls.show_on_front == "posts" else 0
    return max(least, pages_for(count))


def post_urls(connection: Connection, sitemap: SitemapSite, post_type: str, page: int) -> list[str]:
    query = select(posts.c.id).where(_published(post_type)).order_by(posts.c.id)
    ids = list(connection.execute(query.limit(MAX_URLS).offset((page - 1) * MAX_URLS)).scalars())
    batch = load_batch(connection, sitemap.site, ids)
    urls = [permalink(sitemap.site, batch.rows[post_id], batch) for post_id in ids]
    if post_type == "page" and page == 1 and sitemap.site.urls.show_on_front == "posts":
        urls.insert(0, sitemap.home + "/")
    return urls


# --- terms ---------------------------------------------------------------------------------------


def _non_empty(taxonomy: str) -> ColumnElement[bool]:
    return and_(taxonomies.c.taxonomy == taxonomy, taxonomies.c.count > 0)


def term_pages(connection: Connection, taxonomy: str) -> int:
    """``WP_Sitemaps_Taxonomies::get_max_num_pages``: ``wp_count_terms`` with ``hide_empty``."""
    joined = taxonomies.join(terms, terms.c.term_id == taxonomies.c.term_id)
    count = connection.execute(select(func.count()).select_from(joined).where(_non_empty(taxonomy))).scalar_one()
    return pages_for(count)


def term_link(sitemap: SitemapSite, taxonomy: str, term_id: int, slug: str, slug_path: str) -> str:
    """``get_term_link``; a post format's through ``_post_format_link`` (``/type/aside/``)."""
    urls = sitemap.site.urls
    if taxonomy == "post_format":
        return f"{urls.home_url}/{urls.trailing('type/' + slug.replace('post-format-', ''))}"
    return urls.term_link(taxonomy, term_id, slug_path, slug)


def term_urls(connection: Connection, sitemap: SitemapSite, taxonomy: str, page: int) -> list[str]:
    joined = taxonomies.join(terms, terms.c.term_id == taxonomies.c.term_id)
    query = select(taxonomies.c.term_id, terms.c.slug).select_from(joined).where(_non_empty(taxonomy))
    rows = connection.execute(query.order_by(taxonomies.c.term_id).limit(MAX_URLS).offset((page - 1) * MAX_URLS))
    listed = rows.all()
    parents: dict[int, int] = {}
    slugs: dict[int, str] = {}
    if taxonomy == "category":  # links carry the ancestors' slugs
        every = select(taxonomies.c.term_id, taxonomies.c.parent).where(taxonomies.c.taxonomy == taxonomy)
        parents = {row.term_id: row.parent for row in connection.execute(every)}
        slugs = {row.term_id: row.slug for row in connection.execute(select(terms.c.term_id, terms.c.slug))}
    paths = {row.term_id: term_path(row.term_id, parents, slugs) if parents else row.slug for row in listed}
    return [term_link(sitemap, taxonomy, row.term_id, row.slug, paths[row.term_id]) for row in listed]


# --- users ---------------------------------------------------------------------------------------


def _authors(connection: Connection) -> list[tuple[str, int, str]]:
    """(login's collation key, id, nicename) of every user with a published post or page, by login."""
    published = select(posts.c.author).where(posts.c.status == "publish", posts.c.type.in_(AUTHOR_POST_TYPES))
    query = select(users.c.id, users.c.login, users.c.nicename).where(users.c.id.in_(published.distinct()))
    return sorted((collation_key(row.login), row.id, row.nicename) for row in connection.execute(query))


def user_pages(connection: Connection) -> int:
    return pages_for(len(_authors(connection)))


def user_urls(connection: Connection, sitemap: SitemapSite, page: int) -> list[str]:
    authors = _authors(connection)
    keys = [key for key, _, _ in authors]
    if len(set(keys)) != len(keys):
        raise unavailable("sitemap users", "logins that compare equal (MariaDB's order of them is unknown)")
    chosen = authors[(page - 1) * MAX_URLS : page * MAX_URLS]
    return [sitemap.site.urls.author_link(user_id, nicename) for _, user_id, nicename in chosen]


# --- answers -------------------------------------------------------------------------------------


def _site(connection: Connection, what: str) -> SitemapSite:
    sitemap = load_sitemap_site(connection)
    reason = sitemap.unsupported() or (None if sitemap.public else "the site is not public (sitemaps disabled)")
    if reason:
        raise unavailable(what, reason)
    return sitemap


def sitemap_index(connection: Connection) -> Reply:
    """``/wp-sitemap.xml``: every provider's sitemaps, in WordPress's order, pages that have URLs only."""
    sitemap = _site(connection, "sitemap index")
    files = [SitemapFile("posts", t, n) for t in POST_TYPES for n in range(1, post_pages(connection, sitemap, t) + 1)]
    files += [SitemapFile("taxonomies", t, n) for t in TAXONOMIES for n in range(1, term_pages(connection, t) + 1)]
    files += [SitemapFile("users", "", n) for n in range(1, user_pages(connection) + 1)]
    urls = _checked("sitemap index", [f"{sitemap.home}/{file.basename}" for file in files])
    return _xml(index_xml(f"{sitemap.home}/wp-sitemap-index.xsl", urls))


def sub_sitemap(connection: Connection, file: SitemapFile) -> Reply:
    """One provider's page of URLs (``render_sitemap``)."""
    what = f"sitemap {file.basename}"
    sitemap = _site(connection, what)
    if file.provider == "posts" and file.subtype in POST_TYPES:
        urls = post_urls(connection, sitemap, file.subtype, file.page)
    elif file.provider == "taxonomies" and file.subtype in TAXONOMIES:
        urls = term_urls(connection, sitemap, file.subtype, file.page)
    elif file.provider == "users" and not file.subtype:
        urls = user_urls(connection, sitemap, file.page)
    else:
        raise unavailable(what, "not a sitemap WordPress 6.1 lists (it answers a theme page)")
    return _xml(urlset_xml(f"{sitemap.home}/wp-sitemap.xsl", _checked(what, urls)))


def sitemap_stylesheet(connection: Connection, kind: str) -> Reply:
    """``/wp-sitemap.xsl`` (``sitemap``) or ``/wp-sitemap-index.xsl`` (``index``)."""
    what = "sitemap stylesheet " + kind
    sitemap = _site(connection, what)
    body = stylesheet(kind, sitemap.locale)
    if body is None:
        raise unavailable(what, f"the site's language ({sitemap.locale}) is not English")
    return _xml(body)
