"""In-process test harness: a proxy runtime wired to fake upstream services through
httpx.MockTransport, driven through httpx.ASGITransport."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from proxy.runtime import ProxyRuntime, RuntimeConfig
from proxy.transport import HttpxTransport

Handler = Callable[[httpx.Request], Awaitable[httpx.Response]]
WORDPRESS = "http://wordpress.test"
SERVICE = "http://service.test"
TOKEN = "test-token"


@dataclass
class FakeUpstreams:
    """Fake WordPress and fake service; each records what it received."""

    wordpress: Handler
    service: Handler | None = None
    seen: dict[str, list[httpx.Request]] = field(default_factory=lambda: {"wordpress": [], "service": []})

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        name = "wordpress" if request.url.host == "wordpress.test" else "service"
        self.seen[name].append(request)
        handler = self.wordpress if name == "wordpress" else self.service
        if handler is None:
            raise httpx.ConnectError("connection refused", request=request)
        return await handler(request)


def routes_yaml(mode: str, **extra: object) -> str:
    options = "".join(f", {k}: {v}" for k, v in extra.items())
    return (
        f"services: {{content: '{SERVICE}'}}\n"
        "routes:\n"
        f"  - {{name: posts, paths: ['/wp-json/wp/v2/posts/**'], service: content, mode: {mode}{options}}}\n"
    )


@dataclass
class Harness:
    runtime: ProxyRuntime
    upstreams: FakeUpstreams
    client: httpx.AsyncClient
    admin: httpx.AsyncClient
    routes_path: Path


def harness_factory(tmp_path: Path) -> Callable[..., contextlib.AbstractAsyncContextManager[Harness]]:
    @contextlib.asynccontextmanager
    async def build(upstreams: FakeUpstreams, routes: str | None = None, **config: Any) -> AsyncIterator[Harness]:
        routes_path = tmp_path / "routes.yaml"
        if routes is not None:
            routes_path.write_text(routes)
        transport = HttpxTransport(httpx.MockTransport(upstreams))
        runtime = ProxyRuntime(
            RuntimeConfig(
                wordpress_url=WORDPRESS,
                routes_path=routes_path,
                store_url="sqlite://",
                admin_token=TOKEN,
                **config,
            ),
            legacy=transport,
        )
        await runtime.start(watch_interval=0.05)
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=runtime.app), base_url="http://site.test")
        admin = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=runtime.admin),
            base_url="http://admin.test",
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        try:
            yield Harness(runtime, upstreams, client, admin, routes_path)
        finally:
            await client.aclose()
            await admin.aclose()
            await runtime.stop()

    return build
