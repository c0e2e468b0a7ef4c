"""The generated snapshot row parser agrees with the generic text converters, byte for byte."""

from __future__ import annotations

from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from cdc.columns import Column
from cdc.textrows import TextRowReader, convert_row, raw_values
from tests.cdc.binlog_builder import lenenc

COLUMNS = (
    Column("ID", "int", nullable=False, unsigned=True),
    Column("n", "int", nullable=True),
    Column("title", "string", nullable=False),
    Column("note", "string", nullable=True),
    Column("at", "datetime", nullable=False),
    Column("maybe_at", "datetime", nullable=True),
    Column("price", "decimal", nullable=True, scale=2),
    Column("blob", "binary", nullable=True),
    Column("kind", "enum", nullable=False, labels=("a", "b")),
    Column("ratio", "float", nullable=True),
)
READER = TextRowReader(COLUMNS, ("ID",))


def packet(values: list[bytes | None]) -> bytes:
    return b"".join(b"\xfb" if v is None else lenenc(len(v)) + v for v in values)


text = st.text(st.characters(codec="utf-8"), max_size=300)  # crosses the 251-byte boundary
datetimes = st.sampled_from([b"2024-01-02 03:04:05", b"0000-00-00 00:00:00", b"1969-12-31 23:59:59"])
rows = st.tuples(
    st.integers(0, 2**64 - 1).map(lambda n: str(n).encode()),
    st.none() | st.integers(-(2**31), 2**31).map(lambda n: str(n).encode()) | st.just(b"0007"),
    text.map(str.encode),
    st.none() | text.map(str.encode),
    datetimes,
    st.none() | datetimes,
    st.none() | st.sampled_from([b"12.50", b"-0.01", b"0.00"]),
    st.none() | st.binary(max_size=300),
    st.sampled_from([b"a", b"b"]),
    st.none() | st.sampled_from([b"1.5", b"1e16", b"-0"]),
)


@settings(max_examples=300, deadline=None)
@given(rows)
def test_generated_parser_matches_the_converters(values: tuple[Any, ...]) -> None:
    data = packet(list(values))
    assert raw_values(data, len(COLUMNS)) == list(values)
    expected = convert_row(COLUMNS, list(values))
    assert READER.read(data) == (orjson.dumps(expected), orjson.dumps({"ID": expected["ID"]}))


def test_invalid_utf8_is_replaced_like_the_converters_do() -> None:
    values: list[bytes | None] = [b"1", None, b"ok\xff", b"\xfe" * 300, b"2024-01-02 03:04:05"] + [None] * 3
    values += [b"a", None]
    row, key = READER.read(packet(values))
    assert orjson.loads(row)["title"] == "ok\ufffd" and orjson.loads(row)["note"] == "\ufffd" * 300
    assert row == orjson.dumps(convert_row(COLUMNS, values)) and key == b'{"ID":1}'
