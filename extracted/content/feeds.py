"""``/feed/`` and ``/feed/rss2/`` (the posts' RSS 2.0 feed), ``/feed/atom/`` (their Atom feed) as WordPress
6.1 answers a visitor, with ``WP::send_headers``' feed headers and conditional GET.

Headers: ``Content-Type: application/rss+xml; charset=UTF-8`` (Atom's type for Atom), ``Last-Modified``
(``get_lastpostmodified('GMT')``: the latest modification or publication of any published post, page
or attachment), ``ETag`` (the MD5 of that date), the REST API's ``Link``. WordPress answers 304 (only
those two headers) when the client's ``If-Modified-Since``/``If-None-Match`` say it has that version,
before it renders anything; a ``HEAD`` request gets the headers and no body. The document is
``feed_xml``'s (``feed_atom``'s), its items ``feed_items``'; it is rendered once per read-model
generation (every committed batch starts a new one).

Declined (503 with ``X-Strangler-Unavailable``, so the proxy answers WordPress's): what sitemaps decline
(plain permalinks, a front, ``%author%``, a home URL ``esc_url`` changes), a home URL over HTTPS (the
``self`` link follows WordPress's own request), another language, a charset other than UTF-8, a site
icon, comments closing with age, ``posts_per_rss`` out of 1..1000, a site without posts, any query
string, an ``If-Modified-Since`` other than an HTTP date, and the items ``feed_items`` declines.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Connection, Engine, func, select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from extracted.formatting.chars import capital_p_dangit, convert_chars
from extracted.formatting.kses_php import esc_html
from extracted.formatting.strip_tags import strip_tags
from extracted.formatting.texturize import wptexturize
from extracted.formatting.urls import esc_url, wp_parse_url
from extracted.rest import Reply, ServiceUnavailableError, encode_unavailable, send_page

from . import schema
from .feed_atom import ATOM_TYPE, atom_document
from .feed_items import FeedRendering, FeedUnavailableError, render_items
from .feed_text import ent2ncr, mysql_to_rfc822, wall_clock_exists
from .feed_xml import RSS2_TYPE, FeedChannel, rss2_document
from .post_view import load_batch
from .render_inputs import RenderInputs, options
from .site_data import mysql_date
from .sitemaps import SitemapSite, load_sitemap_site

__all__ = ["FEED_PATHS", "FeedAnswer", "feed_answer", "feed_reply", "feed_routes", "is_not_modified"]

#: each path's feed type (``/feed/`` is the default feed, RSS 2.0)
FEED_TYPES = {"/feed/": "rss2", "/feed/rss2/": "rss2", "/feed/atom/": "atom"}
FEED_PATHS = tuple(FEED_TYPES)
CONTENT_TYPES = {"rss2": f"{RSS2_TYPE}; charset=UTF-8", "atom": f"{ATOM_TYPE}; charset=UTF-8"}
#: the post types ``get_post_types(['public' => true])`` gives on a stock 6.1 with twentytwentythree
PUBLIC_TYPES = ("post", "page", "attachment")
FEED_OPTIONS = ("posts_per_rss", "rss_use_excerpt", "blogname", "blogdescription", "site_icon",
                "close_comments_for_old_posts", "blog_charset")  # fmt: skip
_HTTP_DATE = re.compile(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d\d) ([A-Z][a-z]{2}) (\d{4}) (\d\d):(\d\d):(\d\d) GMT")
posts = schema.posts


@dataclass(frozen=True)
class FeedAnswer:
    """What a feed request is answered from: the headers' date and the document (``None`` until needed)."""

    last_modified: str  # "D, d M Y H:i:s GMT"
    link: str  # the REST API's Link header
    content_type: str
    body: bytes | None = None

    @property
    def etag(self) -> str:
        return '"' + hashlib.md5(self.last_modified.encode()).hexdigest() + '"'

    @property
    def timestamp(self) -> int:
        return calendar.timegm(datetime.strptime(self.last_modified, "%a, %d %b %Y %H:%M:%S GMT").timetuple())


def _truthy(value: str | None) -> bool:
    """PHP's truthiness of an option's text."""
    return value not in (None, "", "0")


