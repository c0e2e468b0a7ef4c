"""Request arguments checked and converted as WordPress's REST server does (``has_valid_params`` then
``sanitize_params`` with ``rest_validate_value_from_schema``), with its exact error messages.

Arguments with a ``validate_callback`` (``page``, ``per_page``, ``search``) are checked first, in
registration order; if any fails, only those errors are reported. The others are checked while being
sanitized, in the order they appear in the query string.

An :class:`Arg` knows the schema types ``integer``, ``boolean``, ``string`` and ``array``; a service
adds a schema of its own (an object, a ``oneOf``) by subclassing it and overriding :meth:`Arg.check`
(with :func:`check_scalar`, :func:`check_array` and :class:`Invalid`) and :meth:`Arg.query_value`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .errors import RestError, invalid_params
from .phpquery import INTEGER_KEY
from .text import sanitize_text_field
from .types import QueryValue

NUMERIC = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*")
DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}(?::\d{2})?)?")
Value = Any


class Invalid(Exception):  # noqa: N818 - internal signal, mapped to RestError
    """One argument's validation error (``WP_Error`` of ``rest_validate_value_from_schema``)."""

    def __init__(self, code: str, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code, self.message, self.data = code, message, data


@dataclass(frozen=True)
class Arg:
    """One registered argument and its schema."""

    name: str
    type: str  # integer | string | boolean | array (a subclass may know more)
    items: str = ""  # type of array items
    enum: tuple[str, ...] = ()
    item_enum: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    date_time: bool = False
    default: Value = None
    checked_first: bool = False  # has a validate_callback: checked before sanitizing
    sanitize: Callable[[Value], Value] | None = None

    def check(self, value: QueryValue) -> Value:
        """``rest_validate_value_from_schema`` then ``rest_sanitize_value_from_schema`` of this argument;
        raises :class:`Invalid` (or a :class:`RestError` of a sanitize callback)."""
        if self.type == "array":
            return check_array(self, value, self.name)
        checked = check_scalar(self.type, value, self.name, self.enum, self)
        return self.sanitize(checked) if self.sanitize else checked

    def query_value(self, checked: Value) -> QueryValue:
        """The checked value as ``$request->get_query_params()`` holds it after sanitizing."""
        return php_query_value(checked)


def php_query_value(value: Value) -> QueryValue:
    """A checked value as PHP holds it in the request: lists as arrays, booleans as ``"1"``/``""``."""
    if isinstance(value, dict):
        return {str(k): php_query_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return {str(index): php_query_value(item) for index, item in enumerate(value)}
    if isinstance(value, bool):
        return "1" if value else ""
    return str(value)


def php_list(items: Sequence[str], conjunction: str = "and") -> str:
    """``wp_sprintf('%l')``: "a", "a and b", "a, b, and c"."""
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} {conjunction} {items[1]}"
    return ", ".join(items[:-1]) + f", {conjunction} " + items[-1]


def parse_list(value: QueryValue) -> list[QueryValue] | None:
    """``rest_sanitize_array`` as far as checking goes: None when the value is not a list."""
    if isinstance(value, str):
        return [part for part in re.split(r"[\s,]+", value) if part]
    if all(INTEGER_KEY.fullmatch(key) for key in value):
        return list(value.values())
    return None


def is_integer(value: QueryValue) -> bool:
    if not isinstance(value, str) or not NUMERIC.fullmatch(value):
        return False
    number = float(value)
    return number == round(number)


def to_int(value: Value) -> int:
    return int(float(value)) if isinstance(value, str) else int(value)


def is_boolean(value: QueryValue) -> bool:
    return isinstance(value, str) and value.lower() in ("true", "false", "0", "1")


def to_bool(value: Value) -> bool:
    return value.lower() not in ("false", "0", "") if isinstance(value, str) else bool(value)


def parse_date(value: str) -> datetime | None:
    """A ``date-time`` argument as ``rest_parse_date`` accepts it (RFC 3339, ``T`` or a space), or None."""
    if not DATE_TIME.fullmatch(value):
        return None
    try:
        return datetime.fromisoformat(value.replace("t", "T").replace("z", "Z"))
    except ValueError:
        return None


def _bounds(arg: Arg, name: str, number: int) -> None:
    low, high = arg.minimum, arg.maximum
    if low is not None and high is not None and not low <= number <= high:
        raise Invalid("rest_out_of_bounds", f"{name} must be between {low} (inclusive) and {high} (inclusive)")
    if low is not None and high is None and number < low:
        raise Invalid("rest_out_of_bounds", f"{name} must be greater than or equal to {low}")
    if high is not None and low is None and number > high:
        raise Invalid("rest_out_of_bounds", f"{name} must be less than or equal to {high}")


def check_scalar(kind: str, value: QueryValue, name: str, enum: tuple[str, ...], arg: Arg) -> Value:
    """One ``integer`` (within ``arg``'s bounds), ``boolean`` or ``string`` value (in ``enum``, a
    ``date-time`` if ``arg`` says so) named ``name`` in error messages."""
    if kind == "integer":
        if not is_integer(value):
            raise Invalid("rest_invalid_type", f"{name} is not of type integer.", {"param": name})
        number = to_int(value)
        _bounds(arg, name, number)
        return number
    if kind == "boolean":
        if not is_boolean(value):
            raise Invalid("rest_invalid_type", f"{name} is not of type boolean.", {"param": name})
        return to_bool(value)
    if not isinstance(value, str):
        raise Invalid("rest_invalid_type", f"{name} is not of type string.", {"param": name})
    if enum and value not in enum:
        if len(enum) == 1:
            raise Invalid("rest_not_in_enum", f"{name} is not {enum[0]}.")
        raise Invalid("rest_not_in_enum", f"{name} is not one of {php_list(list(enum))}.")
    if arg.date_time and parse_date(value) is None:
        raise Invalid("rest_invalid_date", "Invalid date.")
    return value


def check_array(arg: Arg, value: QueryValue, name: str) -> list[Value]:
    """A list of ``arg.items`` values (each in ``arg.item_enum``), items named ``name[i]`` in errors."""
    items = parse_list(value)
    if items is None:
        raise Invalid("rest_invalid_type", f"{name} is not of type array.", {"param": name})
    return [check_scalar(arg.items, item, f"{name}[{index}]", arg.item_enum, arg) for index, item in enumerate(items)]


def _detail(error: Invalid) -> dict[str, Any]:
    return {"code": error.code, "message": error.message, "data": error.data}


def parse_args(args: Sequence[Arg], query: Mapping[str, QueryValue]) -> dict[str, Value]:
    """The request's arguments, checked and converted, with defaults; raises :class:`RestError`."""
    params: dict[str, str] = {}
    details: dict[str, Any] = {}
    by_name = {arg.name: arg for arg in args}
    for arg in args:
        if arg.checked_first and arg.name in query:
            try:
                arg.check(query[arg.name])
            except Invalid as error:
                params[arg.name], details[arg.name] = error.message, _detail(error)
    if params:
        raise invalid_params(params, details)
    values: dict[str, Value] = {arg.name: arg.default for arg in args}
    for name, raw in query.items():
        if name not in by_name:
            continue
        arg = by_name[name]
        try:
            values[name] = arg.check(raw)
        except Invalid as error:
            params[name], details[name] = error.message, _detail(error)
        except RestError as error:  # a sanitize callback's own error (e.g. a forbidden status)
            params[name] = error.message
            details[name] = {"code": error.code, "message": error.message, "data": {"status": error.status}}
    if params:
        raise invalid_params(params, details)
    return values


def sanitize_key(value: Value) -> str:
    """``sanitize_key``: lowercase letters, digits, ``_`` and ``-``."""
    return re.sub(r"[^a-z0-9_\-]", "", str(value).lower())


#: the ``context`` argument of every route
CONTEXT = Arg("context", "string", enum=("view", "embed", "edit"), default="view", checked_first=True,
              sanitize=sanitize_key)  # fmt: skip


def _absint(value: Value) -> int:
    return abs(to_int(value))


def base_args() -> list[Arg]:
    """``WP_REST_Controller::get_collection_params``: context, page, per_page, search."""
    return [
        CONTEXT,
        Arg("page", "integer", minimum=1, default=1, checked_first=True, sanitize=_absint),
        Arg("per_page", "integer", minimum=1, maximum=100, default=10, checked_first=True, sanitize=_absint),
        Arg("search", "string", checked_first=True, sanitize=sanitize_text_field),
    ]


def sanitized_query(
    args: Sequence[Arg], query: Mapping[str, QueryValue], values: Mapping[str, Value]
) -> dict[str, QueryValue]:
    """The query as ``$request->get_query_params()`` holds it after sanitizing (pagination links use it)."""
    by_name = {arg.name: arg for arg in args}
    return {name: by_name[name].query_value(values[name]) if name in by_name else raw for name, raw in query.items()}


def parse_checked(
    args: Sequence[Arg], query: Mapping[str, QueryValue], permitted: Callable[[], bool]
) -> dict[str, Value]:
    """:func:`parse_args`; an invalid-parameter error carries ``Allow`` only if the permission check passes."""
    try:
        return parse_args(args, query)
    except RestError as error:
        error.permission = not permitted()
        raise
