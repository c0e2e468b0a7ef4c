"""Pure header rewriting between the visitor and the upstreams (RFC 9110 section 7.6.1)."""

from __future__ import annotations

import re
from http.cookies import CookieError, SimpleCookie

from proxy.types import DRY_RUN_HEADER, SORT_KEYS_HEADER, RawHeaders

HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"proxy-connection",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
    }
)
CREDENTIAL_HEADERS = frozenset({b"cookie", b"authorization"})
# Set by the proxy only: a visitor's own would let anyone make a service skip a real write (dry run),
# or claim a forwarding chain the proxy did not see; the sort keys are for the proxy's comparison only.
_PROXY_SET = (b"x-forwarded-proto", b"x-forwarded-host", DRY_RUN_HEADER, SORT_KEYS_HEADER)


def _connection_tokens(headers: RawHeaders) -> frozenset[bytes]:
    tokens: set[bytes] = set()
    for name, value in headers:
        if name.lower() == b"connection":
            tokens.update(t.strip().lower() for t in value.split(b",") if t.strip())
    return frozenset(tokens)


def strip_hop_by_hop(headers: RawHeaders) -> RawHeaders:
    """Drops hop-by-hop headers and any header the Connection header nominates."""
    drop = HOP_BY_HOP | _connection_tokens(headers)
    return [(n, v) for n, v in headers if n.lower() not in drop]


def get_header(headers: RawHeaders, name: bytes) -> bytes | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def has_body(headers: RawHeaders) -> bool:
    """The request carries a body: chunked, or a Content-Length other than 0."""
    length = get_header(headers, b"content-length")
    chunked = get_header(headers, b"transfer-encoding") is not None
    return chunked or (length is not None and length.strip() not in (b"", b"0"))


FORM_MEDIA_TYPE = b"application/x-www-form-urlencoded"
_MEDIA_TYPE_END = re.compile(rb"[;, ]")


def is_form(headers: RawHeaders) -> bool:
    """Exactly one Content-Type, and PHP's SAPI reads it as a urlencoded form: lowercased, cut at the first
    ``;``, ``,`` or space (``main/SAPI.c``). Nothing else is stripped, so what this calls a form PHP does too."""
    values = [value for key, value in headers if key.lower() == b"content-type"]
    return len(values) == 1 and _MEDIA_TYPE_END.split(values[0], maxsplit=1)[0].lower() == FORM_MEDIA_TYPE


def upstream_request_headers(
    headers: RawHeaders, client_ip: str | None, scheme: str, strip_credentials: bool = False
) -> RawHeaders:
    """Visitor headers as sent upstream: Host kept, X-Forwarded-For appended, -Proto/-Host set; the
    visitor's own ``X-Strangler-Dry-Run`` dropped (only the proxy sends it, on dry-run shadow copies)."""
    out: RawHeaders = []
    forwarded_for: bytes | None = None
    host: bytes | None = None
    for name, value in strip_hop_by_hop(headers):
        lower = name.lower()
        if lower == b"x-forwarded-for":
            forwarded_for = value if forwarded_for is None else forwarded_for + b", " + value
            continue
        if lower in _PROXY_SET:
            continue
        if strip_credentials and lower in CREDENTIAL_HEADERS:
            continue
        if lower == b"host":
            host = value
        out.append((name, value))
    if client_ip:
        ip = client_ip.encode("latin-1")
        forwarded_for = ip if forwarded_for is None else forwarded_for + b", " + ip
    if forwarded_for is not None:
        out.append((b"x-forwarded-for", forwarded_for))
    out.append((b"x-forwarded-proto", scheme.encode("latin-1")))
    if host is not None:
        out.append((b"x-forwarded-host", host))
    return out


def downstream_response_headers(headers: RawHeaders) -> RawHeaders:
    """Upstream response headers as sent to the visitor; repeats (Set-Cookie) preserved; a service's
    statement of its sort keys (for the proxy's comparison only) dropped."""
    return [(n, v) for n, v in strip_hop_by_hop(headers) if n.lower() != SORT_KEYS_HEADER]


def read_cookie(headers: RawHeaders, cookie_name: str) -> str | None:
    for name, value in headers:
        if name.lower() != b"cookie":
            continue
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(value.decode("latin-1"))
        except CookieError:
            continue
        if cookie_name in jar:
            return jar[cookie_name].value
    return None