def _checked_site(connection: Connection) -> tuple[SitemapSite, dict[str, str]]:
    sitemap = load_sitemap_site(connection)
    values = options(connection, FEED_OPTIONS)
    reason = sitemap.unsupported()
    if reason is None and sitemap.home.lower().startswith("https:"):
        reason = "a home URL over HTTPS (the self link follows WordPress's own request)"
    elif reason is None and sitemap.locale:
        reason = f"the site's language ({sitemap.locale}) is not English"
    elif reason is None and values.get("blog_charset", "UTF-8") != "UTF-8":
        reason = f"charset {values.get('blog_charset')}"
    elif reason is None and _truthy(values.get("site_icon")):
        reason = "a site icon (rss2_site_icon)"
    elif reason is None and _truthy(values.get("close_comments_for_old_posts")):
        reason = "comments that close with age"
    if reason:
        raise FeedUnavailableError("feed", reason)
    return sitemap, values


def _date(value: str, zone: object, what: str) -> str:
    moment = datetime.strptime(value, "%Y-%m-%d %H:%M:%S") if not value.startswith("0000") else None
    if moment is None or not wall_clock_exists(moment, zone):  # type: ignore[arg-type]
        raise FeedUnavailableError("feed", f"{what} mysql2date changes ({value})")
    return value


def last_post_modified(connection: Connection, sitemap: SitemapSite) -> str:
    """``get_lastpostmodified('GMT')`` as ``WP::send_headers`` writes it (``... GMT``)."""
    published = (posts.c.status == "publish") & posts.c.type.in_(PUBLIC_TYPES)
    row = connection.execute(select(func.max(posts.c.modified_gmt), func.max(posts.c.date_gmt)).where(published)).one()
    latest = max(mysql_date(row[0]), mysql_date(row[1]))
    if latest.startswith("0000"):
        raise FeedUnavailableError("feed", "no published posts (WordPress sends the time of the request)")
    return mysql_to_rfc822(_date(latest, sitemap.site.tz, "the last modification"), suffix=" GMT")


def _channel(sitemap: SitemapSite, values: dict[str, str], raw_path: str, build_date: str) -> FeedChannel:
    def display(text: str) -> str:  # the bloginfo and document_title filters
        return esc_html(convert_chars(wptexturize(text)))

    def rss(text: str) -> str:  # get_bloginfo_rss, then bloginfo_rss's ent2ncr
        return ent2ncr(convert_chars(strip_tags(text)))

    parsed = wp_parse_url(sitemap.site.urls.home.strip())
    host = parsed.host if parsed is not None and parsed.host else ""
    return FeedChannel(
        title=capital_p_dangit(display(display(values.get("blogname", "")))),
        self_link=esc_url(f"http://{host}{raw_path}"),
        link=rss(sitemap.site.urls.home.strip()),
        description=rss(values.get("blogdescription", "")),
        build_date=build_date,
        language="en-US",
    )


def feed_answer(connection: Connection, raw_path: str, *, with_body: bool) -> FeedAnswer:
    """The answer to the feed at ``raw_path`` (one of :data:`FEED_PATHS`, no query string)."""
    sitemap, values = _checked_site(connection)
    link = f'<{sitemap.site.urls.rest_url("/")}>; rel="https://api.w.org/"'
    kind = FEED_TYPES[raw_path]
    answer = FeedAnswer(last_post_modified(connection, sitemap), link, CONTENT_TYPES[kind])
    if not with_body:
        return answer
    per_page = int(values["posts_per_rss"]) if values.get("posts_per_rss", "10").strip().isdigit() else 0
    if not 1 <= per_page <= 1000:
        raise FeedUnavailableError("feed", f"posts_per_rss {values.get('posts_per_rss')!r}")
    listed = (posts.c.type == "post") & (posts.c.status == "publish")
    query = select(posts.c.id).where(listed).order_by(posts.c.date.desc(), posts.c.id.desc()).limit(per_page)
    ids = list(connection.execute(query).scalars())
    if not ids:
        raise FeedUnavailableError("feed", "no published posts")
    batch = load_batch(connection, sitemap.site, ids)
    newest = max(mysql_date(batch.rows[post_id].modified_gmt) for post_id in ids)
    built = _date(newest, sitemap.site.tz, "a modification date")
    if kind == "atom":
        build_date = datetime.strptime(built, "%Y-%m-%d %H:%M:%S").strftime("%Y-%m-%dT%H:%M:%SZ")
    else:
        build_date = mysql_to_rfc822(built, suffix=" +0000")
    now = datetime.now(sitemap.site.tz).strftime("%Y-%m-%d %H:%M:%S")
    feed = FeedRendering(connection, sitemap.site, sitemap.siteurl, now, RenderInputs.load(connection))
    excerpt_only = _truthy(values.get("rss_use_excerpt"))
    items = render_items(feed, batch, ids, excerpt_only=excerpt_only)
    channel = _channel(sitemap, values, raw_path, build_date)
    if kind == "rss2":
        body = rss2_document(channel, items, excerpt_only=excerpt_only)
    elif enclosed := next((item for item in items if item.enclosures), None):
        raise FeedUnavailableError("feed atom", f"an enclosure ({enclosed.link}; atom_enclosure)")
    else:
        atom_url = sitemap.site.urls.home.strip() + "/" + sitemap.site.urls.trailing("feed/atom")
        body = atom_document(channel, atom_url, items, excerpt_only=excerpt_only)
    return replace(answer, body=body)


