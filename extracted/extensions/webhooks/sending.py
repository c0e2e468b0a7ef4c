"""One delivery attempt over HTTP: the Standard Webhooks headers, a POST, and what came back.

The request goes to the address the target check just approved (the host name stays in ``Host`` and,
for https, in TLS's server name, so virtual hosts and certificates work): a second DNS lookup by the
HTTP client could answer differently (DNS rebinding). Redirects are never followed (the spec: a 3xx
is a failure, the URL should be updated instead). Only the first :data:`~.store.EXCERPT_BYTES` of an
answer are read.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import httpx

from .schedule import Outcome
from .signing import sign
from .store import EXCERPT_BYTES
from .targets import Target, TargetPolicy, TargetRefusedError

__all__ = ["AttemptResult", "attempt_delivery", "delivery_headers"]


@dataclass(frozen=True, slots=True)
class AttemptResult:
    outcome: Outcome
    started_at: float
    duration_ms: int
    excerpt: str = ""


def delivery_headers(
    secrets: Sequence[str], webhook_id: str, timestamp: int, body: bytes, content_type: str
) -> dict[str, str]:
    """The headers of a delivery sent at ``timestamp`` (Unix seconds), signed with every one of ``secrets``."""
    return {
        "content-type": content_type,
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secrets, webhook_id, timestamp, body),
        "user-agent": "wp-strangler-webhooks/1",
    }


def _pinned_request(client: httpx.Client, target: Target, body: bytes, headers: dict[str, str]) -> httpx.Request:
    url = httpx.URL(target.url)
    address = target.addresses[0]
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    pinned_headers = {**headers, "host": url.netloc.decode("ascii")}
    return client.build_request(
        "POST", url.copy_with(host=address), content=body, headers=pinned_headers, extensions=extensions
    )


def _read_excerpt(response: httpx.Response) -> str:
    kept = bytearray()
    for chunk in response.iter_bytes():
        kept.extend(chunk)
        if len(kept) >= EXCERPT_BYTES:
            break
    return bytes(kept[:EXCERPT_BYTES]).decode("utf-8", errors="replace")


def attempt_delivery(
    client: httpx.Client,
    policy: TargetPolicy,
    url: str,
    body: bytes,
    *,
    sign_headers: Callable[[int], dict[str, str]],
    clock: Callable[[], float],
) -> AttemptResult:
    """POST ``body`` to ``url`` once; every failure (refused target, timeout, connection) is an :class:`Outcome`."""
    started_at = clock()
    began = time.monotonic()  # durations by the real clock: the injected one may stand still in tests

    def took() -> int:
        return round((time.monotonic() - began) * 1000)

    try:
        target = policy.check(url)
    except TargetRefusedError as error:
        return AttemptResult(Outcome(error=f"target refused: {error}"), started_at, took())
    request = _pinned_request(client, target, body, sign_headers(int(started_at)))
    try:
        response = client.send(request, stream=True, follow_redirects=False)
        try:
            excerpt = _read_excerpt(response)
        finally:
            response.close()
    except httpx.TimeoutException as error:
        return AttemptResult(Outcome(error=f"timeout: {type(error).__name__}"), started_at, took())
    except httpx.HTTPError as error:
        return AttemptResult(Outcome(error=f"{type(error).__name__}: {error}"), started_at, took())
    outcome = Outcome(status=response.status_code, retry_after=response.headers.get("retry-after"))
    return AttemptResult(outcome, started_at, took(), excerpt)
