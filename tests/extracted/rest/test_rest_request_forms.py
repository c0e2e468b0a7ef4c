"""Forms of request a service declines (503 + X-Strangler-Unavailable) instead of guessing."""

from __future__ import annotations

import pytest

from extracted.rest import cors_headers, unsupported_form


@pytest.mark.parametrize(
    ("path", "query", "headers", "kind"),
    [
        (b"/wp-json/wp/v2/posts", "_jsonp=cb", {}, "jsonp"),
        (b"/wp-json/wp/v2/posts", "a=1&_jsonp[]=x", {}, "jsonp"),
        (b"/wp-json/wp/v2/posts", "_method=POST", {}, "method-override"),
        (b"/wp-json/wp/v2/posts", "_method=HEAD", {}, "method-override"),
        (b"/wp-json/wp/v2/posts", "_method[]=GET", {}, "method-override"),
        (b"/wp-json/wp/v2/posts", "", {"x-http-method-override": "GET"}, "method-override"),
        (b"/wp-json/wp/v2/posts/1%00", "", {}, "nul-byte"),
        (b"/wp-json/wp/v2/posts", "search=%FF", {}, "invalid-utf8"),
        (b"/wp-json/wp/v2/posts", "s%C3=1", {}, "invalid-utf8"),
        (b"/wp-json/wp/v2/posts", "", {"origin": "https://ex ample.com/<x>"}, "origin"),
    ],
)
def test_declined_forms_name_their_kind(path: bytes, query: str, headers: dict[str, str], kind: str) -> None:
    declined = unsupported_form(path, query, headers, service="users")
    assert declined is not None and declined.kind == kind
    assert declined.unavailable == f"request {kind}"
    assert declined.body()["data"] == {"status": 503}
    assert declined.body()["code"] == "strangler_users_unavailable"
    assert str(declined).startswith(f"the users service does not answer this form of request ({kind}): ")


@pytest.mark.parametrize(
    "query", ["", "search=%C3%A9", "_method=GET", "_method=get", "search=%00", "_envelope", "_fields=id&a=%2F"]
)
def test_forms_the_service_reproduces_pass(query: str) -> None:
    assert unsupported_form(b"/wp-json/wp/v2/posts", query, {}, service="users") is None


@pytest.mark.parametrize("origin", ["https://elsewhere.example", "http://127.0.0.1:8080", "null"])
def test_a_plain_origin_gets_wordpress_cors_headers(origin: str) -> None:
    assert unsupported_form(b"/wp-json/wp/v2/posts", "", {"origin": origin}, service="users") is None
    assert cors_headers(origin)[0] == ("Access-Control-Allow-Origin", origin)
    assert cors_headers(None) == cors_headers("") == []
