"""The proxy's exception tree; foreign exceptions are mapped into it at the boundaries."""

from __future__ import annotations


class ProxyError(Exception):
    """Base of every error raised by the proxy package."""


class RouteConfigError(ProxyError):
    """The route table is invalid; names the file, line and field at fault."""

    def __init__(self, file: str, line: int | None, field: str, message: str) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.message = message
        where = f"{file}:{line}" if line is not None else file
        super().__init__(f"{where}: {field}: {message}")


class UpstreamError(ProxyError):
    """Forwarding to an upstream (WordPress or a service) failed."""

    #: False only when provably none of the request reached the upstream, so it cannot have acted on
    #: it: only then may a request that is not safe be sent elsewhere (a write is never done twice)
    request_sent: bool = True


class UpstreamConnectError(UpstreamError):
    """The upstream could not be reached, or dropped the connection (refused, reset, DNS...)."""


class UpstreamNotSentError(UpstreamConnectError):
    """Nothing of the request was sent: no connection could be established (refused, unreachable, DNS,
    TLS handshake), or the connection was gone before the request's first byte was written."""

    request_sent = False


class UpstreamTimeoutError(UpstreamError):
    """The upstream did not answer (headers) within the route's timeout."""


class UpstreamConnectTimeoutError(UpstreamTimeoutError):
    """No connection could be established within the timeout: nothing of the request was sent."""

    request_sent = False


class StoreError(ProxyError):
    """The comparison store could not be read or written."""


class AdminClientError(ProxyError):
    """The admin API answered with an error."""

    def __init__(self, status: int, detail: str) -> None:
        self.status = status
        self.detail = detail
        super().__init__(f"admin API error {status}: {detail}")
