"""A service built on ``extracted.rest`` alone (no content service): a small ``/wp/v2/users`` with
pagination, argument errors, permission errors, ``_fields``, ``_embed``, ``_envelope``, HEAD, CORS,
``?rest_route=`` and the declined forms, in WordPress's bytes and header order."""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass, field
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response

from extracted.rest import (
    CONTEXT,
    Answer,
    Item,
    Query,
    ServiceUnavailableError,
    Site,
    declined_form,
    denied,
    embed_resolver,
    encode_answer,
    encode_unavailable,
    link,
    listing_args,
    listing_headers,
    no_route,
    page_window,
    parse_checked,
    parse_str,
    rest_routes,
    sanitized_query,
    send,
)

PEOPLE = {1: "Ada", 2: "Brian", 3: "Chen"}
EMBED_FIELDS = frozenset({"id", "name"})


@dataclass(frozen=True)
class PeopleSite:
    urls: Site = field(default_factory=lambda: Site(home="http://example.test", permalink_structure="/%postname%/"))


SITE = PeopleSite()


def _item(user_id: int) -> Item:
    rest = SITE.urls.rest_url
    links = {
        "self": [link(rest(f"/wp/v2/users/{user_id}"))],
        "collection": [link(rest("/wp/v2/users"))],
        "https://api.w.org/friend": [link(rest(f"/wp/v2/users/{user_id % 3 + 1}"), embeddable=True)],
    }
    data = {"id": user_id, "name": PEOPLE[user_id], "link": SITE.urls.author_link(user_id, PEOPLE[user_id].lower())}
    return Item(data, links, EMBED_FIELDS)


def dispatch(route: str, query: Query) -> Answer:
    if route == "/wp/v2/users":
        spec = listing_args(("id", "name"), "name", offset=True)
        args = parse_checked(spec, query, lambda: query.get("context") != "edit")
        if args["context"] == "edit":
            raise denied("rest_forbidden_context", "Sorry, you are not allowed to list users.")
        offset, page = page_window(args, offset_allowed=True)
        ids = sorted(PEOPLE)[offset : offset + args["per_page"]]
        link_query = sanitized_query(spec, query, args)
        headers = listing_headers(SITE, route, link_query, total=len(PEOPLE), per_page=args["per_page"], page=page)
        return Answer([_item(user_id) for user_id in ids], headers)
    if match := re.fullmatch(r"/wp/v2/users/(\d+)", route):
        parse_checked([CONTEXT], query, lambda: True)
        if int(match[1]) not in PEOPLE:
            raise denied("rest_user_invalid_id", "Invalid user ID.", 404)
        return Answer(_item(int(match[1])))
    if route == "/wp/v2/fail":
        raise ServiceUnavailableError("the users service cannot answer this", service="users", unavailable="fail")
    raise no_route()


def answer(route: str, request: Request) -> Response:
    declined = declined_form(request, service="users")
    if declined:
        return send(request, encode_unavailable(declined))
    query = parse_str(request.url.query)
    resolve = embed_resolver(
        SITE, lambda route, query: dispatch(route, query) if route.startswith("/wp/v2/users") else None
    )
    try:
        reply = encode_answer(SITE, query, lambda: dispatch(route, query), resolve)
    except ServiceUnavailableError as error:
        reply = encode_unavailable(error)
    return send(request, reply)


APP = Starlette(routes=rest_routes(answer))


def request(method: str, url: str, headers: dict[str, str] | None = None) -> httpx.Response:
    async def send_request() -> httpx.Response:
        transport = httpx.ASGITransport(app=APP)
        async with httpx.AsyncClient(transport=transport, base_url="http://example.test") as client:
            return await client.request(method, url, headers=headers)

    return asyncio.run(send_request())


def names(response: httpx.Response) -> list[str]:
    return [name for name, _ in response.headers.multi_items()]


