"""Shell commands that replay a stored comparison's request against WordPress and the service.

Only the method, target and Host are stored (shadow copies carry no credentials by default), so the
commands reproduce anonymous requests, which is what the shadow compared. The visitor's Host goes to
both, as the proxy sends it: WordPress answers a direct request under another Host with other links
(or a redirect to its home URL)."""

from __future__ import annotations

import shlex
from typing import Any

__all__ = ["curl", "reproduce"]


def curl(method: str, url: str, host: str | None = None) -> str:
    verb = ["-I"] if method == "HEAD" else ([] if method == "GET" else ["-X", method])
    header = ["-H", f"Host: {host}"] if host else []
    return shlex.join(["curl", "-sS", *verb, *header, url])


def reproduce(
    method: str,
    target: str,
    wordpress_url: str,
    service_url: str | None,
    *,
    is_json: bool = False,
    host: str | None = None,
) -> dict[str, Any]:
    """`wordpress`, `service` (None when the route or its service is gone) and `diff`: both
    answers through diff -u, pretty-printed first when `is_json` (WordPress answers on one line)."""
    wordpress = curl(method, wordpress_url.rstrip("/") + target, host)
    service = curl(method, service_url.rstrip("/") + target, host) if service_url else None
    diff = None
    if service is not None:
        pretty = " | python3 -m json.tool" if is_json else ""
        diff = f"diff -u <({wordpress}{pretty}) <({service}{pretty})"
    return {"wordpress": wordpress, "service": service, "diff": diff}
