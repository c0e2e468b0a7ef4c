"""``wp_pre_kses_block_attributes``: kses also filters the attributes of block delimiters.

Every ``wp_kses`` call parses the text's blocks (``<!-- wp:name {json} -->``), runs each string of their
attributes (keys too) through kses, and writes the blocks back as ``serialize_block`` does: names without
``core/``, attributes re-encoded by PHP's ``json_encode`` with ``--``, ``<``, ``>``, ``&`` and ``\\"`` as
``\\u`` escapes, a block without content self-closing. Text without block delimiters comes back as it
was. The attributes are PHP arrays: numeric string keys become integers, an array keyed 0..n-1 is
written as a JSON list, a key kses changed moves to the end.

Invalid JSON (for PHP: also ``NaN``, ``Infinity``, lone surrogates, nesting deeper than 512) leaves the
block without attributes; infinite numbers make ``json_encode`` fail (nothing is written for them).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Collection
from typing import Any

from .blocks import DELIMITER, Block, parse_blocks
from .errors import WordPressFatalError
from .php import php_empty

Kses = Callable[[str], str]
# PHP arrays (ordered, int or string keys) and scalars: the attributes as PHP holds them.
PhpArray = dict[int | str, Any]

TRIPLE_DASH_COMMENT = re.compile(r"<!--(.*?)--->")
PHP_INTEGER_KEY = re.compile(r"0|-?[1-9][0-9]*")
PHP_INT_MIN, PHP_INT_MAX = -(2**63), 2**63 - 1
JSON_DEPTH = 512


class _InvalidJsonError(Exception):
    """What PHP's ``json_decode`` refuses though Python's accepted it."""


class _UnencodableJsonError(Exception):
    """What PHP's ``json_encode`` refuses (infinite numbers)."""


def _php_key(key: str) -> int | str:
    """An array key as PHP stores it: a canonical integer string is an integer."""
    if PHP_INTEGER_KEY.fullmatch(key) and PHP_INT_MIN <= int(key) <= PHP_INT_MAX:
        return int(key)
    return key


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= c <= "\udfff" for c in text)


def _refused(value: Any) -> bool:
    """Whether PHP's decoder would have refused something in the value (a lone surrogate)."""
    if isinstance(value, str):
        return _has_surrogate(value)
    if isinstance(value, dict):
        return any(_refused(key) or _refused(inner) for key, inner in value.items())
    if isinstance(value, list):
        return any(_refused(inner) for inner in value)
    return False


def _php_object(pairs: list[tuple[str, Any]]) -> PhpArray:
    """An object as PHP decodes it into an array; every pair is checked, also those a duplicate overrides."""
    array: PhpArray = {}
    for key, value in pairs:
        if _refused(key) or _refused(value):
            raise _InvalidJsonError
        array[_php_key(key)] = value
    return array


def _php_constant(name: str) -> Any:
    raise _InvalidJsonError  # NaN, Infinity: not JSON for PHP


def _php_integer(text: str) -> int | float:
    """An integer as ``json_decode`` reads it: a float when PHP's int cannot hold it."""
    if len(text) <= 20 and PHP_INT_MIN <= (number := int(text)) <= PHP_INT_MAX:
        return number
    return float(text)


_DECODE = json.JSONDecoder(object_pairs_hook=_php_object, parse_constant=_php_constant, parse_int=_php_integer)
_JSON_STRUCTURE = re.compile(r'"(?:[^"\\]|\\.)*+"|[\[\]{}]', re.DOTALL)


def _depth(source: str) -> int:
    """How deep the arrays and objects of the JSON nest (strings skipped)."""
    depth = deepest = 0
    for token in _JSON_STRUCTURE.findall(source):
        if token in ("[", "{"):
            depth += 1
            deepest = max(deepest, depth)
        elif token in ("]", "}"):
            depth -= 1
    return deepest


def _arrays(value: Any) -> Any:
    """Lists as PHP arrays (keyed 0..n-1)."""
    if isinstance(value, list):
        return {index: _arrays(inner) for index, inner in enumerate(value)}
    if isinstance(value, dict):
        return {key: _arrays(inner) for key, inner in value.items()}
    return value


def php_json_decode(source: str) -> PhpArray | None:
    """``json_decode($source, true)`` of a delimiter's attributes (``{...}`` and the spaces after it)."""
    try:
        value = _DECODE.decode(source)
    except (ValueError, _InvalidJsonError, RecursionError):  # (Python's recursion ends deeper than PHP's limit)
        return None
    if not isinstance(value, dict) or _depth(source) > JSON_DEPTH:
        return None
    attributes: PhpArray = _arrays(value)
    return attributes


