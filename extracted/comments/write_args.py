"""The comments routes' write arguments as WordPress 6.1 registers them, checked as its REST server
checks them (pure): ``has_valid_params`` then ``sanitize_params``.

``get_endpoint_args_for_item_schema`` makes an argument of each writable schema property (the
``creatable`` ones with the schema's defaults, ``parent`` and ``post`` 0), in the schema's order, each
with ``rest_validate_request_arg`` unless the property says otherwise: ``author_email`` is checked
only while sanitized (``check_comment_author_email``: ``is_email`` of a non-empty value), ``content``
not at all, ``meta`` by ``check_meta_is_array`` ("Invalid parameter.", without details). The routes'
own arguments (``id``; ``force`` and ``password`` of a delete) have no validate callback: they are
checked while sanitized (``rest_parse_request_arg``).

``has_valid_params`` checks each argument's first value (in the sources' order, :mod:`.write_params`)
and reports every invalid one; if none is, ``sanitize_params`` sanitizes *every* source's value of
each argument, in source then appearance order. The values are PHP's: strings and arrays of a form,
or a JSON body's numbers, booleans, nulls and lists. The answer also needs what the permission checks
read after this (:class:`Checked`): every value sanitized where it was, raw where it was not.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from extracted.formatting.phpdata import PHP_NUMERIC_PREFIX
from extracted.formatting.sanitize import is_email
from extracted.rest import RestError, ServiceUnavailableError, invalid_params, sanitize_key

from .comment_args import SERVICE
from .dates import RFC3339, Unmodelled, php_date_time
from .write_params import Sources

__all__ = ["Checked", "Unclamped", "WriteArg", "check_params", "creatable_args", "deletable_args", "editable_args",
           "php_int_cast"]  # fmt: skip

_NUMERIC = re.compile(r"[ \t\n\r\x0b\x0c]*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[ \t\n\r\x0b\x0c]*")
_IPV4 = re.compile(r"(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\n?")
_IPV4_PART = re.compile(r"0|[1-9][0-9]{0,2}")
_HEX = frozenset("0123456789abcdefABCDEF")
_INTEGER = re.compile(r"[ \t\n\r\x0b\x0c]*[+-]?[0-9]+")
_INT64 = 2**63


class Problem(Exception):  # noqa: N818 - an argument's WP_Error, mapped to rest_invalid_param
    """One argument's error: its message, and its ``details`` entry (None when a callback said ``false``)."""

    def __init__(self, message: str, code: str | None = None, data: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = None if code is None else {"code": code, "message": message, "data": data}


def _decline(what: str, why: str) -> ServiceUnavailableError:
    return ServiceUnavailableError(why, service=SERVICE, unavailable=what)


def _not_of_type(name: str, kind: str) -> Problem:
    return Problem(f"{name} is not of type {kind}.", "rest_invalid_type", {"param": name})


def php_is_numeric(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and _NUMERIC.fullmatch(value) is not None


def _integer(name: str, value: Any) -> None:
    """``rest_validate_integer_value_from_schema``: numeric, and ``round((float) $v) === (float) $v``."""
    if not php_is_numeric(value):
        raise _not_of_type(name, "integer")
    number = float(value)
    if not (math.isinf(number) or number.is_integer()):
        raise _not_of_type(name, "integer")


def _string(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise _not_of_type(name, "string")
    return value


def _boolean(name: str, value: Any) -> None:
    """``rest_is_boolean``."""
    if isinstance(value, bool):
        return
    if isinstance(value, str) and value.isascii() and value.lower() in ("false", "true", "0", "1"):
        return
    if not (isinstance(value, int) and value in (0, 1)):
        raise _not_of_type(name, "boolean")


def uncompressed_ipv6(ip: str) -> str:
    """``Requests_IPv6::uncompress`` (``str_repeat`` of a negative count is a fatal error in PHP)."""
    if ip.count("::") != 1:
        return ip
    first, second = ip.split("::")
    before = -1 if first == "" else first.count(":")
    after = (-1 if second == "" else second.count(":")) + ("." in second)
    if before == -1 and after == -1:
        return "0:0:0:0:0:0:0:0"
    count = 7 - after if before == -1 else 7 - before if after == -1 else 6 - after - before
    if count < 0:
        raise _decline("author_ip", "an IPv6 address PHP fails on (str_repeat of a negative count)")
    fill = "0:" * count if before == -1 else ":0" * count if after == -1 else ":" + "0:" * count
    return ip.replace("::", fill)


def is_ipv6(ip: str) -> bool:
    """``Requests_IPv6::check_ipv6``."""
    ip = uncompressed_ipv6(ip)
    if "." in ip:
        colon = ip.rfind(":")
        six, four = (ip[:colon], ip[colon + 1 :]) if colon >= 0 else ("", ip[1:])
    else:
        six, four = ip, ""
    groups, octets = six.split(":"), four.split(".")
    if not ((len(groups) == 8 and len(octets) == 1) or (len(groups) == 6 and len(octets) == 4)):
        return False
    for group in groups:
        if group == "" or len(group.encode("utf-8", "surrogateescape")) > 4 or not set(group) <= _HEX:
            return False
    return len(octets) != 4 or all(_IPV4_PART.fullmatch(octet) and int(octet) <= 255 for octet in octets)


def _ip(name: str, value: Any) -> None:
    """A string, and ``rest_is_ip_address`` (PCRE's ``$`` allows a final newline)."""
    text = _string(name, value)
    if not (_IPV4.fullmatch(text) or is_ipv6(text)):
        raise Problem(f"{name} is not a valid IP address.", "rest_invalid_ip")


def _date_time(name: str, value: Any) -> None:
    """A string, and ``rest_parse_date``: its pattern (ASCII digits, an upper-case ``Z``) and ``strtotime``."""
    text = _string(name, value)
    if text.endswith("\n") and RFC3339.fullmatch(text[:-1]):
        raise _decline("date-time", "a date-time with a final newline (PCRE's $ allows it)")
    match = RFC3339.fullmatch(text) if text.isascii() else None
    if match is None or match.group(7) == "z":
        raise Problem("Invalid date.", "rest_invalid_date")
    try:
        moment = php_date_time(text)
    except Unmodelled as error:
        raise _decline("date-time", str(error)) from None
    if moment is None:
        raise Problem("Invalid date.", "rest_invalid_date")


def _meta(name: str, value: Any) -> None:
    """``check_meta_is_array``: ``false`` for anything but an array."""
    if not isinstance(value, dict | list):
        raise Problem("Invalid parameter.")


def php_int_cast(value: Any) -> int:
    """``(int) $value`` of a PHP value; declined outside the 64-bit range (PHP's result there is its own)."""
    if isinstance(value, dict | list):
        return 1 if value else 0
    if isinstance(value, str):
        prefix = PHP_NUMERIC_PREFIX.match(value)
        if prefix is None:
            return 0
        text = prefix.group(0)
        number: int | float = int(text) if _INTEGER.fullmatch(text) else float(text)
    else:
        number = 0 if value is None else value
    if isinstance(number, float) and not math.isfinite(number):
        if not isinstance(value, str):
            return 0  # (int) of INF is 0
        raise _decline("integer", "an integer PHP reads from an infinite number")
    if not -_INT64 <= number < _INT64:
        raise _decline("integer", "an integer outside PHP's range")
    return int(number)


def _php_string(value: Any) -> str:
    """``(string) $value`` as far as emptiness and ``is_email`` can tell (an array is ``"Array"``)."""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float):
        return ("-0" if math.copysign(1, value) < 0 else "0") if value == 0 else repr(value)
    if isinstance(value, dict | list):
        return "Array"
    return "" if value is None else str(value)


def _comment_email(name: str, value: Any) -> str:
    """``check_comment_author_email``: an empty value as it is, else a string that ``is_email``."""
    email = _php_string(value)
    if email in ("", "0") or is_email(email):
        return email
    raise Problem("Invalid email address.", "rest_invalid_email")


def _url(name: str, value: Any) -> Any:
    """``sanitize_url`` of another source's value: an array makes PHP's ``ltrim`` throw."""
    if isinstance(value, dict | list):
        raise _decline("author_url", "an array author_url PHP fails on (sanitize_url)")
    return value


@dataclass(frozen=True)
class Unclamped:
    """A value whose ``(int)`` PHP computes its own way (out of range): declined where it is read."""

    value: Any


Check = Callable[[str, Any], Any]


def _parsed(check: Check, convert: Callable[[Any], Any] = lambda value: value) -> Check:
    """``rest_parse_request_arg``: validated, then sanitized."""

    def parse(name: str, value: Any) -> Any:
        check(name, value)
        return convert(value)

    return parse


@dataclass(frozen=True)
class WriteArg:
    """One argument: its validate callback (``has_valid_params``) and its sanitize callback (either may
    raise :class:`Problem`); a ``None`` callback is skipped. ``sanitize`` returns the sanitized value."""

    name: str
    validate: Check | None
    sanitize: Check | None
    default: Any = None


def _schema_args(*, creatable: bool) -> list[WriteArg]:
    """``get_endpoint_args_for_item_schema``: the writable properties of the comment schema, in order."""

    def keep(name: str, value: Any) -> Any:
        return value

    def integer(name: str, value: Any) -> int | Unclamped:
        try:
            return php_int_cast(value)
        except ServiceUnavailableError:
            return Unclamped(value)  # declined only if a permission check reads it

    def key(name: str, value: Any) -> str:
        return sanitize_key(_php_string(value)) if isinstance(value, str | int | float) else ""

    zero = 0 if creatable else None
    return [
        WriteArg("author", _integer, integer),
        WriteArg("author_email", None, _comment_email),
        WriteArg("author_ip", _ip, keep),
        WriteArg("author_name", _string, keep),
        WriteArg("author_url", _string, _url),
        WriteArg("author_user_agent", _string, keep),
        WriteArg("content", None, None),
        WriteArg("date", _date_time, keep),
        WriteArg("date_gmt", _date_time, keep),
        WriteArg("parent", _integer, integer, zero),
        WriteArg("post", _integer, integer, zero),
        WriteArg("status", _string, key),
        WriteArg("meta", _meta, None),
    ]


_ID = WriteArg("id", None, _parsed(_integer, php_int_cast))


def creatable_args() -> list[WriteArg]:
    """``POST /comments``."""
    return _schema_args(creatable=True)


def editable_args() -> list[WriteArg]:
    """``POST|PUT|PATCH /comments/{id}``: the route's ``id``, then the schema's (without defaults)."""
    return [_ID, *_schema_args(creatable=False)]


def deletable_args() -> list[WriteArg]:
    """``DELETE /comments/{id}``: ``id``, ``force`` (default false), ``password``."""
    return [_ID, WriteArg("force", None, _parsed(_boolean), False), WriteArg("password", None, _parsed(_string))]


def get_param(sources: Sources, name: str) -> Any:
    """``WP_REST_Request::get_param``: the first source that has a (non-null) value."""
    for _, values in sources:
        if values.get(name) is not None:
            return values[name]
    return None


@dataclass(frozen=True)
class Checked:
    """The request after the checks: its sources (sanitized where WordPress sanitized them) and the
    argument error, if any."""

    sources: Sources
    error: RestError | None = None


def _problems(found: dict[str, Problem]) -> RestError:
    params = {name: problem.message for name, problem in found.items()}
    details = {name: problem.detail for name, problem in found.items() if problem.detail is not None}
    return invalid_params(params, details)


def check_params(args: Sequence[WriteArg], sources: Sources) -> Checked:
    """``has_valid_params`` then ``sanitize_params``."""
    found: dict[str, Problem] = {}
    for arg in args:
        value = get_param(sources, arg.name)
        if arg.validate is not None and value is not None:
            try:
                arg.validate(arg.name, value)
            except Problem as problem:
                found[arg.name] = problem
    if found:
        return Checked(sources, _problems(found))
    by_name = {arg.name: arg for arg in args}
    sanitized: Sources = []
    for source, given in sources:
        values = dict(given)
        for name, value in given.items():
            sanitize = by_name[name].sanitize if name in by_name else None
            if sanitize is None:
                continue
            try:
                values[name] = sanitize(name, value)
            except Problem as problem:
                found[name] = problem  # a later source's error keeps the first one's place, as in PHP
        sanitized.append((source, values))
    return Checked(sanitized, _problems(found) if found else None)
