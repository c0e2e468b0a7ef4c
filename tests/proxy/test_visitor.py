"""Who is asking: personal request classes, read the way WordPress 6.1 and PHP read them."""

from __future__ import annotations

import pytest

from proxy.types import RawHeaders, RequestClass
from proxy.visitor import classify, cookie_class

HASH = "6c1a2b3d4e5f60718293a4b5c6d7e8f9"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (f"wordpress_logged_in_{HASH}", RequestClass.LOGGED_IN),
        (f"wordpress_sec_{HASH}", RequestClass.LOGGED_IN),
        (f"wordpress_{HASH}", RequestClass.LOGGED_IN),
        (f"WordPress_Logged_In_{HASH}", RequestClass.LOGGED_IN),
        (f"wordpress.logged_in_{HASH}", RequestClass.LOGGED_IN),  # PHP turns '.' into '_'
        (f"wordpress%5Flogged_in_{HASH}", RequestClass.LOGGED_IN),  # and URL-decodes names
        (f" wp-postpass_{HASH}", RequestClass.POST_PASSWORD),
        (f"comment_author_{HASH}", RequestClass.COMMENTER),
        (f"comment_author_email_{HASH}", RequestClass.COMMENTER),
        (f"comment_author_url_{HASH}", RequestClass.COMMENTER),
        ("wordpress_test_cookie", None),  # wp-login.php's probe: nobody is logged in
        ("wp-settings-1", None),  # the editor's UI settings carry no credentials
        ("strangler_visitor", None),
        ("theme", None),
    ],
)
def test_cookie_names(name: str, expected: RequestClass | None) -> None:
    assert cookie_class(name) is expected


@pytest.mark.parametrize(
    ("headers", "query", "expected"),
    [
        ([], "", set()),
        ([(b"Cookie", b"a=1; wordpress_test_cookie=WP+Cookie+check")], "page=2", set()),
        ([(b"Cookie", f"a=1; wordpress_logged_in_{HASH}=admin%7C1".encode())], "", {RequestClass.LOGGED_IN}),
        ([(b"cookie", b"a=1"), (b"cookie", f"wp-postpass_{HASH}=x".encode())], "", {RequestClass.POST_PASSWORD}),
        ([(b"Authorization", b"Basic YWRtaW46eHh4")], "", {RequestClass.AUTHORIZATION}),
        ([(b"X-WP-Nonce", b"abc")], "", {RequestClass.NONCE}),
        ([], "_wpnonce=abc&a=1", {RequestClass.NONCE}),
        ([], "%5Fwpnonce=abc", {RequestClass.NONCE}),
        ([], "p=1&preview=true", {RequestClass.PREVIEW}),
        ([], "preview=", set()),  # WordPress reads `preview` as a flag; empty is no preview
        ([], "preview_id=5&preview_nonce=n", {RequestClass.PREVIEW}),
        ([], "page_id=2&noncefree=1", set()),
        (
            [(b"Cookie", f"comment_author_{HASH}=Ann".encode()), (b"X-WP-Nonce", b"n")],
            "preview=1",
            {RequestClass.COMMENTER, RequestClass.NONCE, RequestClass.PREVIEW},
        ),
    ],
)
def test_classify(headers: RawHeaders, query: str, expected: set[RequestClass]) -> None:
    assert classify(headers, query) == frozenset(expected)
