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


def _nesting(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_nesting(item) for item in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_nesting(item) for item in value), default=0)
    return 0


def _has_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return _SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(_has_surrogate(key) or _has_surrogate(item) for key, item in value.items())
    return isinstance(value, list) and any(_has_surrogate(item) for item in value)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def php_json_decode(body: bytes) -> Any:
    """``json_decode($body, true)``: the value, or the :class:`JsonError` PHP reports."""
    text = body.decode("utf-8", "surrogateescape")
    bad_bytes, escapes = _BAD_BYTE.search(text) is not None, _SURROGATE_ESCAPE.search(text) is not None
    # where PHP's scanner may stop at another problem than Python's parser
    uncertain = bad_bytes or escapes or _CONTROL.search(text) is not None
    uncertain = uncertain or text.count("[") + text.count("{") > MAX_JSON_NESTING
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        if uncertain:
            raise _decline("request json", "an invalid JSON body whose first error PHP may read otherwise") from None
        return CONTROL_CHARACTER if error.msg.startswith("Invalid control character") else SYNTAX
    except ValueError:  # NaN or Infinity, not JSON to PHP either; or an integer too long for Python
        if uncertain or ("Infinity" not in text and "NaN" not in text):
            raise _decline("request json", "a JSON body Python cannot read as PHP does") from None
        return SYNTAX
    except RecursionError:
        raise _decline("request json", "a JSON body nested deeper than Python reads") from None
    if bad_bytes and escapes:
        raise _decline("request json", "malformed UTF-8 and surrogate escapes: PHP reports the first")
    found = ((MALFORMED_UTF8, bad_bytes), (TOO_DEEP, _nesting(value) > MAX_JSON_NESTING),
             (UNPAIRED_SURROGATE, not bad_bytes and _has_surrogate(value)))  # fmt: skip
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
    if _has_surrogate(values):  # percent-decoded bytes that are not UTF-8 (surrogateescape)
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
    if "rest_route" in form:
        raise _decline("request body", "rest_route in the body (WordPress's parse_request reads it)")
    if any(name in query and query[name] != value for name, value in form.items()):
        raise _decline("request body", "a variable in the body and the query (parse_request may refuse it)")
    return form


def sources_of(request: WriteRequest, query: Query, url_params: dict[str, Any],
               defaults: dict[str, Any]) -> Sources | JsonError:  # fmt: skip
    """The request's parameters by source, in ``get_parameter_order``'s order; a JSON body's error
    (``has_valid_params`` reports it before anything else)."""
    if len(request.body) > MAX_BODY:
        raise _decline("request body", f"a body over {MAX_BODY} bytes")
    sources: Sources = []
    if json_content(request.content_type):
        decoded = php_json_decode(request.body) if request.body not in (b"", b"0") else None
        if isinstance(decoded, JsonError):
            return decoded
        sources.append(("JSON", decoded if isinstance(decoded, dict) else {}))
    form = _post_form(request, query)
    if request.method != "POST" and request.body not in (b"", b"0"):
        media = _media_type(request.content_type)
        if media is None or media == "application/x-www-form-urlencoded":
            form = _form(request.body)  # parse_body_params
    sources += [("POST", form), ("GET", dict(query)), ("URL", url_params), ("defaults", defaults)]
    return sources
