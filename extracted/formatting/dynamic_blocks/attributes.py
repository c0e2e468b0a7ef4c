"""A block's attributes as its render callback gets them: checked against the block type's schema.

WordPress (``WP_Block_Type::prepare_attributes_for_render``) drops an attribute whose value does not have
its declared type (a number where a string is declared...), then fills in the declared defaults. Attributes
the block type does not declare are kept as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..phpdata import php_numeric

# An attribute's declared type and default (None: no default).
Schema = Mapping[str, tuple[str, Any]]
BOOLEAN_STRINGS = frozenset({"false", "true", "0", "1"})


def _has_type(value: Any, kind: str) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "number":
        return php_numeric(value)
    if kind == "boolean":  # ``rest_is_boolean``
        if isinstance(value, bool):
            return True
        if isinstance(value, str):
            return value.lower() in BOOLEAN_STRINGS
        return isinstance(value, int) and value in (0, 1)
    return True


def prepared_attributes(attrs: Any, schema: Schema) -> dict[str, Any]:
    """The attributes with the declared types, and the declared defaults of those missing."""
    given = attrs if isinstance(attrs, dict) else {}
    prepared = {name: value for name, value in given.items() if name not in schema or _has_type(value, schema[name][0])}
    for name, (_, default) in schema.items():
        if name not in prepared and default is not None:
            prepared[name] = default
    return prepared
