"""The sitemaps from a read model (what is listed, in which order, on which page) and the HTTP shell of
robots.txt and the sitemaps: exact spellings, harmless queries, declines, HEAD, the generation cache."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_content_app import Client

from extracted.content import ContentProjection, schema
from extracted.content.app import create_app
from extracted.content.site_files import harmless_query, site_file_reply
from extracted.runtime import ConsumerState, Store, open_engine
from extracted.runtime.answer_cache import Generation

OPTIONS = {"home": "http://x.test", "siteurl": "http://x.test", "permalink_structure": "/%postname%/",
           "blog_public": "1", "show_on_front": "posts"}  # fmt: skip
HEAD_XML = '<?xml version="1.0" encoding="UTF-8"?>\n<?xml-stylesheet type="text/xsl" href="http://x.test/{}" ?>\n'


def _post(post_id: int, post_type: str = "post", status: str = "publish", **extra: Any) -> dict[str, Any]:
    # every row with every column: an executemany takes its columns from the first row
    return {"id": post_id, "type": post_type, "status": status, "slug": f"{post_type}-{post_id}",
            "date": "2024-01-01T00:00:00", "author": 1, "parent": 0, "password": "", **extra}  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(open_engine(f"sqlite:///{tmp_path / 'content.db'}"), ContentProjection().metadata)
    store.create()
    with store.engine.begin() as connection:
        connection.execute(schema.options.insert(), [
            {"option_id": n, "name": k, "value": v} for n, (k, v) in enumerate(OPTIONS.items(), 1)])  # fmt: skip
        connection.execute(schema.posts.insert(), [
            _post(9), _post(3), _post(4, status="draft"), _post(5, password="secret"),  # protected posts are listed
            _post(7, "page"), _post(8, "page", parent=7), _post(6, "attachment", "inherit"),
            _post(10, author=2), _post(11, "page", "private", author=3)])  # fmt: skip
        connection.execute(
            schema.terms.insert(),
            [
                {"term_id": 1, "name": "Uncategorized", "slug": "uncategorized"},
                {"term_id": 2, "name": "Child", "slug": "child"},
                {"term_id": 3, "name": "Empty", "slug": "empty"},
                {"term_id": 4, "name": "Aside", "slug": "post-format-aside"},
                {"term_id": 5, "name": "T", "slug": "t"},
            ],
        )
        connection.execute(schema.taxonomies.insert(), [
            {"term_taxonomy_id": n, "term_id": n, "taxonomy": taxonomy, "count": count, "parent": parent}
            for n, taxonomy, count, parent in ((1, "category", 2, 0), (2, "category", 1, 1), (3, "category", 0, 0),
                                               (4, "post_format", 1, 0), (5, "post_tag", 0, 0))])  # fmt: skip
        connection.execute(
            schema.users.insert(),
            [
                {"id": 1, "login": "zed", "nicename": "zed"},
                {"id": 2, "login": "Anna", "nicename": "anna"},
                {"id": 3, "login": "bob", "nicename": "bob"},
            ],
        )  # bob has only a private page
    return store


def _body(store: Store, path: str) -> str:
    with store.engine.connect() as connection:
        reply = site_file_reply(connection, path)
    assert reply.status == 200, reply.body
    return reply.body.decode()


def _locs(body: str) -> list[str]:
    return [part.split("</loc>")[0] for part in body.split("<loc>")[1:]]


def test_what_each_sitemap_lists(store: Store) -> None:
    index = _body(store, "/wp-sitemap.xml")
    assert index.startswith(HEAD_XML.format("wp-sitemap-index.xsl"))
    assert _locs(index) == [f"http://x.test/wp-sitemap-{name}-1.xml" for name in (
        "posts-post", "posts-page", "taxonomies-category", "taxonomies-post_format", "users")]  # fmt: skip
    posts = _body(store, "/wp-sitemap-posts-post-1.xml")
    assert posts.startswith(HEAD_XML.format("wp-sitemap.xsl"))
    assert _locs(posts) == ["http://x.test/post-3/", "http://x.test/post-5/", "http://x.test/post-9/",
                            "http://x.test/post-10/"]  # fmt: skip
    assert _locs(_body(store, "/wp-sitemap-posts-page-1.xml")) == [
        "http://x.test/", "http://x.test/page-7/", "http://x.test/page-7/page-8/"]  # fmt: skip
    assert _locs(_body(store, "/wp-sitemap-taxonomies-category-1.xml")) == [
        "http://x.test/category/uncategorized/", "http://x.test/category/uncategorized/child/"]  # fmt: skip
    assert _locs(_body(store, "/wp-sitemap-taxonomies-post_format-1.xml")) == ["http://x.test/type/aside/"]
    assert _locs(_body(store, "/wp-sitemap-users-1.xml")) == ["http://x.test/author/anna/", "http://x.test/author/zed/"]


@pytest.mark.parametrize(
    "path",
    ["/wp-sitemap-taxonomies-post_tag-1.xml",  # no term with posts: WordPress's 404 page
     "/wp-sitemap-posts-post-2.xml", "/wp-sitemap-posts-attachment-1.xml", "/wp-sitemap-foo-1.xml",
     "/wp-sitemap-posts-post-01.xml", "/wp-sitemap-index-1.xml", "/wp-sitemap.xml/", "/wp-sitemap%2Exml"],
)  # fmt: skip
def test_declined_paths(store: Store, path: str) -> None:
    with store.engine.connect() as connection:
        reply = site_file_reply(connection, path)
    assert reply.status == 503 and dict(reply.headers)["X-Strangler-Unavailable"]


def test_declined_sites(store: Store) -> None:
    options = schema.options
    for name, value in (("blog_public", "0"), ("permalink_structure", "/blog/%postname%/"), ("WPLANG", "de_DE")):
        with store.engine.begin() as connection:
            before = connection.execute(options.select().where(options.c.name == name)).first()
            connection.execute(options.delete().where(options.c.name == name))
            connection.execute(options.insert(), {"option_id": 100, "name": name, "value": value})
        with store.engine.connect() as connection:
            path = "/wp-sitemap.xsl" if name == "WPLANG" else "/wp-sitemap.xml"
            assert site_file_reply(connection, path).status == 503, name
        with store.engine.begin() as connection:
            connection.execute(options.delete().where(options.c.option_id == 100))
            if before is not None:
                connection.execute(options.insert(), dict(before._mapping))


def test_front_page_and_page_count(store: Store) -> None:
    with store.engine.begin() as connection:
        connection.execute(schema.options.update().where(schema.options.c.name == "show_on_front"), {"value": "page"})
        connection.execute(schema.options.insert(), {"option_id": 50, "name": "page_on_front", "value": "7"})
    assert _locs(_body(store, "/wp-sitemap-posts-page-1.xml")) == ["http://x.test/", "http://x.test/page-7/page-8/"]


@pytest.mark.parametrize(
    ("query", "harmless"),
    [("", True), ("per_page=100&page=1", True), ("orderby=id&order=asc", True), ("_embed=1", True),
     ("_fields=id,link", False), ("paged=2", False), ("sitemap=users", False), ("page=1&page=2", False),
     ("per_page=", False), ("page", False), ("x=1", False)],
)  # fmt: skip
def test_harmless_queries(query: str, harmless: bool) -> None:
    assert harmless_query(query) is harmless


def test_http_shell(store: Store) -> None:
    generation = Generation()
    client = Client(create_app(store.engine, ConsumerState("content", connected=True, running=True), generation))
    robots = client.get("/robots.txt")
    assert robots.status_code == 200 and robots.headers["content-type"] == "text/plain; charset=utf-8"
    assert robots.text.endswith("Sitemap: http://x.test/wp-sitemap.xml\n")
    assert client.head("/robots.txt").headers["content-type"] == "text/html; charset=UTF-8"
    sitemap = client.get("/wp-sitemap-posts-post-1.xml")
    assert sitemap.headers["content-type"] == "application/xml; charset=UTF-8"
    assert client.get("/wp-sitemap-posts-post-1.xml?per_page=100&page=1").content == sitemap.content
    head = client.head("/wp-sitemap-posts-post-1.xml")
    assert head.content == b"" and head.headers["content-length"] == str(len(sitemap.content))
    for declined in ("/wp-sitemap.xml?paged=2", "/wp-sitemap.xml/", "/robots.txt/", "/wp-sitemap-posts-post-0.xml"):
        answer = client.get(declined)
        assert answer.status_code == 503 and "x-strangler-unavailable" in answer.headers, declined
    assert client.get("/wp-sitemap.xsl").text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<xsl:stylesheet')

    with store.engine.begin() as connection:
        connection.execute(schema.posts.insert(), _post(12))
    assert "post-12" not in client.get("/wp-sitemap-posts-post-1.xml").text  # cached until a commit
    generation.bump()
    assert "http://x.test/post-12/" in client.get("/wp-sitemap-posts-post-1.xml").text
    assert client.get("/wp-json/wp/v2/posts").status_code == 200  # the REST routes are unchanged
