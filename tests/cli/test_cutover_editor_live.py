"""A whole editor session through a proxy with content cut over: log in through wp-login.php, open
the block editor and read what it reads, save a draft, preview it, publish, trash. Every request of
the editor is answered by WordPress and succeeds; anonymous visitors get the service's answers, which
follow each step (through CDC) and equal WordPress's. A visitor who comments sees their own comment
waiting for moderation; nobody else does (issue: cutover safety)."""

from __future__ import annotations

import re

import httpx
import pytest

from proxy.client import AdminClient
from tests.cli.browser import log_in, served_by_service
from tests.extracted.content.content_process import wait_for
from tests.stack_fixture import StackHandle

pytestmark = pytest.mark.stack
POSTS = "/wp-json/wp/v2/posts"
#: what the block editor of WordPress 6.1 asks the REST API for when it opens a post
EDITOR_READS = ("/wp-json/wp/v2/types?context=edit", "/wp-json/wp/v2/types/post?context=edit",
                "/wp-json/wp/v2/taxonomies?context=edit", "/wp-json/wp/v2/users/me?context=edit",
                "/wp-json/wp/v2/categories?context=edit&per_page=100&_fields=id,name,parent",
                "/wp-json/wp/v2/posts?status=draft&context=edit&per_page=10")  # fmt: skip


def _same_as_wordpress(public: str, wordpress: str, target: str) -> httpx.Response:
    """The anonymous answer through the proxy, from the service, once it equals WordPress's own."""
    answers: list[httpx.Response] = []

    def equal() -> bool:
        via_proxy = httpx.get(public + target, timeout=60)
        direct = httpx.get(wordpress + target, headers={"Host": httpx.URL(public).netloc.decode()}, timeout=60)
        answers[:] = [via_proxy]
        return served_by_service(via_proxy) and (via_proxy.status_code, via_proxy.content) == (
            direct.status_code,
            direct.content,
        )

    wait_for(equal, 60, interval=0.2)
    return answers[0]


def test_an_editor_session_through_the_cut_over_proxy(stack: StackHandle, cut_over: AdminClient) -> None:
    public = stack.components["proxy"]["url"].rstrip("/")
    wordpress = stack.components["wordpress"]["url"].rstrip("/")
    before = cut_over.stats()["content-posts"].get("kept_personal", 0)
    editor_reads = 0

    with httpx.Client(base_url=public, timeout=60) as browser:
        nonce = log_in(browser, stack)

        def editor(method: str, target: str, **options: object) -> httpx.Response:
            nonlocal editor_reads
            answer = browser.request(method, target, headers={"X-WP-Nonce": nonce}, **options)  # type: ignore[arg-type]
            assert answer.status_code in (200, 201), (method, target, answer.status_code, answer.text[:300])
            assert not served_by_service(answer), (method, target)
            editor_reads += method == "GET" and target.startswith(POSTS)  # writes match no route of content
            return answer

        page = browser.get("/wp-admin/post-new.php")
        assert page.status_code == 200 and "block-editor" in page.text
        found = re.search(r"initializeEditor\(\s*'editor',\s*\"post\",\s*(\d+)", page.text)
        assert found, "the editor page names the auto-draft it opened"
        post_id = int(found.group(1))
        for target in EDITOR_READS:
            editor("GET", target)
        editor("GET", f"{POSTS}/{post_id}?context=edit")

        draft = editor("POST", f"{POSTS}/{post_id}", json={"title": "Cutover diary", "content": "<p>Draft</p>",
                                                              "status": "draft"})  # fmt: skip
        assert draft.json()["status"] == "draft"
        editor("GET", f"{POSTS}?status=draft&context=edit&per_page=10")
        preview = browser.get("/", params={"p": post_id, "preview": "true"})
        assert preview.status_code == 200 and "Cutover diary" in preview.text and not served_by_service(preview)
        anonymous = httpx.get(f"{public}{POSTS}/{post_id}", timeout=60)
        assert anonymous.status_code == 401  # a draft is nobody's business but its editor's

        published = editor("POST", f"{POSTS}/{post_id}", json={"status": "publish"})
        assert published.json()["status"] == "publish"
        seen = _same_as_wordpress(public, wordpress, f"{POSTS}/{post_id}")
        assert seen.json()["title"]["rendered"] == "Cutover diary"
        assert post_id in [p["id"] for p in _same_as_wordpress(public, wordpress, f"{POSTS}?per_page=5").json()]

        trashed = editor("DELETE", f"{POSTS}/{post_id}")
        assert trashed.json()["status"] == "trash"
        assert _same_as_wordpress(public, wordpress, f"{POSTS}/{post_id}").status_code == 401
        assert post_id not in [p["id"] for p in _same_as_wordpress(public, wordpress, f"{POSTS}?per_page=5").json()]
        editor("DELETE", f"{POSTS}/{post_id}", params={"force": "true"})

    kept = cut_over.stats()["content-posts"].get("kept_personal", 0) - before
    print(f"\neditor session: {editor_reads} editor reads on content's post routes, {kept} kept personal")
    assert kept >= editor_reads


def test_a_commenter_sees_their_own_pending_comment(stack: StackHandle, cut_over: AdminClient) -> None:
    public = stack.components["proxy"]["url"].rstrip("/")
    wordpress = stack.components["wordpress"]
    post_id = httpx.get(f"{public}{POSTS}", params={"per_page": 1}, timeout=60).json()[0]["id"]
    with httpx.Client(base_url=public, timeout=60) as visitor:
        posted = visitor.post("/wp-comments-post.php", data={
            # two links reach comment_max_links (2): WordPress holds the comment for moderation
            "comment": 'Held for moderation: <a href="http://a.example/">a</a> <a href="http://b.example/">b</a>',
            "author": "Ann Visitor",
            "email": "ann@visitor.example", "url": "", "comment_post_ID": str(post_id), "comment_parent": "0",
            "wp-comment-cookies-consent": "yes",
        })  # fmt: skip
        assert posted.status_code == 302, posted.text[:300]
        assert any(name.startswith("comment_author_") for name in visitor.cookies)
        location = posted.headers["location"]
        comment_id = int(location.rsplit("#comment-", 1)[1])  # with consent, the cookies say who is asking
        admin = (wordpress["admin_user"], wordpress["app_password"])
        try:
            held = httpx.get(f"{public}/wp-json/wp/v2/comments/{comment_id}", params={"context": "edit"},
                             auth=admin, timeout=60)  # fmt: skip
            assert held.json()["status"] == "hold", held.text[:300]
            own = visitor.get(location.replace(public, ""))
            assert own.status_code == 200 and not served_by_service(own)
            assert "Held for moderation" in own.text and "awaiting moderation" in own.text
            listing = visitor.get(POSTS, params={"per_page": 1})  # their cookie makes it personal
            assert listing.status_code == 200 and not served_by_service(listing)
            stranger = httpx.get(location.split("?")[0], timeout=60)
            assert "Held for moderation" not in stranger.text  # nobody else sees it
        finally:
            comment = f"{public}/wp-json/wp/v2/comments/{comment_id}"
            httpx.delete(comment, params={"force": "true"}, auth=admin, timeout=60)
