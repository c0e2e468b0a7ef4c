"""Request sanity checks on top of httptools (which already refuses CL+TE, duplicate or malformed
Content-Length, bad chunking, bare CR/LF, obs-fold, NUL and invalid header names): what it lets
through but RFC 9112 says to refuse, so ambiguous requests are never forwarded."""

from __future__ import annotations

import re

from proxy.types import RawHeaders

_HOST = re.compile(rb"^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~%!$&'()*+,;=-]+)(?::[0-9]{1,5})?$")
_FORBIDDEN_IN_VALUE = re.compile(rb"[\x00\r\n]")
_TOKEN = re.compile(rb"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


def request_problem(http_version: str, headers: RawHeaders) -> str | None:
    """Why the request must be refused with 400, or None."""
    hosts = [value for name, value in headers if name.lower() == b"host"]
    if len(hosts) > 1:
        return "more than one Host header"
    if not hosts and http_version != "1.0":
        return "missing Host header"
    if hosts and not _HOST.match(hosts[0]):
        return "invalid Host header"
    names = {name.lower() for name, _ in headers}
    if b"content-length" in names and b"transfer-encoding" in names:
        return "both Content-Length and Transfer-Encoding"
    if any(_FORBIDDEN_IN_VALUE.search(value) for _, value in headers):
        return "control character in a header value"
    if not all(_TOKEN.match(name) for name, _ in headers):
        return "invalid header name"
    codings = [value.strip().lower() for name, value in headers if name.lower() == b"transfer-encoding"]
    if codings and codings != [b"chunked"]:
        return "unsupported Transfer-Encoding (only chunked is accepted)"
    return None
