"""Request arguments checked and converted as WordPress's REST server does (``has_valid_params`` then
``sanitize_params`` with ``rest_validate_value_from_schema``), with its exact error messages.

Arguments with a ``validate_callback`` (``page``, ``per_page``, ``search``) are checked first, in
registration order; if any fails, only those errors are reported. The others are checked while being
sanitized, in the order they appear in the query string.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .errors import RestError, invalid_params
from .phpquery import INTEGER_KEY, QueryValue
from .text import sanitize_text_field

NUMERIC = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*")
DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}(?::\d{2})?)?")
Value = Any


@dataclass(frozen=True)
class Arg:
    name: str
    type: str  # integer | string | boolean | array | terms (a term list or a term query object)
    items: str = ""  # type of array items
    enum: tuple[str, ...] = ()
    item_enum: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    date_time: bool = False
    default: Value = None
    checked_first: bool = False  # has a validate_callback: checked before sanitizing
    sanitize: Callable[[Value], Value] | None = None
    hierarchical: bool = True  # terms: whether include_children is accepted
    with_operator: bool = False  # terms: whether operator is accepted


class Invalid(Exception):  # noqa: N818 - internal signal, mapped to RestError
    def __init__(self, code: str, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code, self.message, self.data = code, message, data


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


def _scalar(kind: str, value: QueryValue, name: str, enum: tuple[str, ...], arg: Arg) -> Value:
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


def _array(arg: Arg, value: QueryValue, name: str) -> list[Value]:
    items = parse_list(value)
    if items is None:
        raise Invalid("rest_invalid_type", f"{name} is not of type array.", {"param": name})
    return [_scalar(arg.items, item, f"{name}[{index}]", arg.item_enum, arg) for index, item in enumerate(items)]


def _terms(arg: Arg, value: QueryValue, name: str) -> dict[str, Value]:
    """The taxonomy filter: a list of term ids, or ``{terms, include_children, operator}``."""
    listed = parse_list(value)
    if listed is not None:
        try:
            terms = _array(Arg(name, "array", items="integer"), value, name)
        except Invalid as error:
            reason = f"{name} is not a valid Term ID List. Reason: {error.message}"
            raise Invalid("rest_no_matching_schema", reason, {"position": 0}) from error
        return {"terms": terms, "include_children": False, "operator": "OR", "listed": True}
    assert isinstance(value, dict)
    allowed = {"terms"}
    allowed |= {"include_children"} if arg.hierarchical else set()
    allowed |= {"operator"} if arg.with_operator else set()
    try:
        for key in value:
            if key not in allowed:
                raise Invalid("rest_additional_properties_forbidden", f"{key} is not a valid property of Object.")
        query = Arg(name, "array", items="integer")
        terms = _array(query, value["terms"], f"{name}[terms]") if "terms" in value else []
        children = value.get("include_children", "0")
        children = _scalar("boolean", children, f"{name}[include_children]", (), arg)
        operator = _scalar("string", value.get("operator", "OR"), f"{name}[operator]", ("AND", "OR"), arg)
    except Invalid as error:
        reason = f"{name} is not a valid Term ID Taxonomy Query. Reason: {error.message}"
        raise Invalid("rest_no_matching_schema", reason, {"position": 1}) from error
    return {"terms": terms, "include_children": bool(children), "operator": operator}


def check(arg: Arg, value: QueryValue) -> Value:
    """``rest_validate_value_from_schema`` then ``rest_sanitize_value_from_schema`` of one argument."""
    if arg.type == "array":
        return _array(arg, value, arg.name)
    if arg.type == "terms":
        return _terms(arg, value, arg.name)
    if arg.type == "status":  # ``sanitize_post_statuses``: anonymous visitors may only ask for the default
        statuses = parse_list(value) or []
        if any(status != "publish" for status in statuses):
            raise RestError("rest_forbidden_status", "Status is forbidden.", 401)
        return statuses
    checked = _scalar(arg.type, value, arg.name, arg.enum, arg)
    return arg.sanitize(checked) if arg.sanitize else checked


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
                check(arg, query[arg.name])
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
            values[name] = check(arg, raw)
        except Invalid as error:
            params[name], details[name] = error.message, _detail(error)
        except RestError as error:  # a sanitize callback's own error (e.g. a forbidden status)
            params[name] = error.message
            details[name] = {"code": error.code, "message": error.message, "data": {"status": error.status}}
    if params:
        raise invalid_params(params, details)
    return values


def sanitize_key(value: Value) -> str:
    return re.sub(r"[^a-z0-9_\-]", "", str(value).lower())


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


def _php_value(value: Value) -> QueryValue:
    if isinstance(value, dict):
        if value.get("listed"):
            return _php_value(value["terms"])
        return {str(k): _php_value(v) for k, v in value.items() if k != "listed"}
    if isinstance(value, list):
        return {str(index): _php_value(item) for index, item in enumerate(value)}
    if isinstance(value, bool):
        return "1" if value else ""
    return str(value)


def sanitized_query(
    args: Sequence[Arg], query: Mapping[str, QueryValue], values: Mapping[str, Value]
) -> dict[str, QueryValue]:
    """The query as ``$request->get_query_params()`` holds it after sanitizing (pagination links use it)."""
    known = {arg.name for arg in args}
    return {name: _php_value(values[name]) if name in known else raw for name, raw in query.items()}


def parse_checked(
    args: Sequence[Arg], query: Mapping[str, QueryValue], permitted: Callable[[], bool]
) -> dict[str, Value]:
    """:func:`parse_args`; an invalid-parameter error carries ``Allow`` only if the permission check passes."""
    try:
        return parse_args(args, query)
    except RestError as error:
        error.permission = not permitted()
        raise
