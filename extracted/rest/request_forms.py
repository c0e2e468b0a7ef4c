"""Forms of request a service declines instead of guessing (pure).

``Origin`` only adds WordPress's CORS headers (:func:`cors_headers`), unless it is one that WordPress
rewrites. WordPress reads some other parts of a request specially before any route runs: ``_jsonp``
wraps the answer in a callback (or refuses the name), ``_method`` and ``X-HTTP-Method-Override`` change
the method (``HEAD`` drops the body, 4xx answers get no-cache headers), and PHP sees invalid UTF-8 and NUL bytes
as bytes where our decoding would not. Rather than answer those almost right, the service answers
503 with ``X-Strangler-Unavailable: request <kind>`` and the proxy serves WordPress's answer. Each
kind is rare on real traffic; the dashboard counts them, so a kind that turns out common is visible.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import unquote_to_bytes

from .errors import UnsupportedRequestError

#: ``_method`` values that leave a GET a GET (WordPress upper-cases the value)
_SAME_METHOD = frozenset({"GET"})


#: an ``Origin`` that WordPress's ``esc_url_raw`` leaves as it is; anything else it rewrites
_PLAIN_ORIGIN = re.compile(r"(?:https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?|null)")


def cors_headers(origin: str | None) -> list[tuple[str, str]]:
    """``rest_send_cors_headers``: with an ``Origin``, WordPress allows it, with credentials."""
    if not origin:
        return []
    return [
        ("Access-Control-Allow-Origin", origin),
        ("Access-Control-Allow-Methods", "OPTIONS, GET, POST, PUT, PATCH, DELETE"),
        ("Access-Control-Allow-Credentials", "true"),
    ]


def _query_bytes(query_string: str) -> list[tuple[bytes, bytes]]:
    pairs = []
    for pair in query_string.split("&"):
        key, _, value = pair.partition("=")
        pairs.append((unquote_to_bytes(key.replace("+", " ")), unquote_to_bytes(value.replace("+", " "))))
    return pairs


def _declined_kind(raw_path: bytes, query_string: str, headers: Mapping[str, str]) -> tuple[str, str] | None:
    """(kind, detail) of a form of request the service does not reproduce, or None."""
    if b"%00" in raw_path or b"\x00" in raw_path:
        return "nul-byte", "a NUL byte in the path (nginx refuses it before WordPress)"
    origin = headers.get("origin")
    if origin and not _PLAIN_ORIGIN.fullmatch(origin):
        return "origin", "an Origin that WordPress's esc_url_raw would rewrite"
    if "x-http-method-override" in headers:
        return "method-override", "X-HTTP-Method-Override changes how WordPress answers"
    for key, value in _query_bytes(query_string):
        name = key.split(b"[", 1)[0]
        if name == b"_jsonp":
            return "jsonp", "a JSONP callback (_jsonp)"
        if name == b"_method" and (key != name or value.upper().decode("latin-1") not in _SAME_METHOD):
            return "method-override", f"_method={value.decode('latin-1')[:20]}"
        try:
            key.decode("utf-8")
            value.decode("utf-8")
        except UnicodeDecodeError:
            return "invalid-utf8", f"the query parameter {name.decode('latin-1')[:40]!r}"
    return None


def unsupported_form(
    raw_path: bytes, query_string: str, headers: Mapping[str, str], *, service: str
) -> UnsupportedRequestError | None:
    """The reason this request is not ``service``'s to answer, or ``None``."""
    declined = _declined_kind(raw_path, query_string, headers)
    return UnsupportedRequestError(*declined, service=service) if declined else None
