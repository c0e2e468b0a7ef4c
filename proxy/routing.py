"""Pure routing: path normalisation, pattern matching, effective method and the per-request decision."""

from __future__ import annotations

import functools
import hashlib
import re
from urllib.parse import parse_qsl, unquote

from proxy.headers import get_header, read_cookie
from proxy.types import Decision, KeptReason, Mode, RawHeaders, Route, RouteTable, Target
from proxy.visitor import classify

_SEGMENT_PARAM = re.compile(r"^\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::(?P<kind>int|slug|any))?\}$")
_KIND_REGEX = {"int": r"[0-9]+", "slug": r"[A-Za-z0-9_.~-]+", "any": r"[^/]+"}
CANARY_BUCKETS = 10_000
_SLASHES = re.compile(r"/{2,}")


def normalize_path(raw_path: str) -> str:
    """Decoded path with duplicate and trailing slashes removed: `/a//b/%7Ex/` -> `/a/b/~x`."""
    path = unquote(raw_path, errors="replace") if "%" in raw_path else raw_path
    if "//" in path:
        path = _SLASHES.sub("/", path)
    if not path.startswith("/"):
        path = "/" + path
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    return path


def route_path(raw_path: str, query_string: str) -> str:
    """The path a route matches: WordPress's `/?rest_route=/wp/v2/x` is the same as `/wp-json/wp/v2/x`."""
    path = normalize_path(raw_path)
    if path in ("/", "/index.php") and "rest_route" in query_string:
        for key, value in parse_qsl(query_string, keep_blank_values=True):
            if key == "rest_route":
                return normalize_path("/wp-json/" + value.lstrip("/"))
    return path


@functools.lru_cache(maxsize=1024)
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """`/wp-json/wp/v2/posts/{id:int}`, `*` = one segment, trailing `**` = any rest (also none)."""
    segments = [s for s in normalize_path(pattern).split("/") if s]
    parts: list[str] = []
    for index, segment in enumerate(segments):
        if segment == "**":
            if index != len(segments) - 1:
                raise ValueError("'**' is only allowed as the last segment")
            parts.append(r"(?:/.*)?")
            continue
        if segment == "*":
            parts.append(r"/[^/]+")
            continue
        param = _SEGMENT_PARAM.match(segment)
        if param:
            parts.append(f"/(?P<{param['name']}>{_KIND_REGEX[param['kind'] or 'any']})")
        elif "{" in segment or "}" in segment:
            raise ValueError(f"bad segment {segment!r}: use {{name}} or {{name:int|slug|any}}")
        else:
            parts.append("/" + re.escape(segment))
    return re.compile("^" + ("".join(parts) or "/") + "$")


def effective_methods(method: str, query_string: str, headers: RawHeaders) -> tuple[str, ...]:
    """Every method WordPress might act on: the real one, `?_method=` and `X-HTTP-Method-Override`.

    The first element is the method WordPress's REST server will use (`_method` wins over the header).
    """
    overrides: list[str] = []
    if "_method" in query_string:  # parse_qsl per request only when it can matter
        for key, value in parse_qsl(query_string, keep_blank_values=True):
            if key == "_method":
                overrides.append(value.upper())
    header = get_header(headers, b"x-http-method-override")
    if header is not None:
        overrides.append(header.decode("latin-1").strip().upper())
    return (*overrides, method.upper()) if overrides else (method.upper(),)


def canary_bucket(visitor_id: str) -> float:
    """Stable percentile in [0, 100) of a visitor; the same visitor stays in the canary as it grows."""
    digest = hashlib.sha256(b"strangler-canary:" + visitor_id.encode("utf-8")).digest()
    return (int.from_bytes(digest[:8], "big") % CANARY_BUCKETS) * 100 / CANARY_BUCKETS


def match_route(table: RouteTable, path: str, method: str) -> Route | None:
    """Highest priority route whose pattern and methods match; ties go to the earlier route in the file."""
    best: Route | None = None
    for route in table.routes:
        if method not in route.methods or (best is not None and route.priority <= best.priority):
            continue
        if any(pattern.match(path) for pattern in _patterns(route.paths)):
            best = route
    return best


@functools.lru_cache(maxsize=1024)
def _patterns(paths: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(compile_pattern(p) for p in paths)


def url_form_kept(raw_path: str, query_string: str, method: str, methods: tuple[str, ...]) -> bool:
    """A form of the URL that a service is not known to read as WordPress does, so WordPress answers:
    a percent-encoded, doubled-slash or dot-segment path (matched only after normalising), a repeated
    ``rest_route`` (PHP keeps the last), or a method override that differs from the real method
    (``?_method=``, ``X-HTTP-Method-Override``)."""
    return (
        "%" in raw_path
        or "//" in raw_path
        or "/." in raw_path
        or query_string.count("rest_route=") > 1
        or any(m != method.upper() for m in methods)
    )


def decide(
    table: RouteTable,
    method: str,
    raw_path: str,
    query_string: str,
    headers: RawHeaders,
    *,
    new_visitor_id: str,
    sample_roll: float,
) -> Decision:
    """Routing decision for one request. `new_visitor_id` is used when the visitor has no canary
    cookie yet; `sample_roll` in [0, 100) decides shadow sampling. Both are inputs to keep this pure.

    Who is asking comes first: a personal request (`proxy.visitor.classify`) goes to WordPress, without a
    shadow copy, on every route whose service does not declare its classes (`Route.personal`)."""
    methods = effective_methods(method, query_string, headers)
    if not table.routes:
        return Decision(None, Target.LEGACY, method=methods[0])
    personal = classify(headers, query_string)
    route = match_route(table, route_path(raw_path, query_string), methods[0])
    if route is None or route.mode is Mode.LEGACY:
        return Decision(route, Target.LEGACY, personal=personal, method=methods[0])
    kept = (
        KeptReason.PERSONAL
        if not personal <= route.personal
        else KeptReason.URL_FORM
        if url_form_kept(raw_path, query_string, method, methods)
        else None
    )
    if kept is not None:
        return Decision(route, Target.LEGACY, personal=personal, kept=kept, method=methods[0])
    if route.mode is Mode.CUTOVER:
        return Decision(route, Target.SERVICE, personal=personal, method=methods[0])
    set_cookie: str | None = None
    if route.mode is Mode.CANARY:
        visitor = read_cookie(headers, table.canary_cookie)
        if visitor is None:
            visitor = set_cookie = new_visitor_id
        if canary_bucket(visitor) < route.canary_percent:
            return Decision(route, Target.SERVICE, set_visitor_cookie=set_cookie, personal=personal, method=methods[0])
    shadow = sample_roll < route.shadow.sample_percent and all(m in route.shadow.methods for m in methods)
    return Decision(
        route, Target.LEGACY, shadow=shadow, set_visitor_cookie=set_cookie, personal=personal, method=methods[0]
    )
