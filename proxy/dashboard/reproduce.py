"""Shell commands that replay a stored comparison's request against WordPress and the service.

Only the method and target are stored (shadow copies carry no credentials by default), so the
commands reproduce anonymous requests, which is what the shadow compared."""

from __future__ import annotations

import shlex
from typing import Any


def curl(method: str, url: str) -> str:
    verb = ["-I"] if method == "HEAD" else ([] if method == "GET" else ["-X", method])
    return shlex.join(["curl", "-sS", *verb, url])


def reproduce(
    method: str, target: str, wordpress_url: str, service_url: str | None, is_json: bool = False
) -> dict[str, Any]:
    """`wordpress`, `service` (None when the route or its service is gone) and `diff`: both
    answers through diff -u, pretty-printed first when `is_json` (WordPress answers on one line)."""
    wordpress = curl(method, wordpress_url.rstrip("/") + target)
    service = curl(method, service_url.rstrip("/") + target) if service_url else None
    diff = None
    if service is not None:
        pretty = " | python3 -m json.tool" if is_json else ""
        diff = f"diff -u <({wordpress}{pretty}) <({service}{pretty})"
    return {"wordpress": wordpress, "service": service, "diff": diff}
