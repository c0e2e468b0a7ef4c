"""The HTTP shell: GET and HEAD through /wp-json and ?rest_route=, headers, cache invalidation, health."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
from test_content_projection import SITE, apply, event, post

from extracted.content import ContentProjection
from extracted.content.app import create_app
from extracted.runtime import ConsumerState, Store, open_engine
from extracted.runtime.answer_cache import Generation


class Client:
    """Synchronous requests to an ASGI app (Starlette's TestClient is deprecated with httpx)."""

    def __init__(self, app: object) -> None:
        self.transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]

    def request(self, method: str, url: str) -> httpx.Response:
        async def send() -> httpx.Response:
            async with httpx.AsyncClient(transport=self.transport, base_url="http://service") as client:
                return await client.request(method, url)

        return asyncio.run(send())

    def get(self, url: str) -> httpx.Response:
        return self.request("GET", url)

    def head(self, url: str) -> httpx.Response:
        return self.request("HEAD", url)


def test_routes_headers_head_and_cache(tmp_path: Path) -> None:
    store = Store(open_engine(f"sqlite:///{tmp_path / 'content.db'}"), ContentProjection().metadata)
    store.create()
    apply(store, *SITE, event("wp_posts", "r", post(5)), event("wp_posts", "r", post(6)))
    generation = Generation()
    state = ConsumerState("content", connected=True, running=True, caught_up_once=True)
    client = Client(create_app(store.engine, state, generation))

    answer = client.get("/wp-json/wp/v2/posts?per_page=1")
    assert answer.status_code == 200
    assert answer.headers["x-wp-total"] == "2" and answer.headers["x-wp-totalpages"] == "2"
    assert answer.headers["link"] == '<http://example.test/wp-json/wp/v2/posts?per_page=1&page=2>; rel="next"'
    assert answer.headers["content-type"] == "application/json; charset=UTF-8"
    assert client.get("/?rest_route=/wp/v2/posts&per_page=1").json() == answer.json()

    head = client.head("/wp-json/wp/v2/posts?per_page=1")
    assert head.status_code == 200 and head.content == b"" and head.headers["x-wp-total"] == "2"

    apply(store, event("wp_posts", "d", post(6)))
    assert client.get("/wp-json/wp/v2/posts?per_page=1").headers["x-wp-total"] == "2"  # cached until a commit
    generation.bump()
    assert client.get("/wp-json/wp/v2/posts?per_page=1").headers["x-wp-total"] == "1"

    missing = client.get("/wp-json/wp/v2/nothing")
    assert missing.status_code == 404 and missing.json()["code"] == "rest_no_route"
    assert missing.headers["link"] == '<http://example.test/wp-json/>; rel="https://api.w.org/"'
    assert client.get("/healthz").json()["healthy"] is True


def test_users_are_the_users_service_route_and_declined_here(tmp_path: Path) -> None:
    """Content answers ``/wp/v2/users`` only inside its own answers (authors' embeds); a visitor's request
    for it (a stale route) is declined so the proxy serves WordPress's answer."""
    store = Store(open_engine(f"sqlite:///{tmp_path / 'content.db'}"), ContentProjection().metadata)
    store.create()
    apply(store, *SITE)
    client = Client(create_app(store.engine, ConsumerState("content", connected=True, running=True), Generation()))
    for url in ("/wp-json/wp/v2/users", "/wp-json/wp/v2/users/1/", "/?rest_route=/wp/v2/USERS/1"):
        answer = client.get(url)
        assert answer.status_code == 503, url
        assert answer.headers["x-strangler-unavailable"].lower() in ("route /wp/v2/users", "route /wp/v2/users/1")
        assert answer.json()["code"] == "strangler_content_unavailable"
