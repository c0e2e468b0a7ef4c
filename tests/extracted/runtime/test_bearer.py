"""The kit's bearer-token check, on a small FastAPI app."""

from __future__ import annotations

import asyncio

import httpx
from fastapi import Depends, FastAPI

from extracted.runtime.bearer import bearer_token_check


class _Client:
    """Synchronous requests to an ASGI app through httpx's ASGI transport."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def get(self, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://service.test") as client:
                return await client.get(path, headers=headers)

        return asyncio.run(send())


def _client(token: list[str], when_unset: str) -> _Client:
    check = bearer_token_check(lambda: token[0], "the test's api_token", when_unset=when_unset)  # type: ignore[arg-type]
    app = FastAPI(dependencies=[Depends(check)])

    @app.get("/thing")
    def thing() -> dict[str, bool]:
        return {"ok": True}

    return _Client(app)


def test_the_right_token_passes_and_any_other_is_refused_with_a_challenge() -> None:
    client = _client(["s3cret"], "off")
    assert client.get("/thing", headers={"authorization": "Bearer s3cret"}).status_code == 200
    for headers in (
        {},
        {"authorization": "Bearer wrong"},
        {"authorization": "s3cret"},
        {"authorization": "Basic s3cret"},
    ):
        answer = client.get("/thing", headers=headers)
        assert answer.status_code == 401
        assert answer.headers["www-authenticate"] == "Bearer"
        assert "the test's api_token" in answer.json()["detail"]


def test_an_unset_token_is_open_or_off_as_the_api_chose() -> None:
    assert _client([""], "open").get("/thing").status_code == 200
    off = _client([""], "off").get("/thing")
    assert off.status_code == 503
    assert off.json()["detail"] == "the API is off: the test's api_token is not set"


def test_the_token_is_read_per_request() -> None:
    token = [""]
    client = _client(token, "off")
    assert client.get("/thing").status_code == 503
    token[0] = "later"
    assert client.get("/thing", headers={"authorization": "Bearer later"}).status_code == 200
