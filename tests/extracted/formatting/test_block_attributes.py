"""Block attributes as render callbacks get them: WordPress's schema validation and its registered schemas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from extracted.formatting.block_attributes import SCHEMAS, matches, prepared_attributes
from extracted.formatting.blocks import parse_blocks

# Values as block attributes decode them (1e400 is infinity), and schemas of every type, type lists
# (with a type WordPress does not know), bounds and enums.
VALUES: list[Any] = parse_blocks(
    '<!-- wp:x {"v": [null, true, false, 0, 1, 2, -1, 0.0, 1.0, 1.5, 1e15, 1e400, "", " ", "0", "1", "5", " 5",'
    ' "5 ", "1.0", "1e3", "0x1A", "1.5", "abc", "true", "FALSE", "a,b", " , ", [], [1, 2], ["a"], {}, {"a": 1},'
    ' {"0": 1, "1": 2}, {"01": 1}, {"-1": 1}, [{"id": 1}], [{"id": 1}, "x"], {"0": {"id": 1}}]} /-->'
)[0].attrs["v"]
# Each schema, then whether rest_validate_value_from_schema accepts each value ("1") or not ("."), as
# WordPress 6.1 answered.
VERDICTS: list[tuple[dict[str, Any], str]] = [
    ({"type": "string"}, "............1111111111111111..........."),
    ({"type": "number"}, "...111111111..1111111.1................"),
    ({"type": "integer"}, "...111111.11..1111111.................."),
    ({"type": "boolean"}, ".1111.........11........11............."),
    ({"type": "null"}, "1......................................"),
    ({"type": "object"}, "............1...............11111111111"),
    ({"type": "array"}, ".1111111111111111111111111111111.1.1111"),
    ({"type": "array", "items": {"type": "object"}}, "..1.........11.............11..1....1.1"),
    ({"type": "array", "items": {"type": "integer"}}, ".11111111.1.111111111......111.1.1.1..."),
    ({"type": "number", "minimum": 1, "maximum": 100}, "....11..11.....11111..1................"),
    ({"type": "integer", "minimum": 0, "exclusiveMinimum": True}, "....11..1.11...111111.................."),
    ({"type": "number", "maximum": 1, "exclusiveMaximum": True}, "...1..11......1........................"),
    ({"type": ["string", "number"]}, "...1111111111111111111111111..........."),
    ({"type": ["integer", "boolean"]}, ".11111111.11..1111111...11............."),
    ({"type": ["object", "string"]}, "............111111111111111111111111111"),
    ({"type": ["array", "null"]}, "11111111111111111111111111111111.1.1111"),
    ({"type": ["number", "null"], "minimum": 1}, "1...11..1111...111111.1................"),
    ({"type": ["boolean", "weird"]}, "111111111111111111111111111111111111111"),
    ({"type": "weird"}, "111111111111111111111111111111111111111"),
    ({}, "111111111111111111111111111111111111111"),
    ({"type": "string", "enum": ["left", "center", ""]}, "............1.........................."),
    ({"type": "number", "enum": [1, 2.5]}, "....1...1......1...1..................."),
    ({"type": "integer", "enum": [1, 3]}, "....1...1......1...1..................."),
    ({"type": "boolean", "enum": [True]}, ".1..1..........1........1.............."),
]


@pytest.mark.parametrize(("schema", "verdicts"), VERDICTS, ids=[json.dumps(schema) for schema, _ in VERDICTS])
def test_values_match_a_schema_as_wordpress_validates_them(schema: dict[str, Any], verdicts: str) -> None:
    ours = "".join("1" if matches(value, schema) else "." for value in VALUES)
    assert ours == verdicts


def test_wrong_typed_attributes_give_way_to_defaults() -> None:
    given = {"label": 0.3, "buttonText": "Go", "unknown": 5, "width": "50", "showLabel": "0", "query": "nope"}
    prepared = prepared_attributes("core/search", given)
    assert prepared == {
        "buttonText": "Go",
        "unknown": 5,
        "width": "50",
        "showLabel": "0",
        "placeholder": "",
        "buttonPosition": "button-outside",
        "buttonUseIcon": False,
        "query": {},
    }
    assert list(prepared)[:4] == ["buttonText", "unknown", "width", "showLabel"]  # given first, then defaults
    assert given["label"] == 0.3  # the parsed attributes stay as they are


def test_defaults_are_copies() -> None:
    first = prepared_attributes("core/query", {})
    first["query"]["perPage"] = 3
    assert prepared_attributes("core/query", None)["query"]["perPage"] is None


def test_blocks_without_a_schema_keep_their_attributes() -> None:
    given = {"a": 1}
    prepared = prepared_attributes("my-plugin/thing", given)
    assert prepared == given and prepared is not given
    assert prepared_attributes(None, [1]) == {}


def test_block_attributes_are_the_prepared_ones() -> None:
    block = parse_blocks('<!-- wp:tag-cloud {"numberOfTags":500,"className":5} /-->')[0]
    assert block.attributes["numberOfTags"] == 45
    assert "className" not in block.attributes
    assert block.attrs == {"numberOfTags": 500, "className": 5}


BLOCKS = Path("/usr/share/wordpress/wp-includes/blocks")
KEYWORDS = ("type", "enum", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "items", "default")
# rest_validate_value_from_schema's keywords that block_attributes does not check (no block here uses them).
UNSUPPORTED_KEYWORDS = {
    *("format", "properties", "additionalProperties", "patternProperties", "minProperties", "maxProperties"),
    *("multipleOf", "minLength", "maxLength", "pattern", "minItems", "maxItems", "uniqueItems", "anyOf", "oneOf"),
}
# What WordPress registers besides block.json's attributes: ``lock`` for every block, and the attributes of
# the block supports a block has.
REGISTERED_BESIDES = {
    "lock": {"type": "object"},
    "align": {"type": "string", "enum": ["left", "center", "right", "wide", "full", ""]},
    "className": {"type": "string"},
    "style": {"type": "object"},
    "layout": {"type": "object"},
    **{name: {"type": "string"} for name in ("textColor", "backgroundColor", "gradient", "borderColor")},
    **{name: {"type": "string"} for name in ("fontSize", "fontFamily")},
}


def _validating(schema: dict[str, Any]) -> dict[str, Any]:
    kept = {key: schema[key] for key in KEYWORDS if key in schema and schema[key] is not None}
    return kept | ({"items": _validating(kept["items"])} if "items" in kept else {})


@pytest.mark.skipif(not BLOCKS.is_dir(), reason="WordPress is not installed in /usr/share/wordpress")
@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_schemas_are_wordpress_registered_attributes(name: str) -> None:
    declared = json.loads((BLOCKS / name.removeprefix("core/") / "block.json").read_text()).get("attributes", {})
    ours = SCHEMAS[name]
    unsupported = {keyword for schema in declared.values() for keyword in schema} & UNSUPPORTED_KEYWORDS
    assert not unsupported, f"block_attributes.matches does not check {unsupported}"
    assert {key: ours[key] for key in declared} == {key: _validating(schema) for key, schema in declared.items()}
    assert all(ours[key] == REGISTERED_BESIDES[key] for key in ours.keys() - declared.keys())
