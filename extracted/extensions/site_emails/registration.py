"""The mails of a visitor's registration the users service took: WordPress's ``wp_new_user_notification``.

For a ``user.registered`` event with ``origin: users-service`` (a registration WordPress never saw, so
it sent nothing), the extension sends what ``register_new_user`` would have: the admin's "New User
Registration" and the user's "Login Details" (``new_user``). The set-password key is the users
service's to make (WordPress's database holds its hash): ``POST <users_url>/internal/users/{id}/
set-password-key`` with the bearer ``users_token``. Users WordPress created (no ``origin``) get their
mails from WordPress itself (``wp-admin/user-new.php`` decides whether to send them): never twice.

* **409** (the legacy sync has not written the user into WordPress yet), **503**, a network error: the
  handler raises :class:`KeyNotReadyError`, the runner retries with the extension's backoff; after its
  last attempt the event is a dead letter, as any extension failure. **401**, **404**, anything else:
  :class:`KeyRefusedError` (retried too: a token or a user fixed by an operator in the meantime counts).
* **Once per event**: the runner skips an event id it handled; a crash after the mails and before
  that bookkeeping sends them again with a new key (which replaces the first: its link stops working,
  as after a second ``get_password_reset_key``).
* **Not last year's users**: a registration older than ``registration_mail_max_age_s`` (default one day,
  WordPress's password-reset expiration) is not mailed: the users topic read from its beginning (an
  upgrade that adds this subscription to a deployment whose extension had positions) mails nobody.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Protocol

import httpx

from extracted.contracts import CloudEvent
from extracted.runtime.mail import Mail

from .facts import SiteReader
from .new_user import MailSite, new_user_mails

__all__ = [
    "ORIGIN",
    "KeyClient",
    "KeyIssuer",
    "KeyNotReadyError",
    "KeyRefusedError",
    "SetPasswordKey",
    "is_service_registration",
    "mails_for_registration",
]

#: ``user.registered``'s ``origin`` for a registration the users service took
ORIGIN = "users-service"
DEFAULT_MAX_AGE_S = 86_400.0
#: answers that a later try may turn into a key
_TRANSIENT = frozenset({409, 502, 503, 504})


class KeyNotReadyError(Exception):
    """The users service has no key for the user yet (409: not in WordPress yet), or cannot be reached."""


class KeyRefusedError(Exception):
    """The users service refused (401: the token; 404: no such registration of its): a misconfiguration."""


SetPasswordKey = Mapping[str, Any]


class KeyIssuer(Protocol):
    """Where a key comes from (:class:`KeyClient`: the users service)."""

    def issue(self, user_id: int) -> SetPasswordKey: ...


class KeyClient:
    """``POST /internal/users/{id}/set-password-key`` of the users service (``settings``: ``users_url``,
    ``users_token``)."""

    def __init__(self, users_url: str, token: str, *, timeout_s: float = 10.0) -> None:
        self.users_url, self.token, self.timeout_s = users_url.rstrip("/"), token, timeout_s

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> KeyClient:
        url = settings.get("users_url")
        if not isinstance(url, str) or not url:
            raise KeyRefusedError("site-emails has no users_url in its settings: no set-password key for the mail")
        return cls(url, str(settings.get("users_token") or ""))

    def issue(self, user_id: int) -> SetPasswordKey:
        url = f"{self.users_url}/internal/users/{user_id}/set-password-key"
        try:
            answer = httpx.post(url, headers={"authorization": f"Bearer {self.token}"}, timeout=self.timeout_s)
        except httpx.HTTPError as error:
            raise KeyNotReadyError(f"the users service is unreachable: {type(error).__name__}: {error}") from error
        if answer.status_code == 200:
            found: SetPasswordKey = answer.json()
            return found
        detail = answer.text[:300]
        if answer.status_code in _TRANSIENT:
            raise KeyNotReadyError(f"no set-password key for user {user_id} yet ({answer.status_code}): {detail}")
        raise KeyRefusedError(f"the users service refused a set-password key for user {user_id} "
                              f"({answer.status_code}): {detail}")  # fmt: skip


def _site(view: SiteReader) -> MailSite:
    def text(name: str, default: str = "") -> str:
        value = view.option(name)
        return default if value is None else value

    home = text("home", "http://localhost")
    return MailSite(blogname=text("blogname"), siteurl=text("siteurl", home), home=home,
                    admin_email=text("admin_email"), charset=text("blog_charset", "UTF-8") or "UTF-8")  # fmt: skip


def _age_s(event: CloudEvent, now: datetime) -> float:
    return (now - datetime.fromisoformat(event.time.replace("Z", "+00:00"))).total_seconds()


def is_service_registration(event: CloudEvent) -> bool:
    return event.type == "user.registered" and event.data.get("origin") == ORIGIN


def mails_for_registration(
    event: CloudEvent,
    site: SiteReader,
    settings: Mapping[str, Any],
    keys: KeyIssuer | None = None,
    *,
    now: datetime | None = None,
) -> list[Mail]:
    """WordPress's two mails for a registration the users service took (none for another event, or one
    older than ``registration_mail_max_age_s``); asks ``keys`` (default: from ``settings``) for the key."""
    if not is_service_registration(event):
        return []
    max_age = float(settings.get("registration_mail_max_age_s", DEFAULT_MAX_AGE_S))
    if _age_s(event, now or datetime.now(UTC)) > max_age:
        return []
    issued = (keys or KeyClient.from_settings(settings)).issue(int(event.data["id"]))
    return new_user_mails(_site(site), str(issued["user_login"]), str(issued["user_email"]), str(issued["key"]),
                          https=bool(issued["https"]))  # fmt: skip
