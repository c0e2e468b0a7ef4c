"""The extensions service's management API, passed through the admin port for the dashboard.

`/api/extensions[/...]` and `/api/webhooks/...` (GET, POST, DELETE) go to the `extensions`
component's base URL (its `--component extensions=URL/healthz` without `/healthz`) with the query
string, the JSON body and the caller's `Authorization` header: the stack gives the extensions
service the proxy's admin token, so the token the proxy checked first is the one the service checks
again. The proxy does not import the service; it only relays HTTP.

Answers are relayed as they are (status, body, content type), except: no such component → 404
`{"error": "no extensions component"}`; no answer → 502; a 401 from the service → 502 too, since
the caller's token was already accepted here (a 401 would sign the dashboard out for a stack
misconfiguration)."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from proxy.admin import require_token
from proxy.dashboard.types import Component

__all__ = ["EXTENSIONS_COMPONENT", "extensions_base_url", "extensions_routes"]

EXTENSIONS_COMPONENT = "extensions"
TIMEOUT_S = 10.0
METHODS = ["GET", "POST", "DELETE"]
FORWARDED_HEADERS = ("authorization", "content-type", "accept")
HEALTH_SUFFIX = "/healthz"


def extensions_base_url(components: tuple[Component, ...]) -> str | None:
    """`http://127.0.0.1:18040/healthz` -> `http://127.0.0.1:18040`; None without the component.
    A health URL not ending in /healthz gives its origin."""
    component = next((c for c in components if c.name == EXTENSIONS_COMPONENT), None)
    if component is None:
        return None
    url = component.health_url.rstrip("/")
    if url.endswith(HEALTH_SUFFIX):
        return url[: -len(HEALTH_SUFFIX)]
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _has_dot_segment(path: str) -> bool:
    # `..` (even percent-encoded) would let a caller climb out of /api/ on the service.
    return any(segment in (".", "..") for segment in unquote(path).split("/"))


def extensions_routes(components: tuple[Component, ...]) -> list[BaseRoute]:
    base_url = extensions_base_url(components)

    async def relay(request: Request) -> Response:
        require_token(request)
        if base_url is None:
            return JSONResponse({"error": f"no {EXTENSIONS_COMPONENT} component"}, status_code=404)
        raw_path = request.scope.get("raw_path") or request.url.path.encode()
        path = raw_path.decode("latin-1").partition("?")[0]
        if _has_dot_segment(path):
            return JSONResponse({"error": "dot segments are not allowed in the path"}, status_code=400)
        query = request.url.query
        target = f"{base_url}{path}" + (f"?{query}" if query else "")
        headers = {name: value for name in FORWARDED_HEADERS if (value := request.headers.get(name)) is not None}
        body = await request.body()
        try:
            async with httpx.AsyncClient(timeout=TIMEOUT_S, trust_env=False) as client:
                answer = await client.request(request.method, target, headers=headers, content=body or None)
        except httpx.HTTPError as exc:
            error = f"the extensions service at {base_url} did not answer: {type(exc).__name__}: {exc}"
            return JSONResponse({"error": error.rstrip(": ")}, status_code=502)
        if answer.status_code == 401:
            error = f"the extensions service at {base_url} refused the admin token (is it given the proxy's token?)"
            return JSONResponse({"error": error}, status_code=502)
        content_type = answer.headers.get("content-type")
        if answer.status_code in (204, 304):  # bodyless by definition
            return Response(status_code=answer.status_code)
        return Response(answer.content, status_code=answer.status_code, media_type=content_type)

    return [
        Route("/api/extensions", relay, methods=METHODS),
        Route("/api/extensions/{path:path}", relay, methods=METHODS),
        Route("/api/webhooks/{path:path}", relay, methods=METHODS),
    ]
