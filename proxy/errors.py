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


class UpstreamConnectError(UpstreamError):
    """The upstream could not be reached (refused, reset, DNS...)."""


class UpstreamTimeoutError(UpstreamError):
    """The upstream did not answer (headers) within the route's timeout."""


class StoreError(ProxyError):
    """The comparison store could not be read or written."""


class AdminClientError(ProxyError):
    """The admin API answered with an error."""

    def __init__(self, status: int, detail: str) -> None:
        self.status = status
        self.detail = detail
        super().__init__(f"admin API error {status}: {detail}")
