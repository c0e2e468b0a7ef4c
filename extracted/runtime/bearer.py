"""The bearer-token check of the APIs a service designs itself (FastAPI), one for every service.

The token is read per request through ``token_of`` because services learn it after their app is made
(the workers load the settings). Comparison is constant-time. What an unset token means is the
API's choice: ``"open"`` (a development stack without tokens) or ``"off"`` (503: an API that hands
out secrets must never run unauthenticated).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Literal

from fastapi import HTTPException, Request

__all__ = ["bearer_token_check"]


def bearer_token_check(
    token_of: Callable[[], str], owner: str, *, when_unset: Literal["open", "off"]
) -> Callable[[Request], None]:
    """A FastAPI dependency refusing a request without ``Authorization: Bearer <token>`` (401, naming
    ``owner``, the setting that holds the token)."""

    def require_token(request: Request) -> None:
        token = token_of()
        if not token:
            if when_unset == "open":
                return
            raise HTTPException(503, f"the API is off: {owner} is not set")
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            raise HTTPException(401, f"a bearer token is required ({owner})", headers={"WWW-Authenticate": "Bearer"})

    return require_token
