"""When a request may be sent a second time: pure rules behind "a write is never done twice".

Shared by the app's fallback to WordPress, the shadow's noise sampling (WordPress asked twice) and the
upstream transport's retry of a pooled connection the upstream closed. A request may be repeated only
when the first upstream cannot have acted on it: nothing of it was sent, the upstream said so
(503 + ``X-Strangler-Unavailable``), or every method WordPress might act on is safe.
"""

from __future__ import annotations

from proxy.errors import UpstreamConnectError, UpstreamError, UpstreamTimeoutError
from proxy.headers import get_header
from proxy.routing import effective_methods
from proxy.types import SAFE_METHODS, RawHeaders

UNAVAILABLE_HEADER = b"x-strangler-unavailable"
"""On a 503 from a service: "I did not act on this request, ask WordPress" (the services' contract)."""

# Fallback reasons (counted per route: `strangler_proxy_fallbacks_total{reason}`).
CONNECT = "connect"  # no connection to the service: nothing was sent
CONNECT_TIMEOUT = "connect_timeout"  # no connection within the route's timeout: nothing was sent
UNAVAILABLE = "unavailable"  # the service declined: 503 + X-Strangler-Unavailable
TIMEOUT = "timeout"  # the request was sent, no answer in time
RESET = "reset"  # the request was sent, the connection was lost before the answer's headers
ERROR = "error"  # the request was sent, the answer was not HTTP the proxy can relay
SERVER_ERROR = "5xx"  # a 5xx answer
BROKEN = "broken"  # the answer's body failed before it was complete (read ahead, nothing sent yet)

#: reasons after which the service cannot have acted on the request, whatever its method
NOT_ACTED = frozenset({CONNECT, CONNECT_TIMEOUT, UNAVAILABLE})


def is_safe(method: str, query_string: str, headers: RawHeaders) -> bool:
    """Every method WordPress might act on (real, ``?_method=``, ``X-HTTP-Method-Override``) is safe."""
    return all(m in SAFE_METHODS for m in effective_methods(method, query_string, headers))


def failure_reason(error: UpstreamError) -> str:
    """The fallback reason for a service that gave no answer."""
    if isinstance(error, UpstreamTimeoutError):
        return TIMEOUT if error.request_sent else CONNECT_TIMEOUT
    if not error.request_sent:
        return CONNECT
    return RESET if isinstance(error, UpstreamConnectError) else ERROR


def answer_reason(status: int, headers: RawHeaders) -> str | None:
    """The fallback reason for a service's answer; None for an answer that is not a failure (< 500)."""
    if status < 500:
        return None
    if status == 503 and get_header(headers, UNAVAILABLE_HEADER) is not None:
        return UNAVAILABLE
    return SERVER_ERROR


def may_replay(reason: str, safe: bool) -> bool:
    """Whether WordPress may answer instead after this failure: the service cannot have acted on the
    request, or the request is safe (asking twice changes nothing)."""
    return safe or reason in NOT_ACTED