def test_a_collection_with_pagination_in_wordpress_header_order() -> None:
    response = request("GET", "/wp-json/wp/v2/users?per_page=1&page=2")
    assert response.status_code == 200
    assert names(response) == [
        "content-type", "x-robots-tag", "x-content-type-options", "access-control-expose-headers",
        "access-control-allow-headers", "x-wp-total", "x-wp-totalpages", "link", "allow", "vary", "content-length",
    ]  # fmt: skip
    assert response.headers["link"] == (
        '<http://example.test/wp-json/wp/v2/users?per_page=1&page=1>; rel="prev", '
        '<http://example.test/wp-json/wp/v2/users?per_page=1&page=3>; rel="next"'
    )
    assert response.content == (
        b'[{"id":2,"name":"Brian","link":"http:\\/\\/example.test\\/author\\/brian\\/","_links":{"self":[{"href":'
        b'"http:\\/\\/example.test\\/wp-json\\/wp\\/v2\\/users\\/2"}],"collection":[{"href":"http:\\/\\/example.test'
        b'\\/wp-json\\/wp\\/v2\\/users"}],"wp:friend":[{"embeddable":true,"href":"http:\\/\\/example.test\\/wp-json'
        b'\\/wp\\/v2\\/users\\/3"}],"curies":[{"name":"wp","href":"https:\\/\\/api.w.org\\/{rel}","templated":true}]}}]'
    )
    assert request("GET", "/?rest_route=/wp/v2/users&per_page=1&page=2").content == response.content


def test_a_single_item_gets_the_rest_index_link_and_shapes() -> None:
    response = request("GET", "/wp-json/wp/v2/users/1?_fields=id,name")
    assert response.headers["link"] == '<http://example.test/wp-json/>; rel="https://api.w.org/"'
    assert response.content == b'{"id":1,"name":"Ada"}'
    embedded = request("GET", "/wp-json/wp/v2/users/1?_embed").json()
    [friend] = embedded["_embedded"]["wp:friend"]
    assert (friend["id"], friend["name"], sorted(friend)) == (2, "Brian", ["_links", "id", "name"])  # embed context
    envelope = request("GET", "/wp-json/wp/v2/users/9?_envelope").json()
    assert envelope["status"] == 404 and envelope["body"]["code"] == "rest_user_invalid_id"
    assert envelope["headers"] == []  # an empty PHP array, as WordPress encodes it


def test_errors_carry_allow_unless_a_permission_check_raised_them() -> None:
    invalid = request("GET", "/wp-json/wp/v2/users?per_page=0&orderby=x")
    assert invalid.status_code == 400 and invalid.headers["allow"] == "GET"
    assert invalid.json()["message"] == "Invalid parameter(s): per_page"
    forbidden = request("GET", "/wp-json/wp/v2/users?context=edit")
    assert forbidden.status_code == 401 and "allow" not in forbidden.headers
    missing = request("GET", "/wp-json/wp/v2/nothing")
    assert missing.status_code == 404 and "allow" not in missing.headers and missing.json()["code"] == "rest_no_route"


def test_head_cors_and_declined_forms() -> None:
    head = request("HEAD", "/wp-json/wp/v2/users", {"origin": "http://elsewhere.example"})
    assert head.content == b"" and int(head.headers["content-length"]) > 0
    assert names(head)[-5:] == [
        "access-control-allow-origin", "access-control-allow-methods", "access-control-allow-credentials", "vary",
        "content-length",
    ]  # fmt: skip
    bare_head, bare_get = request("HEAD", "/wp-json/wp/v2/users"), request("GET", "/wp-json/wp/v2/users")
    assert "vary" not in bare_head.headers and bare_get.headers["vary"] == "Origin"  # WordPress: Vary for a GET only
    assert names(bare_head) == [name for name in names(bare_get) if name != "vary"]
    jsonp = request("GET", "/wp-json/wp/v2/users?_jsonp=cb")
    assert jsonp.status_code == 503 and jsonp.headers["x-strangler-unavailable"] == "request jsonp"
    body: dict[str, Any] = json.loads(jsonp.content)
    assert body["code"] == "strangler_users_unavailable" and body["data"] == {"status": 503}
    failed = request("GET", "/wp-json/wp/v2/fail?_envelope")  # never enveloped
    assert failed.status_code == 503 and failed.headers["x-strangler-unavailable"] == "fail"
    assert request("GET", "/?nothing").status_code == 404
