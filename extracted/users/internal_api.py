"""The users service's internal API (FastAPI, its OpenAPI document at ``/internal/openapi.json``).

For the other components of the deployment, never for visitors (the proxy routes no ``/internal``
path); every operation needs ``Authorization: Bearer <internal_token>``, the token of the service's
``--settings`` (the stack generates it and gives it to the extensions service too). Without a token
configured the API answers 503 to everything: it is off.

``POST /internal/users/{id}/set-password-key``: a fresh set-password key for a user the service
registered (``registration.set_password_key``), for the site-emails extension's "Login Details" mail.
200 ``{user_id, user_login, user_email, key, https}``; 401 without the token; 404 not a registration
of the service (or gone from WordPress); 409 not in WordPress yet (the legacy sync is pending: retry);
503 no legacy database, or MariaDB unreachable (retry).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, HTTPException
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from extracted.runtime import ConfigurationError
from extracted.runtime.bearer import bearer_token_check
from extracted.runtime.legacy import UNREACHABLE

from .registration.set_password_key import Issued, NotYet, SetPasswordKeys, Unknown

__all__ = ["PREFIX", "SetPasswordKey", "create_internal_app", "internal_token"]

PREFIX = "/internal"


class SetPasswordKey(BaseModel):
    """A key WordPress accepts in ``wp-login.php?action=rp&key=<key>&login=<user_login>``."""

    user_id: int = Field(description="wp_users.ID")
    user_login: str = Field(description="wp_users.user_login")
    user_email: str = Field(description="wp_users.user_email: where the Login Details mail goes")
    key: str = Field(description="20 letters and digits; WordPress holds only its phpass hash, with the time")
    https: bool = Field(description="the visitor registered over https (is_ssl()): the mail's links use https")


def internal_token(settings_file: str) -> str:
    """The ``internal_token`` of the service's settings ("" when there is none: the API is off)."""
    if not settings_file:
        return ""
    try:
        document = json.loads(Path(settings_file).read_text())
    except (OSError, ValueError) as error:
        raise ConfigurationError(f"cannot read the settings file {settings_file}: {error}") from error
    token = document.get("internal_token", "") if isinstance(document, dict) else ""
    if not isinstance(token, str):
        raise ConfigurationError(f"{settings_file}: internal_token: must be str, not {type(token).__name__}")
    return token


def create_internal_app(context: object) -> FastAPI:
    """The API, mounted by the service's app at :data:`PREFIX`; reads ``context.internal_token`` and
    ``context.set_password_keys`` per request (the workers set them after the app is made)."""

    require_token = bearer_token_check(
        lambda: str(getattr(context, "internal_token", "")), "the users service's internal_token", when_unset="off"
    )

    app = FastAPI(title="wp-strangler users (internal)", openapi_url="/openapi.json", docs_url=None, redoc_url=None,
                  dependencies=[Depends(require_token)])  # fmt: skip

    @app.post(
        "/users/{user_id}/set-password-key",
        response_model=SetPasswordKey,
        summary="A fresh set-password key for a user the service registered (replaces the one before)",
        responses={401: {"description": "no or a wrong bearer token"},
                   404: {"description": "not a registration of the service, or no longer in WordPress"},
                   409: {"description": "not in WordPress yet (the legacy sync is pending): retry later"},
                   503: {"description": "no legacy database, or MariaDB unreachable: retry later"}},
    )  # fmt: skip
    async def set_password_key(user_id: int) -> Any:
        keys: SetPasswordKeys | None = getattr(context, "set_password_keys", None)
        if keys is None:
            raise HTTPException(503, "the service has no legacy database: no user of its is in WordPress")
        try:
            found = await run_in_threadpool(keys.issue, user_id)
        except UNREACHABLE as error:
            raise HTTPException(503, f"WordPress's database is unreachable: {type(error).__name__}") from error
        if isinstance(found, NotYet):
            raise HTTPException(409, f"user {user_id} is not in WordPress yet (registration {found.state})")
        if isinstance(found, Unknown):
            raise HTTPException(404, found.reason)
        assert isinstance(found, Issued)
        return SetPasswordKey(user_id=found.user_id, user_login=found.user_login, user_email=found.user_email,
                              key=found.key, https=found.https)  # fmt: skip

    return app
