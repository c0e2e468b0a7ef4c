"""A real site survives a cutover: with content cut over, an editor logged in through the proxy, an
application password, a post-password cookie, a commenter and a preview are all answered by WordPress
as before, while anonymous visitors get the service (issue: cutover safety)."""

from __future__ import annotations

import hashlib

import httpx
import pytest

from proxy.client import AdminClient
from tests.cli.browser import log_in, served_by_service
from tests.stack_fixture import StackHandle

pytestmark = pytest.mark.stack
POSTS = "/wp-json/wp/v2/posts"


def test_editors_and_visitors_with_state_keep_getting_wordpress(stack: StackHandle, cut_over: AdminClient) -> None:
    public = stack.components["proxy"]["url"].rstrip("/")
    wordpress = stack.components["wordpress"]
    application = (wordpress["admin_user"], wordpress["app_password"])
    anonymous = httpx.get(public + POSTS, timeout=60)
    assert anonymous.status_code == 200 and served_by_service(anonymous)
    first = anonymous.json()[0]["id"]
    before = cut_over.stats()["content-posts"]

    with httpx.Client(base_url=public, timeout=60) as browser:
        nonce = log_in(browser, stack)
        for target in (f"{POSTS}/{first}?context=edit", f"{POSTS}?status=draft&context=edit&per_page=5"):
            editor = browser.get(target, headers={"X-WP-Nonce": nonce})
            assert editor.status_code == 200, (target, editor.text[:300])  # not 401 rest_forbidden_context
            assert not served_by_service(editor)
        assert "raw" in browser.get(f"{POSTS}/{first}?context=edit", headers={"X-WP-Nonce": nonce}).json()["content"]

    with_password = httpx.get(public + POSTS, params={"context": "edit", "per_page": 2}, auth=application, timeout=60)
    assert with_password.status_code == 200 and not served_by_service(with_password)

    protected = httpx.post(
        public + POSTS,
        json={"title": "Members only", "content": "behind a password", "status": "publish", "password": "open"},
        auth=application,
        timeout=60,
    )
    assert protected.status_code == 201, protected.text[:300]
    post_id = protected.json()["id"]
    try:
        with httpx.Client(base_url=public, timeout=60) as reader:
            unlocked = reader.post(
                "/wp-login.php?action=postpass",
                data={"post_password": "open"},
                headers={"Referer": f"{public}/?p={post_id}"},  # the post's form sends it; WordPress goes back there
            )
            assert unlocked.status_code == 302 and any(n.startswith("wp-postpass_") for n in reader.cookies)
            answer = reader.get(f"{POSTS}/{post_id}")
            assert answer.status_code == 200 and not served_by_service(answer)
        site_hash = hashlib.md5(public.encode()).hexdigest()
        commenter = httpx.get(public + POSTS, headers={"Cookie": f"comment_author_{site_hash}=Ann"}, timeout=60)
        assert commenter.status_code == 200 and not served_by_service(commenter)
        preview = httpx.get(public + f"{POSTS}/{post_id}", params={"preview": "true"}, timeout=60)
        assert not served_by_service(preview)
    finally:
        httpx.delete(public + f"{POSTS}/{post_id}", params={"force": "true"}, auth=application, timeout=60)

    after = cut_over.stats()["content-posts"]
    # 3 editor reads, 1 application password, 1 post password, 1 commenter, 1 preview
    assert after["kept_personal"] - before.get("kept_personal", 0) >= 7
    assert served_by_service(httpx.get(public + POSTS, timeout=60))  # anonymous visitors still get the service
