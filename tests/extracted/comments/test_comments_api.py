"""``/wp/v2/comments[/ID]`` on a store fed WordPress-shaped change events: what a visitor may read, the
arguments' checks and errors in WordPress's order, links, avatars, ``_embed`` and what is declined.

The bytes are checked against WordPress itself by ``test_comments_live.py``; these tests pin the rules.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, select

from cdc.events import ChangeEvent
from extracted.comments import schema
from extracted.comments.app import ENDPOINTS
from extracted.comments.comment_view import post_permalink
from extracted.comments.projection import CommentsProjection
from extracted.contracts import CloudEvent
from extracted.rest import Reply, ServiceUnavailableError, avatar_urls, gravatar_hash, parse_str, render_from_store
from extracted.runtime import Store, open_engine

HOME = "http://example.test"
NOV_24 = 1732406400000  # 2024-11-24 00:00:00 (epoch ms, as CDC sends DATETIME)
HOUR = 3_600_000


def _event(table: str, row: dict[str, Any]) -> ChangeEvent:
    return ChangeEvent(f"wordpress.wordpress.{table}", {}, "r", None, row, {"table": table}, 1000)


def _post(post_id: int, status: str = "publish", post_type: str = "post", **values: Any) -> ChangeEvent:
    row = {"ID": post_id, "post_type": post_type, "post_status": status, "post_password": "",
           "post_name": f"p{post_id}", "post_parent": 0, "post_date": NOV_24, "post_date_gmt": NOV_24,
           "comment_status": "open", **values}  # fmt: skip
    return _event("wp_posts", row)


def _comment(comment_id: int, post_id: int, hours: int, **values: Any) -> ChangeEvent:
    row = {"comment_ID": comment_id, "comment_post_ID": post_id, "comment_author": f"Visitor {comment_id}",
           "comment_author_email": f"v{comment_id}@example.test", "comment_author_url": "",
           "comment_author_IP": "10.0.0.9", "comment_date": NOV_24 + hours * HOUR,
           "comment_date_gmt": NOV_24 + hours * HOUR, "comment_content": f"Text {comment_id} :-)",
           "comment_approved": "1", "comment_type": "comment", "comment_parent": 0, "user_id": 0, **values}  # fmt: skip
    return _event("wp_comments", row)


OPTIONS = {"home": HOME, "siteurl": HOME, "permalink_structure": "/%year%/%monthnum%/%day%/%postname%/",
           "show_avatars": "1", "avatar_default": "mystery", "avatar_rating": "G", "use_smilies": "1",
           "page_comments": "0", "comments_per_page": "50", "timezone_string": "", "gmt_offset": "0"}  # fmt: skip
SITE = [
    *(_event("wp_options", {"option_id": i, "option_name": k, "option_value": v})
      for i, (k, v) in enumerate(OPTIONS.items())),
    _post(10), _post(11, "private"), _post(12, post_password="pw"), _post(13, "draft"),
    _post(14, post_type="page", post_parent=15), _post(15, post_type="page", post_name="about"),
    _post(16, "inherit", "attachment", post_parent=10),
    _comment(1, 10, 1), _comment(2, 10, 2, comment_parent=1, user_id=7, comment_author_email="old@example.test"),
    _comment(3, 10, 3, comment_approved="0", comment_parent=1), _comment(4, 10, 4, comment_approved="spam"),
    _comment(5, 10, 5, comment_type="pingback"), _comment(6, 11, 6), _comment(7, 12, 7), _comment(8, 13, 8),
    _comment(9, 14, 9), _comment(20, 10, 1, comment_type=""), _comment(21, 0, 10), _comment(22, 99, 11),
]  # fmt: skip
USER_7 = CloudEvent(id="u7", source="/strangler/users", type="user.registered", subject="7",
                    time="2024-01-01T00:00:00Z",
                    data={"id": 7, "login": "bob", "email": "Bob@Example.test"})  # fmt: skip


def apply(store: Store, *events: ChangeEvent) -> None:
    projection = CommentsProjection()
    with store.engine.begin() as connection:
        store.apply(connection, [change for event in events for change in projection.project(event)])


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(open_engine(f"sqlite:///{tmp_path / 'comments.db'}"), schema.metadata)
    store.create()
    apply(store, *SITE)
    with store.engine.begin() as connection:
        store.apply(connection, CommentsProjection().project_event(USER_7))
    return store


@pytest.fixture
def db(store: Store) -> Iterator[Connection]:
    with store.engine.connect() as connection:
        yield connection


def get(db: Connection, url: str) -> Reply:
    route, _, query = url.partition("?")
    return render_from_store(db, ENDPOINTS, route, parse_str(query))


def body(db: Connection, url: str) -> Any:
    return json.loads(get(db, url).body)


def ids(db: Connection, url: str) -> list[int]:
    return [item["id"] for item in body(db, url)]


def header(reply: Reply, name: str) -> str | None:
    return next((value for key, value in reply.headers if key == name), None)


def test_a_visitor_lists_approved_comments_of_readable_posts(db: Connection) -> None:
    reply = get(db, "/wp/v2/comments")
    # newest first; held, spam and pingbacks never; private, draft, password, orphan and post-less ones counted
    # (WordPress's found_comments) but left out of the page (check_read_permission)
    assert [item["id"] for item in json.loads(reply.body)] == [9, 2, 20, 1]
    assert (header(reply, "X-WP-Total"), header(reply, "X-WP-TotalPages")) == ("9", "1")
    assert ids(db, "/wp/v2/comments?post=10") == [2, 20, 1]
    assert ids(db, "/wp/v2/comments?post=12&password=pw") == [7]
    assert get(db, "/wp/v2/comments?post=12,10&password=pw").status == 401  # two posts: the password does not count
    assert ids(db, "/wp/v2/comments?id=1&password=pw&post=") == [9, 7, 2, 20, 1]  # an `id` makes it count


def test_an_item_as_wordpress_shows_it(db: Connection) -> None:
    item = body(db, "/wp/v2/comments/2")
    assert list(item) == ["id", "post", "parent", "author", "author_name", "author_url", "date", "date_gmt", "content",
                          "link", "status", "type", "author_avatar_urls", "meta", "_links"]  # fmt: skip
    assert item["link"] == f"{HOME}/2024/11/24/p10/#comment-2"
    assert item["date"] == "2024-11-24T02:00:00" and item["status"] == "approved" and item["meta"] == []
    assert item["content"] == {"rendered": "<p>Text 2 \N{SLIGHTLY SMILING FACE}</p>\n"}  # comment_text(), smilies on
    # a registered user's avatar is their email's, not the comment's
    assert item["author_avatar_urls"]["24"].startswith(f"http://{int(gravatar_hash('bob@example.test')[0], 16) % 3}.")
    assert gravatar_hash("bob@example.test") in item["author_avatar_urls"]["24"]
    assert set(item["_links"]) == {"self", "collection", "author", "up", "in-reply-to"}
    assert item["_links"]["up"] == [{"embeddable": True, "post_type": "post", "href": f"{HOME}/wp-json/wp/v2/posts/10"}]
    parent = body(db, "/wp/v2/comments/1")["_links"]
    assert parent["children"] == [{"embeddable": True, "href": f"{HOME}/wp-json/wp/v2/comments?parent=1"}]
    assert body(db, "/wp/v2/comments/20")["type"] == "comment"  # an empty type is a comment
    assert body(db, "/wp/v2/comments/9")["link"] == f"{HOME}/about/p14/#comment-9"  # a page's ancestors


def test_pingbacks_are_readable_one_by_one_without_avatars(db: Connection) -> None:
    item = body(db, "/wp/v2/comments/5")
    assert item["type"] == "pingback" and item["author_avatar_urls"] == {"24": False, "48": False, "96": False}


def test_permission_errors(db: Connection) -> None:
    def error(url: str) -> tuple[int, str, str]:
        reply = get(db, url)
        return reply.status, json.loads(reply.body)["code"], json.loads(reply.body)["message"]

    denied = (401, "rest_forbidden_param", "Query parameter not permitted: status")
    assert error("/wp/v2/comments?status=hold") == denied
    assert error("/wp/v2/comments?status=all&author=1&type=pings&author_email=a@b.test")[2] == (
        "Query parameter not permitted: author, author_email, type, status")  # fmt: skip
    assert error("/wp/v2/comments?context=edit")[1] == "rest_forbidden_context"
    assert error("/wp/v2/comments?post=11")[1] == "rest_cannot_read_post"
    assert error("/wp/v2/comments?post=12&password=no")[1] == "rest_cannot_read_post"
    no_post = ("rest_cannot_read", "Sorry, you are not allowed to read comments without a post.")
    assert error("/wp/v2/comments?post=0")[1:] == no_post
    assert get(db, "/wp/v2/comments?status=APPROVE&type=Comment&author=").status == 200  # sanitize_key first
    assert error("/wp/v2/comments/3") == (401, "rest_cannot_read", "Sorry, you are not allowed to read this comment.")
    assert error("/wp/v2/comments/7")[1] == "rest_cannot_read"
    assert get(db, "/wp/v2/comments/7?password=pw").status == 200
    assert error("/wp/v2/comments/21")[1] == "rest_cannot_read"  # no post
    assert error("/wp/v2/comments/22") == (404, "rest_post_invalid_id", "Invalid post ID.")
    assert error("/wp/v2/comments/999") == (404, "rest_comment_invalid_id", "Invalid comment ID.")
    assert error("/wp/v2/comments/1?id=3")[1] == "rest_cannot_read"  # the query's id wins
    assert header(get(db, "/wp/v2/comments/999"), "Allow") is None


def test_argument_errors_come_first_with_allow_only_when_permitted(db: Connection) -> None:
    reply = get(db, "/wp/v2/comments?per_page=0&orderby=foo")
    assert reply.status == 400 and list(json.loads(reply.body)["data"]["params"]) == ["per_page"]  # validated first
    reply = get(db, "/wp/v2/comments?orderby=foo&after=2024-13-01T00:00:00")
    assert json.loads(reply.body)["data"]["params"] == {"orderby": "orderby is not one of date, date_gmt, id, include, "
                                                       "post, parent, and type.", "after": "Invalid date."}  # fmt: skip
    assert header(reply, "Allow") == "GET"
    reply = get(db, "/wp/v2/comments?author_email=nope&status=hold")
    assert json.loads(reply.body)["data"]["params"] == {"author_email": "Invalid email address."}
    assert header(reply, "Allow") is None  # the permission check fails: no Allow
    assert get(db, "/wp/v2/comments?after=2024-02-30T00:00:00").status == 200  # strtotime() reads it


def test_filters_and_orders(db: Connection) -> None:
    assert ids(db, "/wp/v2/comments?order=asc&orderby=date") == [1, 20, 2, 9]
    assert ids(db, "/wp/v2/comments?orderby=id&order=asc") == [1, 2, 9, 20]
    assert ids(db, "/wp/v2/comments?orderby=post&order=asc") == [20, 2, 1, 9]  # ties: comment_ID DESC
    assert ids(db, "/wp/v2/comments?orderby=type&order=asc") == [20, 9, 2, 1]  # "" before "comment"
    assert ids(db, "/wp/v2/comments?include=2,-1,9&orderby=include") == [2, 1, 9]
    reply = get(db, "/wp/v2/comments?orderby=include")  # FIELD(comment_ID, ): an SQL error in WordPress
    assert json.loads(reply.body) == [] and header(reply, "X-WP-Total") == "0"
    assert ids(db, "/wp/v2/comments?parent=1") == [2]
    assert ids(db, "/wp/v2/comments?parent_exclude=0") == [2]
    assert ids(db, "/wp/v2/comments?exclude=2,9") == [20, 1]
    assert ids(db, "/wp/v2/comments?search=VISITOR%202") == [2, 20]
    assert ids(db, "/wp/v2/comments?search=v9@example") == [9]  # emails are searched, as WordPress does
    assert ids(db, "/wp/v2/comments?after=2024-11-24T01:00:00&before=2024-11-24T09:00:00") == [2]
    assert ids(db, "/wp/v2/comments?after=2024-11-24T03:00:00%2B02:00") == [9, 2]  # after 01:00 in UTC
    reply = get(db, "/wp/v2/comments?per_page=2&page=2")
    assert [i["id"] for i in json.loads(reply.body)] == [9] and header(reply, "X-WP-TotalPages") == "5"  # 8: a draft's
    assert header(reply, "Link") == (f'<{HOME}/wp-json/wp/v2/comments?per_page=2&page=1>; rel="prev", '
                                     f'<{HOME}/wp-json/wp/v2/comments?per_page=2&page=3>; rel="next"')  # fmt: skip
    assert ids(db, "/wp/v2/comments?per_page=3&offset=-5") == [2, 20]  # absint(); 6 left out


def test_embeds_of_own_routes_and_declines_of_others(db: Connection) -> None:
    item = body(db, "/wp/v2/comments/2?_embed=in-reply-to")
    assert [e["id"] for e in item["_embedded"]["in-reply-to"]] == [1]
    assert "post" not in item["_embedded"]["in-reply-to"][0]  # embed context
    children = body(db, "/wp/v2/comments/1?_embed=replies,children")["_embedded"]["children"]
    assert [c["id"] for c in children[0]] == [2]
    for embed, unavailable in (("author", "embed author"), ("1", "embed author")):
        reply = get(db, f"/wp/v2/comments/2?_embed={embed}")
        assert reply.status == 503 and header(reply, "X-Strangler-Unavailable") == unavailable
    assert get(db, "/wp/v2/comments?_embed=1&_fields=id").status == 200  # no links kept: nothing embedded


def test_the_post_embedded_as_up(store: Store) -> None:
    apply(store, _post(30, post_title="A \"quoted\" title", post_content="One -- two.\n\nThree.", post_author=3),
          _post(31, post_type="page", post_parent=15, post_excerpt='<img class="wp-image-16" src="/a.jpg">'),
          _post(32, post_content='A <img class="wp-image-16" src="/a.jpg"> <!-- wp:latest-posts /-->\nhttps://x.test/a'),
          _post(33, post_password="pw", post_content="<!-- wp:latest-posts /-->"),
          _post(34, "inherit", "revision", post_parent=30, post_date=NOV_24 + HOUR),
          _post(35, "inherit", "revision", post_parent=30),
          _event("wp_postmeta", {"meta_id": 1, "post_id": 30, "meta_key": "_thumbnail_id", "meta_value": "16"}),
          *(_comment(40 + n, 30 + n, 1) for n in range(4)))  # fmt: skip
    with store.engine.connect() as db:
        (up,) = body(db, "/wp/v2/comments/40?_embed=up")["_embedded"]["up"]
        assert list(up) == ["id", "date", "slug", "type", "link", "title", "excerpt", "author", "featured_media",
                            "_links"]  # fmt: skip
        assert up["title"] == {"rendered": "A &#8220;quoted&#8221; title"} and up["featured_media"] == 16
        assert up["excerpt"] == {"rendered": "<p>One &#8212; two. Three.</p>\n", "protected": False}
        links = up["_links"]
        assert links["version-history"] == [{"count": 2, "href": f"{HOME}/wp-json/wp/v2/posts/30/revisions"}]
        assert links["predecessor-version"] == [{"id": 34, "href": f"{HOME}/wp-json/wp/v2/posts/30/revisions/34"}]
        assert links["wp:featuredmedia"] == [{"embeddable": True, "href": f"{HOME}/wp-json/wp/v2/media/16"}]
        assert [term["taxonomy"] for term in links["wp:term"]] == ["category", "post_tag"]
        reply = get(db, "/wp/v2/comments/41?_embed=up")  # an image of a handwritten excerpt: its attachment
        assert reply.status == 503 and header(reply, "X-Strangler-Unavailable") == "embed up excerpt"
        (made,) = body(db, "/wp/v2/comments/42?_embed=up")["_embedded"]["up"]  # images, blocks: left out
        assert made["excerpt"]["rendered"].startswith("<p>A ")
        (protected,) = body(db, "/wp/v2/comments?post=33&password=pw&_embed=up")[0]["_embedded"]["up"]
        assert protected["excerpt"] == {"rendered": "", "protected": True}
        answer = render_from_store(db, ENDPOINTS, "/wp/v2/pages/30", {"context": "embed"})
        assert answer.status == 404 and json.loads(answer.body)["code"] == "rest_post_invalid_id"
        answer = render_from_store(db, ENDPOINTS, "/wp/v2/posts/11", {"context": "embed"})  # private
        assert answer.status == 401 and json.loads(answer.body)["code"] == "rest_forbidden"
        assert render_from_store(db, ENDPOINTS, "/wp/v2/posts/30", {}).status == 503  # not an embed request


def test_nested_fields_leave_a_field_out(db: Connection) -> None:
    # prepare_item_for_response() asks in_array( 'content', $fields ): a nested field is not the field
    assert body(db, "/wp/v2/comments/1?_fields=content.rendered,author_avatar_urls.24,id") == {"id": 1}
    assert list(body(db, "/wp/v2/comments/1?_fields=content,_links")) == ["content", "_links"]


def test_what_is_declined(store: Store, db: Connection) -> None:
    apply(store, _comment(23, 16, 12))
    reply = get(db, "/wp/v2/comments/23")  # an attachment's link depends on its parent's
    assert reply.status == 503 and header(reply, "X-Strangler-Unavailable") == "link attachment"
    assert get(db, "/wp/v2/comments/23?_fields=id,content").status == 200  # no link asked for
    apply(store, _event("wp_options", {"option_id": 7, "option_name": "page_comments", "option_value": "1"}))
    with store.engine.connect() as fresh:  # the fixture's connection reads in a transaction from before
        links = [item["link"] for item in json.loads(get(fresh, "/wp/v2/comments?post=10").body)]
    assert links[0] == f"{HOME}/2024/11/24/p10/comment-page-1/#comment-2"  # newest first: page 1 is named
    apply(store, _event("wp_options", {"option_id": 8, "option_name": "comments_per_page", "option_value": "5x"}))
    with store.engine.connect() as fresh:
        reply = get(fresh, "/wp/v2/comments?post=10")  # PHP would read "5x" with a warning
    assert reply.status == 503 and header(reply, "X-Strangler-Unavailable") == "link comment-page"


def test_avatars_of_a_site_without_default(db: Connection) -> None:
    class Settings:
        avatar_default, avatar_rating = "gravatar_default", "PG"

    zero = hashlib.md5(b"0").hexdigest()  # " 0 " is not empty for PHP: trimmed, then hashed
    assert avatar_urls(Settings(), " 0 ")["24"] == f"http://{int(zero[0], 16) % 3}.gravatar.com/avatar/{zero}?s=24&r=pg"
    assert gravatar_hash(" Bob@Example.TEST\u00a0") != gravatar_hash("bob@example.test")  # PHP trims ASCII only
    assert avatar_urls(Settings(), "0")["96"] == "http://0.gravatar.com/avatar/?s=96&r=pg"


def test_post_permalinks_for_submissions(db: Connection) -> None:
    posts = {row.id: row for row in db.execute(select(schema.posts))}
    assert post_permalink(db, posts[10]) == f"{HOME}/2024/11/24/p10/"
    assert post_permalink(db, posts[14]) == f"{HOME}/about/p14/"
    with pytest.raises(ServiceUnavailableError):
        post_permalink(db, posts[16])  # an attachment