def _stripslashes(text: str) -> str:
    return re.sub(r"\\(.?)", lambda m: m.group(1), text, flags=re.DOTALL)


def is_not_modified(answer: FeedAnswer, if_none_match: str | None, if_modified_since: str | None) -> bool:
    """``WP::send_headers``' conditional GET; raises for an ``If-Modified-Since`` whose ``strtotime`` the
    service does not reproduce (anything but an HTTP date with its right weekday)."""
    client_etag = _stripslashes(if_none_match) if if_none_match is not None else ""
    since = (if_modified_since or "").strip(" \t\n\r\0\x0b")
    since_time = 0
    if _truthy(since):
        match = _HTTP_DATE.fullmatch(since)
        try:
            moment = datetime.strptime(since[5:], "%d %b %Y %H:%M:%S GMT") if match else None
        except ValueError:
            moment = None
        if moment is None or moment.strftime("%a") != since[:3]:
            raise FeedUnavailableError("request If-Modified-Since", f"a date strtotime may read otherwise: {since!r}")
        since_time = calendar.timegm(moment.timetuple())
    newer = since_time >= answer.timestamp
    same = client_etag == answer.etag
    if _truthy(since) and _truthy(client_etag):
        return newer and same
    return newer or same


def feed_reply(answer: FeedAnswer, request: Request) -> Reply:
    headers = request.headers
    if len(headers.getlist("if-none-match")) > 1 or len(headers.getlist("if-modified-since")) > 1:
        raise FeedUnavailableError("request conditional headers", "repeated conditional headers")
    dated = [("Last-Modified", answer.last_modified), ("ETag", answer.etag)]
    if is_not_modified(answer, headers.get("if-none-match"), headers.get("if-modified-since")):
        return Reply(304, dated, b"")
    return Reply(200, [("Content-Type", answer.content_type), *dated, ("Link", answer.link)], answer.body or b"")


def feed_routes(engine: Engine, generation: Callable[[], int]) -> list[Route]:
    """GET and HEAD routes of :data:`FEED_PATHS` and their forms without the slash (declined, not
    redirected: WordPress redirects them itself); the feed is rendered once per generation."""
    cache: dict[tuple[str, bool], FeedAnswer | ServiceUnavailableError] = {}
    seen = [-1]

    def answer(request: Request) -> Response:
        raw = (request.scope.get("raw_path") or request.url.path.encode()).decode("latin-1")
        if seen[0] != generation():
            cache.clear()
            seen[0] = generation()
        try:
            if request.scope.get("query_string") or raw not in FEED_PATHS:
                raise FeedUnavailableError("request query", "a query string or spelling WordPress may answer otherwise")
            key = (raw, request.method != "HEAD")
            found = cache.get(key)
            if found is None:
                try:
                    with engine.connect() as connection:
                        found = feed_answer(connection, raw, with_body=key[1])
                except ServiceUnavailableError as error:
                    found = error
                cache[key] = found
            if isinstance(found, ServiceUnavailableError):
                raise found
            return _send(request, feed_reply(found, request))
        except ServiceUnavailableError as error:
            return send_page(request, encode_unavailable(error))

    async def endpoint(request: Request) -> Response:
        return answer(request)

    spellings = [form for path in FEED_PATHS for form in (path, path.rstrip("/"))]
    return [Route(path, endpoint, methods=["GET", "HEAD"]) for path in spellings]


def _send(request: Request, reply: Reply) -> Response:
    if reply.status == 304:  # no body, no length (as nginx sends WordPress's)
        response = Response(status_code=304)
        response.raw_headers = [(k.lower().encode(), v.encode("latin-1")) for k, v in reply.headers]
        return response
    return send_page(request, reply)
