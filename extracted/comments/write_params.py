"""A write request's parameters (``POST``, ``PUT``, ``PATCH``, ``DELETE`` to the comments routes) as
WordPress 6.1's REST server holds them (pure).

``WP_REST_Request`` keeps its parameters by source and reads them in ``get_parameter_order``'s order:
the JSON body (with a JSON content type, ``wp_is_json_media_type``), the form body (PHP's ``$_POST``
of a ``POST``; for the other methods ``parse_body_params`` reads a body without a content type or with
a form one), the query, the route's URL parameters, the endpoint's defaults. A JSON ``null`` is no
value (``isset``), and a JSON body that is not an object gives none.

PHP's ``json_decode`` errors (``rest_invalid_json``) are reproduced where they are certain: a syntax
error, a control character or malformed UTF-8 in an otherwise parsed body, an unpaired surrogate
escape, nesting past 511 levels. A body where PHP's scanner may meet another problem first is declined,
as are the forms WordPress reads otherwise than this module: multipart, bodies over
:data:`MAX_BODY`, more input variables or deeper arrays than PHP keeps, invalid UTF-8 in a form, and a
form whose variables WordPress's ``parse_request`` would refuse or reroute (``rest_route``, a name also
in the query).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from extracted.rest import Query, ServiceUnavailableError, parse_str

from .comment_args import SERVICE

__all__ = ["MAX_BODY", "JsonError", "Sources", "WriteRequest", "json_content", "php_json_decode", "sources_of"]

#: bodies above this are declined (a comment's REST body is a few kB; nginx takes up to 64 MB)
MAX_BODY = 1024 * 1024
#: PHP's ``max_input_vars`` and ``max_input_nesting_level``: beyond them PHP drops variables
MAX_INPUT_VARS, MAX_INPUT_NESTING = 1000, 64
#: ``json_decode``'s depth (512): containers nested deeper than 511 are an error
MAX_JSON_NESTING = 511
#: the sources of a request's parameters in WordPress's order, each name -> PHP value
Sources = list[tuple[str, dict[str, Any]]]

_JSON_MEDIA_TYPE = re.compile(r"(^|\s|,)application/([\w!#$&-^.+]+\+)?json(\+oembed)?($|\s|;|,)", re.I | re.A)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_BAD_BYTE = re.compile(r"[\udc80-\udcff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_PHP_TRIM = " \t\n\r\0\x0b"
#: ``WP::$public_query_vars`` after the ``query_vars`` filter, stock WordPress 6.1 with its default post
#: types and taxonomies: ``parse_request`` refuses a request whose query and form disagree on one
PUBLIC_QUERY_VARS = frozenset({
    "m", "p", "posts", "w", "cat", "withcomments", "withoutcomments", "s", "search", "exact", "sentence", "calendar",
    "page", "paged", "more", "tb", "pb", "author", "order", "orderby", "year", "monthnum", "day", "hour", "minute",
    "second", "name", "category_name", "tag", "feed", "author_name", "pagename", "page_id", "error", "attachment",
    "attachment_id", "subpost", "subpost_id", "preview", "robots", "favicon", "taxonomy", "term", "cpage", "post_type",
    "embed", "post_format", "rest_route", "sitemap", "sitemap-subtype", "sitemap-stylesheet",
})  # fmt: skip


def _decline(what: str, why: str) -> ServiceUnavailableError:
    return ServiceUnavailableError(why, service=SERVICE, unavailable=what)


@dataclass(frozen=True)
class WriteRequest:
    """What WordPress reads of a write request: the method (upper-case), the REST route, the raw query
    string, the body and the ``Content-Type`` header."""

    method: str
    route: str
    query: str = ""
    body: bytes = b""
    content_type: str | None = None


@dataclass(frozen=True)
class JsonError:
    """``json_last_error()`` and its message after a failed ``json_decode``."""

    code: int
    message: str


SYNTAX = JsonError(4, "Syntax error")
CONTROL_CHARACTER = JsonError(3, "Control character error, possibly incorrectly encoded")
MALFORMED_UTF8 = JsonError(5, "Malformed UTF-8 characters, possibly incorrectly encoded")
UNPAIRED_SURROGATE = JsonError(10, "Single unpaired UTF-16 surrogate in unicode escape")
TOO_DEEP = JsonError(1, "Maximum stack depth exceeded")


def _media_type(header: str | None) -> str | None:
    """``WP_REST_Request::get_content_type()['value']``: lower-cased, before a ``;``, trimmed."""
    if not header or header == "0":
        return None
    value = header.split(";", 1)[0] if header.find(";") > 0 else header
    value = value.translate({code: code + 32 for code in range(ord("A"), ord("Z") + 1)})
    return value.strip(_PHP_TRIM) if "/" in value else None


def json_content(header: str | None) -> bool:
    """``is_json_content_type``."""
    value = _media_type(header)
    return value is not None and _JSON_MEDIA_TYPE.search(value) is not None


def _sapi_type(header: str | None) -> str:
    """The media type PHP's SAPI compares to decide on ``$_POST``: lower-cased up to ``;``, ``,`` or a space."""
    return re.split(r"[;, ]", header or "", maxsplit=1)[0].lower()


