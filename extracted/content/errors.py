"""The service's exception tree: a :class:`RestError` is a WordPress ``WP_Error`` answered as JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class ContentError(Exception):
    """Base of the content service's errors."""


class ConfigurationError(ContentError):
    """The service was started with unusable settings."""


@dataclass
class RestError(ContentError):
    """An error answer: ``{"code", "message", "data": {"status", ...}}`` with that HTTP status."""

    code: str
    message: str
    status: int
    extra: dict[str, Any] = field(default_factory=dict)
    #: raised by a permission check (WordPress then sends no ``Allow`` header)
    permission: bool = False

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "data": {"status": self.status, **self.extra}}


def no_route() -> RestError:
    return RestError("rest_no_route", "No route was found matching the URL and request method.", 404)


def invalid_params(params: dict[str, str], details: dict[str, Any]) -> RestError:
    message = "Invalid parameter(s): " + ", ".join(params)
    return RestError("rest_invalid_param", message, 400, {"params": params, "details": details})


def denied(code: str, message: str, status: int = 401) -> RestError:
    """An error of a permission check."""
    return RestError(code, message, status, permission=True)


class ServiceUnavailableError(ContentError):
    """The service cannot give WordPress's answer to this request: it answers 503 with
    ``X-Strangler-Unavailable: <unavailable>`` (never enveloped or wrapped), and the proxy serves
    WordPress's answer instead of a guess."""

    #: the ``X-Strangler-Unavailable`` value: what the service does not do (``post 12``, ``request nul-byte``)
    unavailable: str

    def body(self) -> dict[str, Any]:
        return {"code": "strangler_content_unavailable", "message": str(self), "data": {"status": 503}}


class ContentUnavailableError(ServiceUnavailableError):
    """A post of the response cannot be rendered here as WordPress renders it (the formatting library
    raised ``UnsupportedContentError`` or ``WordPressFatalError``, or failed)."""

    def __init__(self, post_id: int, reason: str) -> None:
        super().__init__(f"post {post_id} cannot be rendered by the content service: {reason}")
        self.post_id = post_id
        self.reason = reason
        self.unavailable = f"post {post_id}"


class UnsupportedRequestError(ServiceUnavailableError):
    """A form of request (a URL, a parameter's bytes, a query or header WordPress reads specially) that
    the service does not reproduce exactly; ``kind`` is a short stable name (``nul-byte``, ``jsonp``...)."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"the content service does not answer this form of request ({kind}): {detail}")
        self.kind = kind
        self.unavailable = f"request {kind}"
