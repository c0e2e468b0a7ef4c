"""The HTML pages' pure parts on a read model: which paths are WordPress's 404, when stored pieces hold,
the document title, and the declines (the live comparison with WordPress is test_pages_live.py)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from extracted.content import ContentProjection, schema
from extracted.content.pages import fresh_pieces, model_inputs, page_reply
from extracted.content.pages.documents import document_title, site_name
from extracted.content.pages.not_found import not_found_reason
from extracted.content.pages.pieces import pieces_metadata, save_pieces
from extracted.formatting import php_serialize
from extracted.runtime import Store, open_engine

RULES = {
    "feed/(feed|rdf|rss|rss2|atom)/?$": "index.php?feed=$matches[1]",
    "(feed|rdf|rss|rss2|atom)/?$": "index.php?feed=$matches[1]",
    "comment-page-([0-9]{1,})/?$": "index.php?&page_id=2&cpage=$matches[1]",
    "([0-9]{4})/?$": "index.php?year=$matches[1]",
    "(.?.+?)(?:/([0-9]+))?/?$": "index.php?pagename=$matches[1]&page=$matches[2]",
}
OPTIONS = {"home": "http://x.test", "blogname": "My & <Site>", "stylesheet": "twentytwentythree",
           "permalink_structure": "/%year%/%monthnum%/%day%/%postname%/",
           "rewrite_rules": php_serialize(RULES)}  # fmt: skip


def _post(post_id: int, slug: str, post_type: str = "post", status: str = "publish") -> dict[str, Any]:
    return {"id": post_id, "type": post_type, "status": status, "slug": slug, "date": "2024-01-01T00:00:00",
            "modified_gmt": "2024-01-02T00:00:00", "author": 1, "parent": 0, "password": "", "title_raw": slug,
            "content_raw": f"<p>{slug}</p>"}  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(open_engine(f"sqlite:///{tmp_path / 'content.db'}"), ContentProjection().metadata)
    store.create()
    pieces_metadata.create_all(store.engine)
    with store.engine.begin() as connection:
        connection.execute(schema.options.insert(), [
            {"option_id": n, "name": k, "value": v} for n, (k, v) in enumerate(OPTIONS.items(), 1)])  # fmt: skip
        connection.execute(schema.posts.insert(), [
            _post(1, "hello-world"), _post(2, "about", "page"), _post(3, "old-draft", "page", "draft"),
            _post(4, "photo", "attachment", "inherit"), _post(5, "unpublished-post", status="draft")])  # fmt: skip
    return store


def answer_for(inputs: dict[str, Any], title: str = "Page not found &#8211; My &#038; &lt;Site&gt;") -> dict[str, Any]:
    """An answer of page_pieces.php (the shape it prints) made from ``inputs``."""
    document = {"parts": ["<head>", "<link />\n</head><body class=\"", "\">main</body>"], "title": title,
                "body_class": "error404 wp-embed-responsive", "status": 404,
                "headers": [["Content-Type", "text/html; charset=UTF-8"]]}  # fmt: skip
    return {"inputs": inputs, "documents": {"404": document}, "global_styles": "body{}", "wordpress": "6.1.9"}


@pytest.mark.parametrize("path", ["/nothing-here/", "/nothing-here", "/zz/", "/helloworld/", "/unpublished-post/"])
def test_paths_wordpress_answers_with_its_404(store: Store, path: str) -> None:
    with store.engine.connect() as connection:
        assert not_found_reason(connection, path, "") is None


@pytest.mark.parametrize(
    "path, query",
    [
        ("/about/", ""),  # a page
        ("/old-draft/", ""),  # a page WordPress finds whatever its status
        ("/photo/", ""),  # an attachment
        ("/hello/", ""),  # WordPress guesses /hello-world/ and redirects
        ("/feed/", ""),  # an earlier rewrite rule
        ("/comment-page-2/", ""),
        ("/2024/", ""),
        ("/login/", ""),  # wp_redirect_admin_locations
        ("/wp-content/", ""),  # WordPress's files
        ("/nothing-here/", "x=1"),  # a query string
        ("/Nothing/", ""),
        ("/a/b/", ""),
        ("/file.txt", ""),
        ("/", ""),
    ],
)
def test_paths_left_to_wordpress(store: Store, path: str, query: str) -> None:
    with store.engine.connect() as connection:
        assert not_found_reason(connection, path, query) is not None


def test_verbose_page_rules_and_missing_rules_are_left_to_wordpress(store: Store) -> None:
    with store.engine.begin() as connection:
        table = schema.options
        connection.execute(table.update().where(table.c.name == "permalink_structure").values(value="/%postname%/"))
        assert not_found_reason(connection, "/nothing-here/", "") is not None
        connection.execute(table.update().where(table.c.name == "permalink_structure").values(value=""))
        connection.execute(table.update().where(table.c.name == "rewrite_rules").values(value=""))
        assert not_found_reason(connection, "/nothing-here/", "") is not None


def test_pieces_hold_while_their_inputs_are_the_read_model_s(store: Store) -> None:
    with store.engine.begin() as connection:
        assert fresh_pieces(connection) is None
        inputs = model_inputs(connection)
        assert inputs["options"]["blogname"] == "My & <Site>" and "theme_mods_twentytwentythree" in inputs["options"]
        assert [post[0] for post in inputs["posts"]] == [2, 3]  # the pages, whatever their status
        save_pieces(connection, answer_for(inputs), 0)
        pieces = fresh_pieces(connection)
        assert pieces is not None and pieces.blogname == "My & <Site>"
        connection.execute(schema.options.update().where(schema.options.c.name == "blogname").values(value="New"))
        assert fresh_pieces(connection) is None  # made from the old name: never served
        ahead = copy.deepcopy(inputs)
        ahead["options"]["blogname"] = "Newer"
        save_pieces(connection, answer_for(ahead), 0)  # WordPress's database ahead of the read model
        assert fresh_pieces(connection) is None


def test_the_404_page_from_fresh_pieces(store: Store) -> None:
    with store.engine.begin() as connection:
        declined = page_reply(connection, "/nothing-here/", "")
        assert declined.status == 503 and ("X-Strangler-Unavailable", "page pieces") in declined.headers
        save_pieces(connection, answer_for(model_inputs(connection)), 0)
        reply = page_reply(connection, "/nothing-here/", "")
        assert reply.status == 404 and reply.headers == [("Content-Type", "text/html; charset=UTF-8")]
        assert reply.body == (
            b"<head><title>Page not found &#8211; My &#038; &lt;Site&gt;</title>\n<link />\n</head>"
            b'<body class="error404 wp-embed-responsive">main</body>'
        )
        assert page_reply(connection, "/about/", "").status == 503
        save_pieces(connection, answer_for(model_inputs(connection), title="Another"), 0)
        assert page_reply(connection, "/nothing-here/", "").status == 503  # a title this port does not make


@pytest.mark.parametrize(
    "blogname, title",
    [
        ("wp-strangler demo", "Page not found &#8211; wp-strangler demo"),
        ('Tom\'s "Wordpress" & co', "Page not found &#8211; Tom&#8217;s &#8220;WordPress&#8221; &#038; co"),
        ("Pages & <Strangler> – live", "Page not found &#8211; Pages &#038; &lt;Strangler&gt; – live"),
        ("", "Page not found"),
    ],
)
def test_document_title(blogname: str, title: str) -> None:
    """As wp_get_document_title() on a 404 with that blogname (measured with the installed WordPress)."""
    assert document_title(["Page not found", site_name(blogname)]) == title
