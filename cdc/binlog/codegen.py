"""Generates one specialised Python function per table definition to decode full row images.

A generic decoder calls one closure per column and returns a tuple each time; for a 23-column
wp_posts row that call overhead dominates. Here the common WordPress column types (integers,
VARCHAR/TEXT, DATETIME) are decoded inline in straight-line code, NOT NULL columns skip the null
test, and the row dict is built with one literal. Other types call their generic decoder. The
generated source only ever contains column *indexes* and constants - never names or other text
from the server - and the names are passed in as a tuple.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Sequence
from typing import Any

from cdc.binlog.wire import T
from cdc.columns import Column, days_from_civil

Decoder = Callable[[bytes, int], tuple[Any, int]]
FullRowReader = Callable[[bytes, int], tuple[dict[str, Any], int]]

_STRUCTS = {
    (T.TINY, False): "b",
    (T.TINY, True): "B",
    (T.SHORT, False): "h",
    (T.SHORT, True): "H",
    (T.LONG, False): "i",
    (T.LONG, True): "I",
    (T.LONGLONG, False): "q",
    (T.LONGLONG, True): "Q",
}
_WIDTH = {"b": 1, "B": 1, "h": 2, "H": 2, "i": 4, "I": 4, "q": 8, "Q": 8}


def _text_length_bytes(kind: int, meta: int) -> int | None:
    if kind in (T.VARCHAR, T.VAR_STRING):
        return 1 if meta < 256 else 2
    if kind in (T.BLOB, T.TINY_BLOB, T.MEDIUM_BLOB, T.LONG_BLOB):
        return meta
    return None


def _column_code(i: int, column: Column, kind: int, meta: int) -> list[str]:
    v = f"v{i}"
    fmt = _STRUCTS.get((kind, column.unsigned))
    if fmt is not None:
        return [f"{v} = _unpack_{fmt}(data, pos)[0]", f"pos += {_WIDTH[fmt]}"]
    length_bytes = _text_length_bytes(kind, meta)
    if length_bytes is not None and column.kind == "string":
        size = "data[pos]" if length_bytes == 1 else f"_from(data[pos:pos + {length_bytes}], 'little')"
        return [
            f"n = {size}",
            f"pos += {length_bytes}",
            f"{v} = data[pos:pos + n].decode('utf-8', 'replace')",
            "pos += n",
        ]
    if kind == T.DATETIME2 and column.fsp == 0:
        zero = "None" if column.nullable else "0"
        return [
            "p = _from(data[pos:pos + 5], 'big') - 0x8000000000",
            "pos += 5",
            "ym = p >> 22",
            "mo = ym % 13",
            "d = (p >> 17) & 31",
            "if mo == 0 or d == 0:",
            f"    {v} = {zero}",
            "else:",
            f"    {v} = (_days(ym // 13, mo, d) * 86400 + (p >> 12 & 31) * 3600 + (p >> 6 & 63) * 60"
            " + (p & 63)) * 1000",
        ]
    return [f"{v}, pos = _decoders[{i}](data, pos)"]


def compile_full_row_reader(
    columns: Sequence[Column], kinds: Sequence[int], metas: Sequence[int], decoders: Sequence[Decoder]
) -> FullRowReader:
    """A reader for row images that contain every column (binlog_row_image=FULL)."""
    null_size = (len(columns) + 7) // 8
    body = [f"nulls = _from(data[pos:pos + {null_size}], 'little')", f"pos += {null_size}"]
    for i, (column, kind, meta) in enumerate(zip(columns, kinds, metas, strict=True)):
        code = _column_code(i, column, kind, meta)
        if column.nullable:
            body.append(f"if nulls >> {i} & 1:")
            body.append(f"    v{i} = None")
            body.append("else:")
            body.extend("    " + line for line in code)
        else:
            body.extend(code)
    fields = ", ".join(f"_names[{i}]: v{i}" for i in range(len(columns)))
    body.append(f"return {{{fields}}}, pos")
    source = "def read(data, pos):\n" + "\n".join("    " + line for line in body) + "\n"
    namespace: dict[str, Any] = {
        "_from": int.from_bytes,
        "_days": days_from_civil,
        "_decoders": tuple(decoders),
        "_names": tuple(c.name for c in columns),
        **{f"_unpack_{fmt}": struct.Struct("<" + fmt).unpack_from for fmt in _WIDTH},
    }
    exec(compile(source, "<cdc row reader>", "exec"), namespace)
    reader: FullRowReader = namespace["read"]
    return reader
