"""Pure HTTP/1.1 client-side framing for the upstream transport: origins, request heads, chunks.

No I/O here: `proxy.upstream` writes what these functions build."""

from __future__ import annotations

import functools
import http
from dataclasses import dataclass

from proxy.errors import UpstreamError
from proxy.types import RawHeaders

# Framing headers the transport sets itself from the body it actually sends.
_FRAMING = frozenset({b"content-length", b"transfer-encoding"})
_NO_BODY_STATUSES = frozenset({204, 304})


@dataclass(frozen=True)
class Origin:
    scheme: str
    host: str
    port: int
    netloc: str  # for a Host header when the caller sends none


@functools.lru_cache(maxsize=256)
def parse_origin(origin: str) -> Origin:
    """`http://host:port` (no path) → Origin; the few distinct upstreams make caching worthwhile."""
    scheme, sep, netloc = origin.partition("://")
    if not sep or scheme not in ("http", "https") or not netloc:
        raise UpstreamError(f"unsupported upstream URL {origin!r}: expected http(s)://host[:port]")
    if netloc.startswith("["):  # IPv6 literal
        host, _, rest = netloc[1:].partition("]")
        port_text = rest[1:] if rest.startswith(":") else ""
    else:
        host, _, port_text = netloc.partition(":")
    try:
        port = int(port_text) if port_text else (443 if scheme == "https" else 80)
    except ValueError:
        raise UpstreamError(f"bad port in upstream URL {origin!r}") from None
    return Origin(scheme, host, port, netloc)


def split_url(url: str) -> tuple[Origin, str]:
    """Absolute URL → (origin, request target as given, already percent-encoded)."""
    start = url.find("//") + 2
    slash = url.find("/", start)
    if slash < 0:
        return parse_origin(url), "/"
    return parse_origin(url[:slash]), url[slash:]


def request_head(
    method: str, target: str, headers: RawHeaders, origin: Origin, *, content_length: int | None, chunked: bool
) -> bytes:
    """The request line and headers, with framing set from the body actually sent."""
    parts = [f"{method} {target} HTTP/1.1\r\n".encode("latin-1")]
    has_host = False
    for name, value in headers:
        lower = name.lower()
        if lower in _FRAMING:
            continue
        if lower == b"host":
            has_host = True
        parts += (name, b": ", value, b"\r\n")
    if not has_host:
        parts.append(b"host: " + origin.netloc.encode("latin-1") + b"\r\n")
    if content_length is not None:
        parts.append(b"content-length: %d\r\n" % content_length)
    elif chunked:
        parts.append(b"transfer-encoding: chunked\r\n")
    parts.append(b"\r\n")
    return b"".join(parts)


def chunk(data: bytes) -> bytes:
    """One chunk of a chunked request body (never empty: that would end the body)."""
    return b"%x\r\n%b\r\n" % (len(data), data)


LAST_CHUNK = b"0\r\n\r\n"


def response_has_body(method: str, status: int) -> bool:
    """RFC 9112 section 6.3: HEAD answers, 1xx, 204 and 304 end with their headers."""
    return method != "HEAD" and status >= 200 and status not in _NO_BODY_STATUSES


def declared_length(headers: RawHeaders) -> tuple[bool, bool]:
    """(has Content-Length, is chunked): without either, the body runs until the connection closes."""
    has_length = chunked = False
    for name, value in headers:
        lower = name.lower()
        if lower == b"content-length":
            has_length = True
        elif lower == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    return has_length, chunked


@functools.cache
def status_line(status: int) -> bytes:
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    return f"HTTP/1.1 {status} {phrase}\r\n".encode("latin-1")


def response_head(status: int, headers: RawHeaders, extra: list[bytes]) -> bytes:
    """Status line, headers as given (repeats kept), then `extra` complete header lines."""
    parts = [status_line(status)]
    for name, value in headers:
        parts += (name, b": ", value, b"\r\n")
    parts += extra
    parts.append(b"\r\n")
    return b"".join(parts)