def _walk(value: Any) -> tuple[int, list[str]]:
    """A decoded JSON value's container nesting and its strings (keys too), without recursing."""
    deepest, strings = 0, list[str]()
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            strings += item.keys()
            stack += ((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack += ((child, depth + 1) for child in item)
        elif isinstance(item, str):
            strings.append(item)
        deepest = max(deepest, depth + isinstance(item, dict | list))
    return deepest, strings


def _has_surrogate(strings: list[str]) -> bool:
    return any(_SURROGATE.search(text) for text in strings)


def _risky(text: str) -> bool:
    """Text where PHP's scanner may report another problem than Python's parser: bytes that are not
    UTF-8, surrogate escapes, control characters, nesting that may reach PHP's limit."""
    return (_BAD_BYTE.search(text) is not None or _SURROGATE_ESCAPE.search(text) is not None
            or _CONTROL.search(text) is not None or text.count("[") + text.count("{") > MAX_JSON_NESTING)  # fmt: skip


def _failure(text: str, error: json.JSONDecodeError) -> JsonError:
    """What PHP reports of a body Python's parser stopped in at ``error.pos`` (what precedes it parsed)."""
    if _risky(text[: error.pos]):
        raise _decline("request json", "an invalid JSON body whose first error PHP may read otherwise")
    if error.msg.startswith("Invalid control character"):
        return CONTROL_CHARACTER
    if error.msg.startswith("Unterminated string") and _BAD_BYTE.search(text, error.pos):
        raise _decline("request json", "an unterminated string with bytes that are not UTF-8")
    here = text[error.pos : error.pos + 1]
    if here and _CONTROL.fullmatch(here):
        return CONTROL_CHARACTER
    return MALFORMED_UTF8 if here and _BAD_BYTE.fullmatch(here) else SYNTAX


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def php_json_decode(body: bytes) -> Any:
    """``json_decode($body, true)``: the value, or the :class:`JsonError` PHP reports."""
    text = body.decode("utf-8", "surrogateescape")
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        return _failure(text, error)
    except ValueError:  # NaN or Infinity, not JSON to PHP either; or an integer too long for Python
        if _risky(text) or ("Infinity" not in text and "NaN" not in text):
            raise _decline("request json", "a JSON body Python cannot read as PHP does") from None
        return SYNTAX
    except RecursionError:
        raise _decline("request json", "a JSON body nested deeper than Python reads") from None
    bad_bytes, escapes = _BAD_BYTE.search(text) is not None, _SURROGATE_ESCAPE.search(text) is not None
    if bad_bytes and escapes:
        raise _decline("request json", "malformed UTF-8 and surrogate escapes: PHP reports the first")
    depth, strings = _walk(value)
    found = ((MALFORMED_UTF8, bad_bytes), (TOO_DEEP, depth > MAX_JSON_NESTING),
             (UNPAIRED_SURROGATE, not bad_bytes and _has_surrogate(strings)))  # fmt: skip
    problems = [problem for problem, present in found if present]
    if len(problems) > 1:
        raise _decline("request json", "a JSON body with several problems PHP may report in another order")
    return problems[0] if problems else value


def _form(body: bytes) -> Query:
    """``parse_str`` of a form body (raw bytes as PHP reads them), declined where PHP would drop variables."""
    text = "".join(chr(byte) if byte < 0x80 else f"%{byte:02X}" for byte in body)
    pairs = [pair for pair in text.split("&") if pair]
    if len(pairs) > MAX_INPUT_VARS or any(pair.split("=", 1)[0].count("[") > MAX_INPUT_NESTING for pair in pairs):
        raise _decline("request body", "more input variables or deeper arrays than PHP keeps")
    values = parse_str(text)
    if _has_surrogate(_walk(values)[1]):  # percent-decoded bytes that are not UTF-8 (surrogateescape)
        raise _decline("request invalid-utf8", "a form body that is not UTF-8")
    return values


def _post_form(request: WriteRequest, query: Query) -> Query:
    """PHP's ``$_POST`` (a ``POST``'s form body), refused where ``WP::parse_request`` reads it too."""
    kind = _sapi_type(request.content_type)
    if request.method != "POST" or not request.body or kind not in (
        "application/x-www-form-urlencoded", "multipart/form-data"):  # fmt: skip
        return {}
    if kind == "multipart/form-data":
        raise _decline("request body", "a multipart body")
    form = _form(request.body)
    if "_wpnonce" in form:
        raise _decline("request nonce", "a nonce (WordPress checks it for the visitor)")
    if "rest_route" in form and not (_identical(form["rest_route"], query.get("rest_route"))):
        raise _decline("request body", "rest_route in the body (WordPress's parse_request routes by it)")
    if any(name in query and not _identical(query[name], form[name]) for name in PUBLIC_QUERY_VARS & form.keys()):
        raise _decline("request body", "a query variable the body disagrees on (parse_request refuses it)")
    return form


def _identical(left: Any, right: Any) -> bool:
    """PHP's ``===`` of two request values (arrays: the same keys in the same order, identical values)."""
    if isinstance(left, dict) and isinstance(right, dict):
        return list(left) == list(right) and all(_identical(left[key], right[key]) for key in left)
    return type(left) is type(right) and left == right


def sources_of(request: WriteRequest, query: Query, url_params: dict[str, Any],
               defaults: dict[str, Any]) -> tuple[Sources, JsonError | None]:  # fmt: skip
    """The request's parameters by source, in ``get_parameter_order``'s order, and a JSON body's error
    (``has_valid_params`` reports it first; the parameters then have no JSON source)."""
    if len(request.body) > MAX_BODY:
        raise _decline("request body", f"a body over {MAX_BODY} bytes")
    if "_wpnonce" in query:
        raise _decline("request nonce", "a nonce (WordPress checks it for the visitor)")
    sources: Sources = []
    error: JsonError | None = None
    if json_content(request.content_type):
        decoded = php_json_decode(request.body) if request.body not in (b"", b"0") else None
        if isinstance(decoded, JsonError):
            error = decoded
        else:
            sources.append(("JSON", decoded if isinstance(decoded, dict) else {}))
    form = _post_form(request, query)
    if request.method != "POST" and request.body not in (b"", b"0"):
        media = _media_type(request.content_type)
        if media is None or media == "application/x-www-form-urlencoded":
            form = _form(request.body)  # parse_body_params
    sources += [("POST", form), ("GET", dict(query)), ("URL", url_params), ("defaults", defaults)]
    return sources, error
