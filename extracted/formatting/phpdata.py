"""PHP's serialize() and unserialize() for plain data (WordPress stores meta and hashes blocks this way)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

PhpValue = str | int | float | bool | None | dict[object, "PhpValue"]
INTEGER_KEY = re.compile(r"-?[1-9][0-9]*|0")


class UnserializeError(ValueError):
    """The text is not a PHP-serialized value this reader understands."""


def _float(number: float) -> str:
    """A float as PHP writes it with serialize_precision -1 (shortest round trip, ``1.0E+25`` style)."""
    if number.is_integer() and abs(number) < 1e15:
        return "-0" if number == 0 and math.copysign(1.0, number) < 0 else str(int(number))
    text = repr(number)
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    mantissa = mantissa if "." in mantissa else mantissa + ".0"
    sign = "-" if exponent.startswith("-") else "+"
    return f"{mantissa}E{sign}{exponent.lstrip('+-').lstrip('0') or '0'}"


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
        return f"d:{_float(value)};"
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
        return _float(value)
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
