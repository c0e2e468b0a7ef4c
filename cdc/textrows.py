"""Generated per-table parser of snapshot rows: MySQL text-protocol row packets straight to JSON.

The snapshot reads each table with one ``SELECT``; pymysql would parse every value of every row
in Python (a method call or three per value) and the row would then be converted and serialised.
Here one function per table, generated from its columns, reads the row packet (length-encoded
values, 0xFB for NULL) and writes the event's ``after`` JSON and the record key in one bytes
%-format:

* integers are already their JSON text on the wire (only ZEROFILL's leading zeros go through
  ``int``); DATETIME text is converted once per distinct value (cached);
* text is decoded strictly and encoded by orjson; values of 251 bytes and more, NULLs and every
  other type go through the column's converter of ``cdc/columns.py``.

The result is byte for byte ``orjson.dumps`` of :func:`convert_row` (the generic path, also used
when a value is not valid UTF-8: it replaces bad bytes); a unit test holds them together. The
generated source holds only indexes and constants.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from orjson import dumps

from cdc.binlog.wire import read_lenenc
from cdc.columns import Column, TextConverter, text_converter

TextRow = tuple[bytes, bytes | None]  # row JSON, key JSON (None without primary key)
NULL = 0xFB
CACHE_SIZE = 8192
_BYTES_KINDS = ("binary", "bit")  # what pymysql hands over as bytes (binary character set)
_TEXT_KINDS = ("string", "enum", "set", "json")  # converted by decoding only
_INT_KINDS = ("int", "year")


def raw_values(data: bytes, count: int) -> list[bytes | None]:
    """The ``count`` values of a text-protocol row packet (None for NULL)."""
    values: list[bytes | None] = []
    pos = 0
    for _ in range(count):
        if data[pos] == NULL:
            values.append(None)
            pos += 1
            continue
        size, pos = read_lenenc(data, pos)
        values.append(data[pos : pos + size])
        pos += size
    return values


def _value_converter(column: Column) -> Callable[[bytes], Any]:
    """Raw value -> event value, as the converters get it from pymysql (text, or bytes)."""
    convert: TextConverter = text_converter(column)
    if column.kind in _BYTES_KINDS:
        return convert
    return lambda raw: convert(raw.decode("utf-8", "replace"))


def convert_row(columns: Sequence[Column], values: Sequence[bytes | None]) -> dict[str, Any]:
    """The generic (slow) path: one row as a dict of event values."""
    return {c.name: None if raw is None else _value_converter(c)(raw) for c, raw in zip(columns, values, strict=True)}


def _cached_json(convert: Callable[[bytes], Any]) -> tuple[Callable[[bytes], bytes | None], Callable[[bytes], bytes]]:
    cache: dict[bytes, bytes] = {}

    def miss(raw: bytes) -> bytes:
        text = dumps(convert(raw))
        if len(cache) >= CACHE_SIZE:
            cache.clear()
        cache[raw] = text
        return text

    return cache.get, miss


def _column_code(i: int, column: Column) -> list[str]:
    """Statements setting ``j<i>`` from ``data[pos + 1:e]`` (a value shorter than 251 bytes)."""
    value = "data[pos + 1:e]"
    if column.kind in _INT_KINDS:
        return [f"j{i} = {value}", f"if j{i}[0] == 48 and n > 1:", f"    j{i} = b'%d' % int(j{i})"]
    if column.kind in _TEXT_KINDS:
        return [f"j{i} = _dumps({value}.decode()) if n else b'\"\"'"]
    if column.kind == "datetime":
        return [f"r = {value}", f"j{i} = _cache_get{i}(r) or _cache{i}(r)"]
    return [f"j{i} = _json{i}({value})"]


def compile_text_row_reader(columns: Sequence[Column], primary_key: Sequence[str]) -> Callable[[bytes], TextRow]:
    """Row packet -> (row JSON, key JSON or None); strict UTF-8 (see the module docstring)."""
    namespace: dict[str, Any] = {"_dumps": dumps, "_slow": _slow_value(columns)}
    body = ["pos = 0"]
    for i, column in enumerate(columns):
        convert = _value_converter(column)
        namespace[f"_json{i}"] = lambda raw, convert=convert: dumps(convert(raw))
        if column.kind == "datetime":
            namespace[f"_cache_get{i}"], namespace[f"_cache{i}"] = _cached_json(convert)
        body += ["n = data[pos]", "if n < 251:", "    e = pos + 1 + n"]
        body += ["    " + line for line in _column_code(i, column)]
        body += ["    pos = e", "else:", f"    j{i}, pos = _slow({i}, data, pos)"]
    names = [c.name for c in columns]
    namespace["_row"] = _template(names)
    key = "None"
    if primary_key:
        namespace["_key"] = _template(list(primary_key))
        key = f"_key % ({', '.join(f'j{names.index(name)}' for name in primary_key)},)"
    body.append(f"return _row % ({', '.join(f'j{i}' for i in range(len(columns)))},), {key}")
    source = "def read(data):\n" + "\n".join("    " + line for line in body) + "\n"
    exec(compile(source, "<cdc text row reader>", "exec"), namespace)
    reader: Callable[[bytes], TextRow] = namespace["read"]
    return reader


def _slow_value(columns: Sequence[Column]) -> Callable[[int, bytes, int], tuple[bytes, int]]:
    """NULL, or a value of 251 bytes and more: (its JSON, next position)."""
    converters = [_value_converter(c) for c in columns]
    text = [c.kind in _TEXT_KINDS for c in columns]

    def slow(i: int, data: bytes, pos: int) -> tuple[bytes, int]:
        if data[pos] == NULL:
            return b"null", pos + 1
        size, pos = read_lenenc(data, pos)
        raw = data[pos : pos + size]
        value = dumps(raw.decode()) if text[i] else dumps(converters[i](raw))
        return value, pos + size

    return slow


def _template(names: Sequence[str]) -> bytes:
    return b"{" + b",".join(dumps(name).replace(b"%", b"%%") + b":%b" for name in names) + b"}"


class TextRowReader:
    """Text-protocol rows of one table -> (row JSON, key JSON)."""

    def __init__(self, columns: Sequence[Column], primary_key: Sequence[str]) -> None:
        self._columns = tuple(columns)
        self._primary_key = tuple(primary_key)
        self._fast = compile_text_row_reader(columns, primary_key)

    def read(self, data: bytes) -> TextRow:
        try:
            return self._fast(data)
        except UnicodeDecodeError:  # not valid UTF-8: the generic path replaces bad bytes
            row = convert_row(self._columns, raw_values(data, len(self._columns)))
            key = dumps({name: row[name] for name in self._primary_key}) if self._primary_key else None
            return dumps(row), key
