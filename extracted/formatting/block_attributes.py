"""A block's attributes as its render callback gets them: checked against its block type's schema.

WordPress (``WP_Block_Type::prepare_attributes_for_render``) drops every attribute whose value does not
match its declared schema (``rest_validate_value_from_schema``: a number where a string is declared, a
count beyond its maximum, a value outside its enum...), then adds the declared defaults of the attributes
missing. Attributes the type does not declare stay as they are.

The schemas (block_attributes.json) are the registered attributes of the block types whose attributes
are read here, in WordPress 6.1: their block.json ``attributes`` and those their supports register
(``align``, ``className``, ``style``...), with the keywords that validate a value.
"""

from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Callable, Mapping
from importlib.resources import files
from typing import Any

from .phpdata import INTEGER_KEY, php_int, php_numeric, php_string

# An attribute's schema: "type" (a name or a list of names), "default", "enum", "minimum", "maximum",
# "exclusiveMinimum", "exclusiveMaximum", "items".
Schema = Mapping[str, Any]
SCHEMAS: dict[str, dict[str, Schema]] = json.loads(files(__package__).joinpath("block_attributes.json").read_text())

BOOLEAN_STRINGS = frozenset({"false", "true", "0", "1"})
# ``wp_parse_list``'s separators (PCRE's ``\s`` without the u flag, and commas).
LIST_SEPARATORS = re.compile(r"[ \t\n\x0b\x0c\r,]+")
PHP_INT_MIN, PHP_INT_MAX = -(2**63), 2**63 - 1


def prepared_attributes(name: str | None, attrs: Any) -> dict[str, Any]:
    """The attributes WordPress renders a block of type ``name`` with (a new dict)."""
    given: dict[str, Any] = attrs if isinstance(attrs, dict) else {}
    schemas = SCHEMAS.get(name or "")
    if schemas is None:  # a type whose attributes are not read here, or no registered type at all
        return dict(given)
    prepared = {key: value for key, value in given.items() if key not in schemas or matches(value, schemas[key])}
    for key, schema in schemas.items():
        if key not in prepared and "default" in schema:
            default = schema["default"]  # a list or object is the render's own (renderers may change it)
            prepared[key] = copy.deepcopy(default) if isinstance(default, dict | list) else default
    return prepared


def matches(value: Any, schema: Schema) -> bool:
    """Whether ``rest_validate_value_from_schema`` accepts the value."""
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = _best_type(value, kind)
        if kind is None:
            return False
    check = TYPE_CHECKS.get(kind) if isinstance(kind, str) else None
    if check is not None and not check(value, schema):
        return False
    return not schema.get("enum") or any(_equal(_sanitized(value, kind), option) for option in schema["enum"])


def _is_boolean(value: Any) -> bool:
    """``rest_is_boolean``: true, false, 0, 1 and their strings."""
    if isinstance(value, bool):
        return True
    if isinstance(value, str):
        return value.lower() in BOOLEAN_STRINGS
    return isinstance(value, int) and value in (0, 1)


def _is_integer_key(key: str) -> bool:
    """Whether PHP turns this key of a JSON object into an integer key."""
    return INTEGER_KEY.fullmatch(key) is not None and PHP_INT_MIN <= int(key) <= PHP_INT_MAX


def _list_items(value: Any) -> list[Any] | None:
    """``rest_sanitize_array``'s items of an array-like value (a scalar is a comma or space separated
    list), None if it is not array-like (``rest_is_array``: an object only with integer keys)."""
    if isinstance(value, bool | int | float | str):
        return [item for item in LIST_SEPARATORS.split(php_string(value)) if item]
    if isinstance(value, list):
        return value
    if isinstance(value, dict) and all(_is_integer_key(key) for key in value):
        return list(value.values())
    return None


def _is_object(value: Any) -> bool:
    """``rest_is_object``: any JSON object or array, and the empty string."""
    return isinstance(value, dict | list) or value == ""


def _as_float(value: Any) -> float:
    """PHP's ``(float)`` of a number or numeric string."""
    return float(value.strip() if isinstance(value, str) else value)


def _is_integer(value: Any) -> bool:
    """``rest_is_integer``: numeric with no fractional part (``1.0``, ``"5"``, ``1e15``, infinity)."""
    if not php_numeric(value):
        return False
    number = _as_float(value)
    return math.isinf(number) or number.is_integer()


def _in_bounds(value: Any, schema: Schema) -> bool:
    number = _as_float(value)
    if "minimum" in schema:
        low = schema["minimum"]
        if number < low or (schema.get("exclusiveMinimum") and number == low):
            return False
    if "maximum" in schema:
        high = schema["maximum"]
        if number > high or (schema.get("exclusiveMaximum") and number == high):
            return False
    return True


def _valid_array(value: Any, schema: Schema) -> bool:
    items = _list_items(value)
    if items is None:
        return False
    return "items" not in schema or all(matches(item, schema["items"]) for item in items)


TYPE_CHECKS: dict[str, Callable[[Any, Schema], bool]] = {
    "null": lambda value, _: value is None,
    "boolean": lambda value, _: _is_boolean(value),
    "object": lambda value, _: _is_object(value),
    "array": _valid_array,
    "number": lambda value, schema: php_numeric(value) and _in_bounds(value, schema),
    "integer": lambda value, schema: _is_integer(value) and _in_bounds(value, schema),
    "string": lambda value, _: isinstance(value, str),
}
# ``rest_get_best_type_for_value``: the first declared type a value has, by these tests.
BEST_TYPE_CHECKS: dict[str, Callable[[Any], bool]] = {
    "array": lambda value: _list_items(value) is not None,
    "object": _is_object,
    "integer": _is_integer,
    "number": php_numeric,
    "boolean": _is_boolean,
    "string": lambda value: isinstance(value, str),
    "null": lambda value: value is None,
}


def _best_type(value: Any, kinds: list[Any]) -> str | None:
    """The type a value is validated as under a list of types; None if it has none of them. A type
    WordPress does not know accepts anything (its backward compatibility)."""
    if value == "" and "string" in kinds:
        return "string"
    for kind in kinds:
        check = BEST_TYPE_CHECKS.get(kind) if isinstance(kind, str) else None
        if check is not None and check(value):
            return str(kind)
    unknown = [kind for kind in kinds if kind not in BEST_TYPE_CHECKS]
    return str(unknown[0]) if unknown else None


def _sanitized(value: Any, kind: Any) -> Any:
    """The value as ``rest_sanitize_value_from_schema`` casts it before comparing it with an enum."""
    if kind == "string":
        return php_string(value)
    if kind == "integer":
        return php_int(value)
    if kind == "number":
        return _as_float(value)
    if kind == "boolean":
        return value is True or (isinstance(value, str | int) and php_string(value).lower() in ("true", "1"))
    return value


def _equal(first: Any, second: Any) -> bool:
    """``rest_are_values_equal``: strict equality, except that an integer and a float of the same value
    are equal, and arrays compare item by item."""
    if isinstance(first, dict | list) and isinstance(second, dict | list):
        left, right = _keyed(first), _keyed(second)
        return len(left) == len(right) and all(key in right and _equal(item, right[key]) for key, item in left.items())
    if type(first) is type(second):
        return bool(first == second)
    return {type(first), type(second)} == {int, float} and float(first) == float(second)


def _keyed(array: dict[str, Any] | list[Any]) -> dict[str, Any]:
    return {str(key): item for key, item in (array.items() if isinstance(array, dict) else enumerate(array))}
