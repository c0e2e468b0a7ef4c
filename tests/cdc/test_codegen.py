"""The generated per-table row decoders agree with the generic per-column decoders."""

from __future__ import annotations

import struct
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from cdc.binlog.jsongen import JsonRowReader, compile_full_json_reader
from cdc.binlog.rows import RowReader
from cdc.binlog.tablemap import parse_table_map
from cdc.binlog.wire import T
from tests.cdc.binlog_builder import Col, datetime2, row_image, table_map, varchar

COLUMNS = [
    Col("id", T.LONGLONG, unsigned=True),
    Col("small", T.SHORT),
    Col("tiny", T.TINY, unsigned=True, nullable=True),
    Col("name", T.VARCHAR, struct.pack("<H", 80)),
    Col("maybe_name", T.VARCHAR, struct.pack("<H", 80), nullable=True),
    Col("wide", T.VARCHAR, struct.pack("<H", 1020), nullable=True),
    Col("body", T.BLOB, b"\x04"),
    Col("at", T.DATETIME2, b"\x00"),
    Col("maybe_at", T.DATETIME2, b"\x00", nullable=True),
    Col("score", T.DOUBLE, b"\x08"),
]
SCHEMA = parse_table_map(table_map(1, "d", "t", COLUMNS))
JSON = compile_full_json_reader(SCHEMA.columns, SCHEMA.types, SCHEMA.metas, SCHEMA.reader.decoders, ("id",))
GENERIC = RowReader(SCHEMA.columns, SCHEMA.reader.decoders)  # per-column decoders, no generated code
text = st.text(st.characters(codec="utf-8"), max_size=40)
dates = st.tuples(st.integers(0, 9999), st.integers(0, 12), st.integers(0, 31))
times = st.tuples(st.integers(0, 23), st.integers(0, 59), st.integers(0, 59))
rows = st.fixed_dictionaries(
    {
        "id": st.integers(0, 2**64 - 1),
        "small": st.integers(-(2**15), 2**15 - 1),
        "tiny": st.none() | st.integers(0, 255),
        "name": text,
        "maybe_name": st.none() | text,
        "wide": st.none() | text,
        "body": text,
        "at": st.tuples(dates, times),
        "maybe_at": st.none() | st.tuples(dates, times),
        "score": st.floats(allow_nan=False),
    }
)


@settings(max_examples=200, deadline=None)
@given(rows)
def test_generated_reader_matches_generic_decoders(values: dict[str, Any]) -> None:
    body = values["body"].encode()
    image = row_image(
        [
            struct.pack("<Q", values["id"]),
            struct.pack("<h", values["small"]),
            None if values["tiny"] is None else bytes([values["tiny"]]),
            varchar(values["name"]),
            None if values["maybe_name"] is None else varchar(values["maybe_name"]),
            None if values["wide"] is None else varchar(values["wide"], wide=True),
            len(body).to_bytes(4, "little") + body,
            datetime2(*values["at"]),
            None if values["maybe_at"] is None else datetime2(*values["maybe_at"]),
            struct.pack("<d", values["score"]),
        ]
    )
    assert SCHEMA.reader.full is not None
    generated = SCHEMA.reader.full(image, 0)
    generic = GENERIC.read(image, 0, tuple(range(len(COLUMNS))))
    assert generated == generic
    # the JSON reader writes exactly what orjson writes for the decoded row
    assert JSON(image, 0) == (orjson.dumps(generic[0]), b'{"id":%d}' % values["id"], len(image))
    row, end = generated
    assert end == len(image)
    assert {k: row[k] for k in ("id", "small", "tiny", "name", "wide", "body")} == {
        k: values[k] for k in ("id", "small", "tiny", "name", "wide", "body")
    }


def test_invalid_utf8_falls_back_to_replacement_characters() -> None:
    image = row_image(
        [
            struct.pack("<Q", 7),
            struct.pack("<h", 1),
            None,
            b"\x02\xff\xfe",
            None,
            None,
            b"\x00\x00\x00\x00",
            datetime2((2024, 1, 2), (3, 4, 5)),
            None,
            struct.pack("<d", 1e16),
        ]
    )
    reader = JsonRowReader(SCHEMA.reader, JSON, lambda row: orjson.dumps({"id": row["id"]}))
    document, key, end = reader.read(image, 0, tuple(range(len(COLUMNS))))
    assert orjson.loads(document)["name"] == "\ufffd\ufffd" and key == b'{"id":7}' and end == len(image)
    assert document == orjson.dumps(GENERIC.read(image, 0, tuple(range(len(COLUMNS))))[0])
