"""Generates one function per table definition that turns a full row image straight into JSON.

The streamer needs rows only as JSON (``before``/``after``) and the record key. Rather than a dict
of Python values serialised afterwards, the row image becomes the JSON document in one bytes
%-format whose constant parts (the column names) are encoded once per table:

* integers go in as ``%d``; DATETIME(0) as its JSON text, cached by its 5 raw bytes;
* short text (VARCHAR up to 255 bytes: statuses, types) as its JSON string, cached by its bytes;
  other text is decoded (strictly) and encoded by orjson, empty text costs nothing;
* every other type uses its generic decoder and orjson.

~15% less CPU per wp_posts row than building the dict and serialising it with orjson (and no
dict to walk for the key). The output is byte for byte ``orjson.dumps`` of the dict reader's
row (a property test holds them together). Invalid UTF-8 raises :class:`UnicodeDecodeError`:
:class:`JsonRowReader` then falls back to that dict reader, which replaces bad bytes. As in
``codegen.py``, the generated source contains only indexes and constants; names reach it as
values.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Sequence
from typing import Any

from orjson import dumps

from cdc.binlog.codegen import (
    DATETIME_CACHE_SIZE,
    LENGTH_CODE,
    WIDTH,
    column_runs,
    datetime_cache,
    fixed_format,
    text_length_bytes,
)
from cdc.binlog.rows import RowReader, rows_event_columns
from cdc.binlog.wire import E, T
from cdc.columns import Column

TEXT_CACHE_SIZE = 4096
JsonRow = tuple[bytes, bytes | None, int]  # row JSON, key JSON (None without primary key), next position
FullJsonReader = Callable[[bytes, int], JsonRow]
JsonChange = tuple[bytes | None, bytes | None, bytes | None]  # before, after, key
_WRITE = frozenset((E.WRITE_ROWS_V1, E.WRITE_ROWS_V2))
_DELETE = frozenset((E.DELETE_ROWS_V1, E.DELETE_ROWS_V2))


def _datetime_json(zero: int | None) -> tuple[Callable[[bytes], bytes | None], Callable[[bytes], bytes]]:
    """(cache lookup, converter that fills the cache): raw DATETIME(0) bytes -> JSON text."""
    to_value = datetime_cache(zero)
    cache: dict[bytes, bytes] = {}

    def convert(raw: bytes) -> bytes:
        value = to_value(raw)
        text = b"null" if value is None else b"%d" % value
        if len(cache) >= DATETIME_CACHE_SIZE:
            cache.clear()
        cache[raw] = text
        return text

    return cache.get, convert


def _short_text_json() -> tuple[Callable[[bytes], bytes | None], Callable[[bytes], bytes]]:
    """(cache lookup, converter that fills the cache): raw UTF-8 -> JSON string (strict)."""
    cache: dict[bytes, bytes] = {}

    def convert(raw: bytes) -> bytes:
        text = dumps(raw.decode())
        if len(cache) >= TEXT_CACHE_SIZE:
            cache.clear()
        cache[raw] = text
        return text

    return cache.get, convert


class _Column:
    """The generated code of one column: statements, and how its value enters the templates."""

    def __init__(self, i: int, column: Column, kind: int, meta: int) -> None:
        self.i, self.column, self.kind, self.meta = i, column, kind, meta
        self.fixed = fixed_format(column, kind)
        self.text_length = text_length_bytes(kind, meta) if column.kind == "string" else None

    @property
    def slot(self) -> tuple[str, str]:
        """(template slot, variable): ``%d`` and an int, or ``%b`` and its JSON."""
        i = self.i
        if not self.column.nullable and self.fixed is not None and self.kind != T.DATETIME2:
            return "%d", f"v{i}"
        return "%b", f"j{i}"

    def after_unpack(self) -> list[str]:
        """Statements once ``v<i>`` holds the struct-unpacked value."""
        if self.kind == T.DATETIME2:
            cache = "_dt_null" if self.column.nullable else "_dt"
            return [f"j{self.i} = {cache}_get(v{self.i}) or {cache}(v{self.i})"]
        if self.column.nullable:
            return [f"j{self.i} = b'%d' % v{self.i}"]
        return []

    def code(self) -> list[str]:
        i = self.i
        if self.fixed is not None:
            return [f"v{i} = _s_{self.fixed}(data, pos)[0]", f"pos += {WIDTH[self.fixed]}", *self.after_unpack()]
        if self.text_length == 1:  # short text (VARCHAR up to 255 bytes) repeats: status, type
            return [
                "n = data[pos] + 1",
                "s = data[pos + 1:pos + n]",
                f"j{i} = _text_get(s) or _text(s)",
                "pos += n",
            ]
        if self.text_length is not None:
            return [
                f"n = {LENGTH_CODE[self.text_length]}",
                f"pos += {self.text_length}",
                f"j{i} = _dumps(data[pos:pos + n].decode()) if n else b'\"\"'",
                "pos += n",
            ]
        return [f"v{i}, pos = _decoders[{i}](data, pos)", f"j{i} = _dumps(v{i})"]


def compile_full_json_reader(
    columns: Sequence[Column],
    kinds: Sequence[int],
    metas: Sequence[int],
    decoders: Sequence[Callable[[bytes, int], tuple[Any, int]]],
    primary_key: Sequence[str],
) -> FullJsonReader:
    """Row image (every column present) -> (row JSON, key JSON or None, next position)."""
    specs = [_Column(i, c, k, m) for i, (c, k, m) in enumerate(zip(columns, kinds, metas, strict=True))]
    null_size = (len(columns) + 7) // 8
    body = [f"nulls = _from(data[pos:pos + {null_size}], 'little')", f"pos += {null_size}"]
    namespace: dict[str, Any] = {f"_s_{fmt}": struct.Struct("<" + fmt).unpack_from for fmt in WIDTH}
    for fixed, group in column_runs(columns, kinds):
        if fixed and len(group) > 1:
            formats = [specs[i].fixed or "" for i in group]
            namespace[f"_run{group[0]}"] = struct.Struct("<" + "".join(formats)).unpack_from
            body.append(f"{', '.join(f'v{i}' for i in group)} = _run{group[0]}(data, pos)")
            body.append(f"pos += {sum(WIDTH[f] for f in formats)}")
            for i in group:
                body.extend(specs[i].after_unpack())
            continue
        spec = specs[group[0]]
        if spec.column.nullable:
            body.extend([f"if nulls >> {spec.i} & 1:", f"    j{spec.i} = b'null'", "else:"])
            body.extend("    " + line for line in spec.code())
        else:
            body.extend(spec.code())
    row_template = _template([(c.name, spec.slot[0]) for c, spec in zip(columns, specs, strict=True)])
    row_args = ", ".join(spec.slot[1] for spec in specs)
    key = "None"
    if primary_key:
        by_name = {c.name: spec for c, spec in zip(columns, specs, strict=True)}
        namespace["_key"] = _template([(name, by_name[name].slot[0]) for name in primary_key])
        key = f"_key % ({', '.join(by_name[name].slot[1] for name in primary_key)},)"
    body.append(f"return _row % ({row_args},), {key}, pos")
    source = "def read(data, pos):\n" + "\n".join("    " + line for line in body) + "\n"
    text_get, text = _short_text_json()
    dt_get, dt = _datetime_json(0)
    dt_null_get, dt_null = _datetime_json(None)
    namespace.update(
        {
            "_from": int.from_bytes,
            "_u16": struct.Struct("<H").unpack_from,
            "_u32": struct.Struct("<I").unpack_from,
            "_text_get": text_get,
            "_text": text,
            "_dt_get": dt_get,
            "_dt": dt,
            "_dt_null_get": dt_null_get,
            "_dt_null": dt_null,
            "_dumps": dumps,
            "_decoders": tuple(decoders),
            "_row": row_template,
        }
    )
    exec(compile(source, "<cdc json row reader>", "exec"), namespace)
    reader: FullJsonReader = namespace["read"]
    return reader


def _template(fields: list[tuple[str, str]]) -> bytes:
    """``{"name":<slot>,...}`` with the names JSON-encoded like orjson does (``%`` doubled)."""
    parts = [dumps(name).replace(b"%", b"%%") + b":" + slot.encode() for name, slot in fields]
    return b"{" + b",".join(parts) + b"}"


class JsonRowReader:
    """Row images of one table as JSON; the generated reader when every column is present."""

    def __init__(self, rows: RowReader, full: FullJsonReader | None, key: Callable[[dict[str, Any]], bytes] | None):
        self._rows = rows
        self._full = full
        self._key = key
        self._count = rows.count

    def read(self, data: bytes, pos: int, present: tuple[int, ...]) -> JsonRow:
        if self._full is not None and len(present) == self._count:
            try:
                return self._full(data, pos)
            except UnicodeDecodeError:  # invalid UTF-8: the dict reader replaces bad bytes
                pass
        row, end = self._rows.read(data, pos, present)
        return dumps(row), (self._key(row) if self._key is not None and row else None), end

    def rows(self, kind: int, data: bytes, start: int, end: int) -> list[JsonChange]:
        """(before JSON, after JSON, key JSON) of every row of the WRITE/UPDATE/DELETE rows event
        whose body is ``data[start:end]``; the key is the after image's (before's for deletes)."""
        present, present_after, pos = rows_event_columns(kind, data, start)
        read = self.read
        rows: list[JsonChange] = []
        if kind in _WRITE:
            while pos < end:
                after, key, pos = read(data, pos, present)
                rows.append((None, after, key))
        elif kind in _DELETE:
            while pos < end:
                before, key, pos = read(data, pos, present)
                rows.append((before, None, key))
        else:
            while pos < end:
                before, _, pos = read(data, pos, present)
                after, key, pos = read(data, pos, present_after)
                rows.append((before, after, key))
        return rows
