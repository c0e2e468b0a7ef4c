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


class ContentUnavailableError(ContentError):
    """A post of the response cannot be rendered here as WordPress renders it (the formatting library
    raised ``UnsupportedContentError`` or ``WordPressFatalError``, or failed). The service answers 503
    with ``X-Strangler-Unavailable``, so that the proxy serves WordPress's answer instead."""

    def __init__(self, post_id: int, reason: str) -> None:
        super().__init__(f"post {post_id} cannot be rendered by the content service: {reason}")
        self.post_id = post_id
        self.reason = reason

    def body(self) -> dict[str, Any]:
        return {"code": "strangler_content_unavailable", "message": str(self), "data": {"status": 503}}
