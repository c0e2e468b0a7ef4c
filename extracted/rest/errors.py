"""What a request can end in besides an endpoint's answer.

A :class:`RestError` is a WordPress ``WP_Error``, answered as WordPress answers it (JSON, its status,
``Allow`` unless a permission check raised it). A :class:`ServiceUnavailableError` is the service
declining the whole request: 503 with ``X-Strangler-Unavailable`` (never enveloped), so that the proxy
serves WordPress's answer instead of a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class RestError(Exception):
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
    """``rest_no_route``: no route matches (answered without ``Allow``)."""
    return RestError("rest_no_route", "No route was found matching the URL and request method.", 404)


def invalid_params(params: dict[str, str], details: dict[str, Any]) -> RestError:
    """``rest_invalid_param`` naming each invalid argument, with its error's details."""
    message = "Invalid parameter(s): " + ", ".join(params)
    return RestError("rest_invalid_param", message, 400, {"params": params, "details": details})


def denied(code: str, message: str, status: int = 401) -> RestError:
    """An error of a permission check."""
    return RestError(code, message, status, permission=True)


class ServiceUnavailableError(Exception):
    """The service cannot give WordPress's answer to this request: it answers 503 with
    ``X-Strangler-Unavailable: <unavailable>`` and the JSON body code ``strangler_<service>_unavailable``."""

    def __init__(self, message: str, *, service: str, unavailable: str) -> None:
        super().__init__(message)
        #: the service's name (``content``, ``users``), in the body's code
        self.service = service
        #: the ``X-Strangler-Unavailable`` value: what the service does not do (``post 12``, ``request nul-byte``)
        self.unavailable = unavailable

    def body(self) -> dict[str, Any]:
        return {"code": f"strangler_{self.service}_unavailable", "message": str(self), "data": {"status": 503}}


class UnsupportedRequestError(ServiceUnavailableError):
    """A form of request (a URL, a parameter's bytes, a query or header WordPress reads specially) that
    the service does not reproduce exactly; ``kind`` is a short stable name (``nul-byte``, ``jsonp``...)."""

    def __init__(self, kind: str, detail: str, *, service: str) -> None:
        message = f"the {service} service does not answer this form of request ({kind}): {detail}"
        super().__init__(message, service=service, unavailable=f"request {kind}")
        self.kind = kind
