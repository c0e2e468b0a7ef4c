"""Helpers for the proxy tests on the real stack: raw fetching and a stand-in extracted service.

The stand-in ("clone") answers by asking WordPress itself, so in shadow mode it should match
100%; `break_titles` makes it wrong on purpose; stopping it simulates a crashed service."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import httpx
from aiohttp import web
from multidict import CIMultiDict

from tests.proxy.proxy_processes import free_port, serve_in_thread

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "date"}


@dataclass(frozen=True)
class Fetched:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


def fetch(client: httpx.Client, url: str, host: str | None = None, **kwargs: Any) -> Fetched:
    """Raw status, end-to-end headers (lower-cased, in order) and undecoded body bytes."""
    headers = dict(kwargs.pop("headers", {}))
    if host:
        headers["Host"] = host
    with client.stream(kwargs.pop("method", "GET"), url, headers=headers, **kwargs) as response:
        body = b"".join(response.iter_raw())
    kept = tuple(
        (k.decode().lower(), v.decode()) for k, v in response.headers.raw if k.decode().lower() not in HOP_BY_HOP
    )
    return Fetched(response.status_code, kept, body)


def site_links(html: bytes, base: str) -> list[str]:
    """Same-site paths linked from a page (href/src), without fragments."""
    host = urlsplit(base).netloc
    out: list[str] = []
    for link in re.findall(rb'(?:href|src)=["\']([^"\'#]+)', html):
        url = urlsplit(link.decode("utf-8", "replace").replace("&#038;", "&").replace("&amp;", "&"))
        if url.netloc == host and url.path and "wp-admin" not in url.path and "logout" not in url.query:
            out.append(url.path + ("?" + url.query if url.query else ""))
    return out


@dataclass
class CloneService:
    """A stand-in extracted service that answers by asking WordPress (direct, same Host)."""

    wordpress: str
    port: int = field(default_factory=free_port)
    seen: list[dict[str, Any]] = field(default_factory=list)
    break_titles: bool = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.seen.append(
            {
                "method": request.method,
                "path": request.path_qs,
                "headers": {k.lower(): v for k, v in request.headers.items()},
            }
        )
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("connection", "content-length")}
        async with (
            aiohttp.ClientSession(auto_decompress=False) as session,
            session.request(
                request.method,
                self.wordpress + request.path_qs,
                headers=headers,
                data=await request.read(),
                allow_redirects=False,
            ) as answer,
        ):
            body = await answer.read()
            out = [
                (k, v)
                for k, v in answer.headers.items()
                if k.lower() not in ("transfer-encoding", "connection", "content-length")
            ]
        if self.break_titles and body.startswith(b"["):
            items = json.loads(body)
            if items:
                items[0]["title"]["rendered"] = "broken on purpose"
            body = json.dumps(items).encode()
        return web.Response(status=answer.status, body=body, headers=CIMultiDict([*out, ("X-Served-By", "clone")]))

    @contextlib.contextmanager
    def running(self) -> Iterator[CloneService]:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        with serve_in_thread(app, self.port):
            yield self
