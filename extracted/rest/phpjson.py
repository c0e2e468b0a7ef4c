"""JSON exactly as PHP's ``json_encode`` (WordPress's REST server) writes it.

Escaped slashes (``\\/``), ``\\uXXXX`` in lowercase hex for everything outside ASCII (surrogate
pairs above the BMP), DEL unescaped, no spaces, and empty PHP arrays as ``[]`` (a Python mapping
encodes as ``{}`` only when it is a :class:`JsonObject`, PHP's ``stdClass``).
"""

from __future__ import annotations

import json
from typing import Any


class JsonObject(dict[str, Any]):
    """A mapping that stays ``{}`` when empty (PHP's objects, as opposed to arrays)."""


def _php_shape(value: Any) -> Any:
    if isinstance(value, dict):
        if not value and not isinstance(value, JsonObject):
            return []
        return {str(key): _php_shape(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_php_shape(item) for item in value]
    return value


_ENCODER = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"), check_circular=False)


def php_json(value: Any) -> bytes:
    """``wp_json_encode($value)`` as the REST server sends it."""
    text = _ENCODER.encode(_php_shape(value))
    return text.replace("/", "\\/").replace("\\u007f", "\x7f").encode("ascii")
