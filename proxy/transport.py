"""The httpx-based transport: tests inject httpx.MockTransport or ASGI upstreams through it.

The hot path uses `proxy.upstream.UpstreamTransport` (measured several times cheaper per request)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator

import httpx

from proxy.errors import (
    UpstreamConnectError,
    UpstreamConnectTimeoutError,
    UpstreamError,
    UpstreamNotSentError,
    UpstreamTimeoutError,
)
from proxy.types import RawHeaders


class _HttpxResponse:
    def __init__(self, response: httpx.Response) -> None:
        self._response = response
        self.status = response.status_code
        self.headers: RawHeaders = list(response.headers.raw)

    async def body(self) -> AsyncIterator[bytes]:
        if self._response.is_stream_consumed:  # responses built from bytes (MockTransport) are pre-read
            yield self._response.content
            return
        try:
            async for chunk in self._response.aiter_raw():
                yield chunk
        except httpx.HTTPError as exc:
            raise UpstreamError(f"upstream body interrupted: {exc!r}") from exc

    async def aclose(self) -> None:
        await self._response.aclose()


class HttpxTransport:
    """httpx-based transport; inject httpx.MockTransport or httpx.ASGITransport in tests."""

    def __init__(self, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._client = httpx.AsyncClient(transport=transport, follow_redirects=False, timeout=None)
        self._client.headers = httpx.Headers()

    async def open(
        self,
        method: str,
        url: str,
        headers: RawHeaders,
        body: AsyncIterable[bytes] | bytes | None,
        timeout: float,
    ) -> _HttpxResponse:
        request = self._client.build_request(method, url, headers=headers, content=body)
        try:
            async with asyncio.timeout(timeout):
                response = await self._client.send(request, stream=True)
        except httpx.ConnectTimeout as exc:
            raise UpstreamConnectTimeoutError(f"{method} {url}: no connection within {timeout}s") from exc
        except (TimeoutError, httpx.TimeoutException) as exc:
            raise UpstreamTimeoutError(f"{method} {url}: no answer within {timeout}s") from exc
        except httpx.ConnectError as exc:  # httpx's: the connection could not be established
            raise UpstreamNotSentError(f"{method} {url}: {exc!r}") from exc
        except OSError as exc:
            raise UpstreamConnectError(f"{method} {url}: {exc!r}") from exc
        except httpx.HTTPError as exc:
            raise UpstreamError(f"{method} {url}: {exc!r}") from exc
        return _HttpxResponse(response)

    async def aclose(self) -> None:
        await self._client.aclose()
