"""PHP's serialize() and unserialize() for plain data (WordPress stores meta and hashes blocks this way)."""

from __future__ import annotations

import decimal
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

PhpValue = str | int | float | bool | None | dict[object, "PhpValue"]
INTEGER_KEY = re.compile(r"-?[1-9][0-9]*|0")
PHP_PRECISION = 14  # the ``precision`` setting: significant digits of a float converted to a string


class UnserializeError(ValueError):
    """The text is not a PHP-serialized value this reader understands."""


def _digits(number: float, significant: int | None) -> tuple[str, int]:
    """The decimal digits of ``abs(number)`` without trailing zeros, and where the point goes (``0.1`` is
    ``("1", 0)``, ``150.0`` is ``("15", 3)``): the shortest that reads back, or rounded to ``significant``."""
    text = repr(abs(number)) if significant is None else f"{abs(number):.{significant - 1}e}"
    _, digits, exponent = decimal.Decimal(text).normalize().as_tuple()
    assert isinstance(exponent, int)  # finite
    return "".join(map(str, digits)), len(digits) + exponent


def php_float(number: float, significant: int | None = None) -> str:
    """A float as PHP writes it: with ``serialize_precision`` -1 (``serialize``, the default) the shortest
    digits that read back, with ``precision`` 14 (string conversion) 14 digits. Scientific (``1.0E+25``)
    when the integer part would take more digits than that (17 for the shortest), or below 0.0001."""
    if not math.isfinite(number):
        return "NAN" if math.isnan(number) else ("-INF" if number < 0 else "INF")
    sign = "-" if math.copysign(1.0, number) < 0 else ""
    digits, point = _digits(number, significant)
    if point > (significant or 17) or point < -3:
        exponent = point - 1
        return f"{sign}{digits[0]}.{digits[1:] or '0'}E{'-' if exponent < 0 else '+'}{abs(exponent)}"
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return sign + digits + "0" * (point - len(digits))
    return f"{sign}{digits[:point]}.{digits[point:]}"


def _key(key: object) -> str:
    if isinstance(key, int) and not isinstance(key, bool):
        return f"i:{key};"
    text = str(key)
    return f"i:{text};" if INTEGER_KEY.fullmatch(text) else php_serialize(text)


def php_serialize(value: object) -> str:
    """serialize() of None, booleans, numbers, strings, lists and string-keyed mappings."""
    if value is None:
        return "N;"
    if isinstance(value, bool):
        return f"b:{int(value)};"
    if isinstance(value, int):
        return f"i:{value};"
    if isinstance(value, float):
        return f"d:{php_float(value)};"
    if isinstance(value, str):
        return f's:{len(value.encode())}:"{value}";'
    if isinstance(value, Mapping):
        items = "".join(_key(k) + php_serialize(v) for k, v in value.items())
        return f"a:{len(value)}:{{{items}}}"
    if isinstance(value, Sequence):
        items = "".join(f"i:{i};" + php_serialize(v) for i, v in enumerate(value))
        return f"a:{len(value)}:{{{items}}}"
    raise TypeError(f"cannot serialize {type(value).__name__} as PHP data")


class _Reader:
    def __init__(self, text: str) -> None:
        self.data = text.encode()
        self.position = 0

    def value(self) -> PhpValue:
        kind = self.data[self.position : self.position + 1]
        if kind == b"N":
            self.position += 2
            return None
        if kind in (b"s", b"a"):
            colon = self.data.index(b":", self.position + 2)
            count = int(self.data[self.position + 2 : colon])
            if kind == b"s":
                start = colon + 2
                if self.data[start + count : start + count + 2] != b'";':
                    raise UnserializeError(f"string of {count} bytes not closed at byte {start + count}")
                self.position = start + count + 2
                return self.data[start : start + count].decode()
            self.position = colon + 2
            items: dict[object, PhpValue] = {}
            for _ in range(count):
                key = self.value()
                items[key] = self.value()
            if self.data[self.position : self.position + 1] != b"}":
                raise UnserializeError(f"array not closed at byte {self.position}")
            self.position += 1
            return items
        end = self.data.index(b";", self.position)
        raw = self.data[self.position + 2 : end].decode()
        self.position = end + 1
        if kind == b"i":
            return int(raw)
        if kind == b"d":
            return float(raw)
        if kind == b"b":
            return raw == "1"
        raise UnserializeError(f"unsupported PHP serialized type {kind!r}")


def php_unserialize(text: str) -> PhpValue:
    """unserialize() of strings, numbers, booleans, null and arrays (not objects)."""
    try:
        return _Reader(text).value()
    except (ValueError, IndexError, UnicodeDecodeError) as error:
        raise UnserializeError(str(error)) from error


def php_string(value: object) -> str:
    """A scalar as PHP's string conversion writes it (true as "1", false and null as "")."""
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    if isinstance(value, float):
        return php_float(value, PHP_PRECISION)
    return str(value)


def php_truthy(value: object) -> bool:
    """PHP's truthiness: "0", "", 0, 0.0, null, false and empty arrays are false."""
    if isinstance(value, str):
        return value not in ("", "0")
    return bool(value)


PHP_NUMERIC = re.compile(
    r"[ \t\n\r\x0b\x0c]*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[ \t\n\r\x0b\x0c]*"
)


def php_numeric(value: object) -> bool:
    """PHP's ``is_numeric``: numbers, and strings that are decimal numbers (spaces around allowed)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and PHP_NUMERIC.fullmatch(value) is not None


PHP_NUMERIC_PREFIX = re.compile(r"[ \t\n\r\x0b\x0c]*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def php_int(value: object) -> int:
    """PHP's ``(int)`` cast of a scalar (a string by its leading number; 0 for anything else)."""
    if isinstance(value, bool | int):
        return int(value)
    if isinstance(value, float):
        return int(value) if math.isfinite(value) else 0
    if isinstance(value, str):
        prefix = PHP_NUMERIC_PREFIX.match(value)
        return int(float(prefix.group(0))) if prefix else 0
    return 0


def nested(data: Any, *keys: str) -> Any:
    """PHP's ``$data['a']['b'] ?? null`` on decoded block attributes: None when any level is missing."""
    for key in keys:
        if not isinstance(data, Mapping) or key not in data:
            return None
        data = data[key]
    return data
