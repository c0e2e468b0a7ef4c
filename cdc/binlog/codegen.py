"""Generates one specialised Python function per table definition to decode full row images.

A generic decoder calls one closure per column and returns a tuple each time; for a 23-column
wp_posts row that call overhead dominates. Here the common WordPress column types are decoded
inline in straight-line code:

* runs of NOT NULL fixed-width columns (integers, DATETIME) come out of one ``struct`` call;
* DATETIME values are looked up by their 5 raw bytes in a per-reader cache (WordPress rows repeat
  their dates: post_date, post_modified, their _gmt twins, imports of a whole site at once);
* text is decoded with the strict (fast) UTF-8 codec, empty text without a call at all; invalid
  UTF-8 raises :class:`UnicodeDecodeError` and the caller falls back to the generic decoders,
  which replace bad bytes like before;
* NOT NULL columns skip the null test, and the row dict is built with one literal.

Other types call their generic decoder. The generated source only ever contains column
*indexes* and constants - never names or other text from the server - and the names are passed
in as globals ``_n<index>``.
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
WIDTH = {"b": 1, "B": 1, "h": 2, "H": 2, "i": 4, "I": 4, "q": 8, "Q": 8, "5s": 5}
LENGTH_CODE = {
    1: "data[pos]",
    2: "_u16(data, pos)[0]",
    3: "_from(data[pos:pos + 3], 'little')",
    4: "_u32(data, pos)[0]",
}
DATETIME_CACHE_SIZE = 8192


def datetime_cache(zero: int | None) -> Callable[[bytes], int | None]:
    """Raw DATETIME(0) bytes -> epoch ms (``zero`` for zero dates), memoised (bounded)."""
    cache: dict[bytes, int | None] = {}

    def convert(raw: bytes) -> int | None:
        value = cache.get(raw, -1)
        if value != -1:
            return value
        p = int.from_bytes(raw, "big") - 0x8000000000
        ym, d = p >> 22, (p >> 17) & 31
        mo = ym % 13
        if mo == 0 or d == 0:
            value = zero
        else:
            seconds = (p >> 12 & 31) * 3600 + (p >> 6 & 63) * 60 + (p & 63)
            value = (days_from_civil(ym // 13, mo, d) * 86400 + seconds) * 1000
        if len(cache) >= DATETIME_CACHE_SIZE:
            cache.clear()
        cache[raw] = value
        return value

    return convert


def text_length_bytes(kind: int, meta: int) -> int | None:
    if kind in (T.VARCHAR, T.VAR_STRING):
        return 1 if meta < 256 else 2
    if kind in (T.BLOB, T.TINY_BLOB, T.MEDIUM_BLOB, T.LONG_BLOB):
        return meta if meta in LENGTH_CODE else None
    return None


def fixed_format(column: Column, kind: int) -> str | None:
    """The struct format of a fixed-width column decoded inline, or None."""
    if kind == T.DATETIME2 and column.fsp == 0:
        return "5s"
    return _STRUCTS.get((kind, column.unsigned))


def _finish_fixed(i: int, column: Column, kind: int) -> list[str]:
    """Turn the struct field ``v<i>`` into the event value (DATETIME: raw bytes -> ms)."""
    if kind == T.DATETIME2:
        return [f"v{i} = {'_dt_null' if column.nullable else '_dt'}(v{i})"]
    return []


def _column_code(i: int, column: Column, kind: int, meta: int) -> list[str]:
    v = f"v{i}"
    fmt = fixed_format(column, kind)
    if fmt is not None:
        unpack = f"_s_{fmt}"
        return [f"{v} = {unpack}(data, pos)[0]", f"pos += {WIDTH[fmt]}", *_finish_fixed(i, column, kind)]
    length_bytes = text_length_bytes(kind, meta)
    if length_bytes is not None and column.kind == "string":
        return [
            f"n = {LENGTH_CODE[length_bytes]}",
            f"pos += {length_bytes}",
            f"{v} = data[pos:pos + n].decode() if n else ''",
            "pos += n",
        ]
    return [f"{v}, pos = _decoders[{i}](data, pos)"]


def column_runs(columns: Sequence[Column], kinds: Sequence[int]) -> list[tuple[bool, list[int]]]:
    """Column indexes in order, consecutive NOT NULL fixed-width columns grouped (one struct call)."""
    runs: list[tuple[bool, list[int]]] = []
    for i, (column, kind) in enumerate(zip(columns, kinds, strict=True)):
        fixed = not column.nullable and fixed_format(column, kind) is not None
        if fixed and runs and runs[-1][0]:
            runs[-1][1].append(i)
        else:
            runs.append((fixed, [i]))
    return runs


def compile_full_row_reader(
    columns: Sequence[Column], kinds: Sequence[int], metas: Sequence[int], decoders: Sequence[Decoder]
) -> FullRowReader:
    """A reader for row images that contain every column (binlog_row_image=FULL).

    Raises UnicodeDecodeError on text that is not valid UTF-8 (see the module docstring)."""
    null_size = (len(columns) + 7) // 8
    body = [f"nulls = _from(data[pos:pos + {null_size}], 'little')", f"pos += {null_size}"]
    structs: dict[str, Any] = {f"_s_{fmt}": struct.Struct("<" + fmt).unpack_from for fmt in WIDTH}
    for fixed, group in column_runs(columns, kinds):
        if not fixed or len(group) == 1:
            i = group[0]
            code = _column_code(i, columns[i], kinds[i], metas[i])
            if columns[i].nullable:
                body.extend([f"if nulls >> {i} & 1:", f"    v{i} = None", "else:"])
                body.extend("    " + line for line in code)
            else:
                body.extend(code)
            continue
        formats = [fixed_format(columns[i], kinds[i]) or "" for i in group]
        name = f"_run{group[0]}"
        structs[name] = struct.Struct("<" + "".join(formats)).unpack_from
        body.append(f"{', '.join(f'v{i}' for i in group)} = {name}(data, pos)")
        body.append(f"pos += {sum(WIDTH[f] for f in formats)}")
        for i in group:
            body.extend(_finish_fixed(i, columns[i], kinds[i]))
    fields = ", ".join(f"_n{i}: v{i}" for i in range(len(columns)))
    body.append(f"return {{{fields}}}, pos")
    source = "def read(data, pos):\n" + "\n".join("    " + line for line in body) + "\n"
    namespace: dict[str, Any] = {
        "_from": int.from_bytes,
        "_u16": struct.Struct("<H").unpack_from,
        "_u32": struct.Struct("<I").unpack_from,
        "_dt": datetime_cache(0),
        "_dt_null": datetime_cache(None),
        "_decoders": tuple(decoders),
        **{f"_n{i}": c.name for i, c in enumerate(columns)},
        **structs,
    }
    exec(compile(source, "<cdc row reader>", "exec"), namespace)
    reader: FullRowReader = namespace["read"]
    return reader
