"""Pure routing: path normalisation, pattern matching, query arguments, effective method and the
per-request decision."""

from __future__ import annotations

import functools
import hashlib
import re
from urllib.parse import parse_qsl, unquote

from proxy.arguments import Arguments, request_arguments
from proxy.headers import get_header, has_body, is_form, read_cookie
from proxy.types import Decision, KeptReason, Mode, QueryRule, RawHeaders, Route, RouteTable, Target
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


class RequestArguments:
    """``$_REQUEST`` of one request (``proxy.arguments``), parsed only once a route with ``query`` needs it.

    A body is read as PHP reads it only when PHP does: the method is exactly ``POST`` and the body is a
    urlencoded form, handed over whole (``form_body``). Any other body (multipart, JSON, another method,
    too big to read ahead) might be read by WordPress or a service in a way the proxy does not model, so
    the arguments are then not known and no route with ``query`` matches."""

    def __init__(self, method: str, query_string: str, headers: RawHeaders, form_body: bytes | None) -> None:
        self._method, self._query, self._headers, self._form = method, query_string, headers, form_body

    @functools.cached_property
    def parsed(self) -> Arguments | None:
        query = self._query.encode("latin-1")
        if not has_body(self._headers):
            return request_arguments(query, None)
        if self._form is None or self._method != "POST" or not is_form(self._headers):
            return None
        return request_arguments(query, self._form)


def query_matches(rule: QueryRule, arguments: Arguments | None) -> bool:
    """Every argument of the rule has exactly its value (a string, never an array), or is absent when
    the rule says None; unknown arguments (None) match nothing."""
    if arguments is None:
        return False
    for name, expected in rule:
        argument = arguments.get(name.encode("utf-8"))
        if expected is None:
            if argument is not None:
                return False
        elif argument is None or argument.value != expected.encode("utf-8"):
            return False
    return True


def query_form_kept(rule: QueryRule, arguments: Arguments | None) -> bool:
    """An argument the route matched on came in a form a service may read otherwise than PHP: given more
    than once (PHP keeps the last; in the URL and the body, PHP takes the body's) or spelled other than
    plainly (``%61ction``, ``+action``, ``action%00x``)."""
    if arguments is None:
        return True
    for name, expected in rule:
        if expected is not None:
            plain = name.encode("utf-8")
            argument = arguments.get(plain)
            if argument is None or argument.raw_names != (plain,):
                return True
    return False


def match_route(table: RouteTable, path: str, method: str, arguments: RequestArguments | None = None) -> Route | None:
    """Highest priority route whose pattern, methods and ``query`` match; ties go to the earlier route in the
    file. Without ``arguments`` no route with ``query`` matches."""
    best: Route | None = None
    for route in table.routes:
        if method not in route.methods or (best is not None and route.priority <= best.priority):
            continue
        if any(pattern.match(path) for pattern in _patterns(route.paths)) and (
            not route.query or (arguments is not None and query_matches(route.query, arguments.parsed))
        ):
            best = route
    return best


def needs_form_body(table: RouteTable, method: str, raw_path: str, query_string: str, headers: RawHeaders) -> bool:
    """Whether ``decide`` needs the request's body: a urlencoded ``POST`` form whose path and method a route
    with ``query`` matches (PHP's ``$_REQUEST`` takes the body's arguments over the URL's)."""
    if not table.has_query_routes or method != "POST" or not has_body(headers) or not is_form(headers):
        return False
    effective = effective_methods(method, query_string, headers)[0]
    path = route_path(raw_path, query_string)
    return any(
        route.query and effective in route.methods and any(p.match(path) for p in _patterns(route.paths))
        for route in table.routes
    )


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
    form_body: bytes | None = None,
) -> Decision:
    """Routing decision for one request. `new_visitor_id` is used when the visitor has no canary
    cookie yet; `sample_roll` in [0, 100) decides shadow sampling. Both are inputs to keep this pure.
    `form_body`: the whole body, when `needs_form_body` asked for it (routes with `query`).

    Who is asking comes first: a personal request (`proxy.visitor.classify`) goes to WordPress, without a
    shadow copy, on every route whose service does not declare its classes (`Route.personal`)."""
    methods = effective_methods(method, query_string, headers)
    if not table.routes:
        return Decision(None, Target.LEGACY, method=methods[0])
    personal = classify(headers, query_string)
    arguments = RequestArguments(method, query_string, headers, form_body)
    route = match_route(table, route_path(raw_path, query_string), methods[0], arguments)
    if route is None or route.mode is Mode.LEGACY:
        return Decision(route, Target.LEGACY, personal=personal, method=methods[0])
    kept = (
        KeptReason.PERSONAL
        if not personal <= route.personal
        else KeptReason.URL_FORM
        if url_form_kept(raw_path, query_string, method, methods)
        or (route.query and query_form_kept(route.query, arguments.parsed))
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
