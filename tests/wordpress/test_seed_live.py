"""The demo seed and WXR imports, counted through WordPress itself."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import httpx
import pymysql
import pytest

from tests.stack_fixture import StackHandle
from wordpress.demo import demo_export
from wordpress.importer import import_export
from wordpress.wxr import read_wxr

pytestmark = pytest.mark.stack


def _total(base: str, route: str, **params: str) -> int:
    response = httpx.get(f"{base}/wp-json/wp/v2/{route}", params={"per_page": "1", **params})
    assert response.status_code == 200, response.text
    return int(response.headers["X-WP-Total"])


def test_the_demo_seed_creates_what_it_says(stack: StackHandle) -> None:
    base = stack.components["wordpress"]["url"]
    auth = (stack.components["wordpress"]["admin_user"], stack.components["wordpress"]["app_password"])
    demo = demo_export()
    demo_posts = [post for post in demo.posts if post.post_type == "post"]
    by_status = Counter(post.status for post in demo_posts)
    # WordPress's install adds "Hello world!" (published) and its sample page and privacy draft.
    assert _total(base, "posts") == by_status["publish"] + 1
    search = {"search": "Weekly notes"}
    assert _total(base, "posts", **search) == 24
    with httpx.Client(auth=auth) as admin:
        for status in ("draft", "private", "future", "trash"):
            response = admin.get(
                f"{base}/wp-json/wp/v2/posts", params={"status": status, "per_page": "100", "context": "edit"}
            )
            titles = {post["title"]["raw"] for post in response.json()}
            expected = {post.title for post in demo_posts if post.status == status}
            assert expected <= titles, status
        sticky = admin.get(f"{base}/wp-json/wp/v2/posts", params={"sticky": "true"}).json()
        assert [post["id"] for post in sticky] == [9101]
        comments = Counter()
        for status in ("approve", "hold", "spam"):
            response = admin.get(f"{base}/wp-json/wp/v2/comments", params={"status": status, "post": "9115"})
            comments[status] = len(response.json())
    assert comments == {"approve": 3, "hold": 1, "spam": 1}
    protected = httpx.get(f"{base}/wp-json/wp/v2/posts/9106").json()
    assert protected["content"]["protected"] is True
    pages = httpx.get(f"{base}/wp-json/wp/v2/pages", params={"per_page": "100"}).json()
    parents = {page["slug"]: page["parent"] for page in pages}
    assert parents["team"] == 9201 and parents["history"] == 9202
    categories = {c["slug"]: c["parent"] for c in httpx.get(f"{base}/wp-json/wp/v2/categories?per_page=100").json()}
    assert categories["advanced-python"] and categories["python"] and categories["releases"]
    users = {user["slug"] for user in httpx.get(f"{base}/wp-json/wp/v2/users?per_page=100").json()}
    # REST lists only authors with published posts: dana (a draft only) is not among them.
    assert {"alice", "bruno", "chen"} <= users and "dana" not in users
    formats = {httpx.get(f"{base}/wp-json/wp/v2/posts/{number}").json()["format"] for number in (9109, 9111, 9112)}
    assert formats == {"aside", "quote", "link"}


def test_seeding_twice_adds_nothing(stack: StackHandle) -> None:
    assert stack.stack is not None
    wordpress = stack.stack.wordpress
    report = import_export(demo_export(), wordpress.php_request(admin_user="admin"))
    assert sum(report.posts.values()) == 0
    assert report.skipped == len(demo_export().posts)


def test_the_theme_unit_test_export_imports_completely(stack: StackHandle, corpus: Path) -> None:
    assert stack.stack is not None
    export = read_wxr(corpus / "themeunittestdata.wordpress.xml")
    report = import_export(export, stack.stack.wordpress.php_request(admin_user="admin"))
    assert report.errors == []
    unique = {post.post_id: post for post in export.posts}  # the file repeats some menu items
    db = stack.components["mariadb"]
    with (
        pymysql.connect(host=db["host"], port=db["port"], user=db["root_user"], password=db["root_password"]) as c,
        c.cursor() as cursor,
    ):
        ids = ",".join(str(report.id_map[post_id]) for post_id in unique)
        cursor.execute(f"SELECT post_type, COUNT(*) FROM wordpress.wp_posts WHERE ID IN ({ids}) GROUP BY post_type")
        in_database = dict(cursor.fetchall())
        cursor.execute(f"SELECT COUNT(*) FROM wordpress.wp_comments WHERE comment_post_ID IN ({ids})")
        (comments,) = cursor.fetchone()
        cursor.execute(f"SELECT COUNT(*) FROM wordpress.wp_postmeta WHERE post_id IN ({ids})")
        (meta,) = cursor.fetchone()
        cursor.execute("SELECT user_login FROM wordpress.wp_users")
        logins = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT tt.taxonomy, t.slug FROM wordpress.wp_terms t JOIN wordpress.wp_term_taxonomy tt USING (term_id)"
        )
        terms = set(cursor.fetchall())
    assert in_database == dict(Counter(post.post_type for post in unique.values()))
    assert comments == sum(len(post.comments) for post in unique.values())
    assert meta >= sum(len([m for m in post.meta if m[0] != "_edit_lock"]) for post in unique.values())
    assert {author.login for author in export.authors} <= logins
    assert {(term.taxonomy, term.slug) for term in export.terms} <= terms
    # Kept IDs: the post IDs of the export are the site's IDs.
    assert sum(1 for old, new in report.id_map.items() if old == new) >= len(unique) - 5