def _filtered(value: Any, kses: Kses, template_part: bool, allowed_elements: Collection[str]) -> Any:
    """``filter_block_kses_value``: strings through kses, keys too (a changed key moves to the end)."""
    if isinstance(value, str):
        return kses(value)
    if not isinstance(value, dict):
        return value
    result: PhpArray = dict(value)
    for key, inner in list(value.items()):
        filtered_key = kses(key) if isinstance(key, str) else key
        filtered = _filtered(inner, kses, template_part, allowed_elements)
        if template_part:
            filtered = _template_part_value(filtered, filtered_key, allowed_elements)
        if filtered_key != key:
            result.pop(key, None)
        result[_php_key(filtered_key) if isinstance(filtered_key, str) else filtered_key] = filtered
    return result


def _template_part_value(value: Any, name: int | str, allowed_elements: Collection[str]) -> Any:
    """``filter_block_core_template_part_attributes``: a template part's ``tagName`` must be allowed."""
    if name != "tagName" or value in ("", "0", 0, 0.0, False, None) or value == {}:
        return value
    if isinstance(value, dict):
        raise WordPressFatalError("Illegal offset type in isset or empty (template part tagName)")
    return value if isinstance(value, str) and value in allowed_elements else ""


def _float(number: float) -> str:
    """A float as PHP's ``json_encode`` writes it (``serialize_precision`` -1, no forced ``.0``)."""
    if not math.isfinite(number):
        raise _UnencodableJsonError
    sign = "-" if math.copysign(1.0, number) < 0 else ""
    if number == 0:
        return sign + "0"
    mantissa, _, exponent = repr(abs(number)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    point = len(whole) + int(exponent or 0) - (len(digits) - len(digits.lstrip("0")))
    digits = digits.strip("0")
    if (point < -3) if point < 0 else (point > 17):  # exponential, as php_gcvt
        power = point - 1
        return f"{sign}{digits[0]}.{digits[1:] or '0'}e{'-' if power < 0 else '+'}{abs(power)}"
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if len(digits) <= point:
        return sign + digits + "0" * (point - len(digits))
    return f"{sign}{digits[:point]}.{digits[point:]}"


def _string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _json(value: Any) -> str:
    """PHP's ``json_encode($value, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE)``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, str):
        return _string(value)
    if list(value) == list(range(len(value))):
        return "[" + ",".join(_json(inner) for inner in value.values()) + "]"
    return "{" + ",".join(f"{_string(str(key))}:{_json(inner)}" for key, inner in value.items()) + "}"


def _serialized_attributes(attributes: PhpArray) -> str:
    """``serialize_block_attributes``: JSON that cannot end the comment nor be read as HTML."""
    try:
        encoded = _json(attributes)
    except _UnencodableJsonError:
        return ""  # json_encode() fails: WordPress writes what preg_replace makes of false
    encoded = encoded.replace("--", "\\u002d\\u002d").replace("<", "\\u003c").replace(">", "\\u003e")
    return encoded.replace("&", "\\u0026").replace('\\"', "\\u0022")


def _serialize(block: Block, attributes: dict[int, Any]) -> str:
    """``serialize_block`` of a block whose filtered attributes are ``attributes[id(block)]``."""
    inner = iter(block.inner_blocks)
    content = "".join(
        chunk if chunk is not None else _serialize(next(inner), attributes) for chunk in block.inner_content
    )
    if block.name is None:
        return content
    name = block.name[5:] if block.name.startswith("core/") else block.name
    filtered = attributes[id(block)]
    serialized = _serialized_attributes(filtered) + " " if filtered else ""
    if php_empty(content):
        return f"<!-- wp:{name} {serialized}/-->"
    return f"<!-- wp:{name} {serialized}-->{content}<!-- /wp:{name} -->"


def _filter_block(block: Block, kses: Kses, allowed_elements: Collection[str], attributes: dict[int, Any]) -> None:
    """``filter_block_kses``: the filtered attributes of the block and its inner blocks, by block id."""
    template_part = block.name == "core/template-part"
    attributes[id(block)] = _filtered(block.attrs, kses, template_part, allowed_elements)
    for inner in block.inner_blocks:
        _filter_block(inner, kses, allowed_elements, attributes)


def filter_block_content(text: str, kses: Kses, allowed_elements: Collection[str]) -> str:
    """``filter_block_content``: the text's blocks with their attributes filtered by ``kses``."""
    if "<!--" in text and "--->" in text:
        text = TRIPLE_DASH_COMMENT.sub(lambda m: "<!--" + m.group(1).rstrip("-") + "-->", text)
    if DELIMITER.search(text) is None:
        return text  # only HTML: parse_blocks and serialize_block give it back as it is
    blocks = parse_blocks(text, decode=php_json_decode)
    attributes: dict[int, Any] = {}
    for block in blocks:
        _filter_block(block, kses, allowed_elements, attributes)
    return "".join(_serialize(block, attributes) for block in blocks)
