"""Fast decoding of row images in WRITE/UPDATE/DELETE_ROWS events straight to event values.

Each column gets a decoder ``(data, pos) -> (value, next_pos)`` chosen once per table map, so
decoding a row is one tight loop without per-value type dispatch. Values come out already in the
Debezium mapping of ``cdc/columns.py``.
"""

from __future__ import annotations

import functools
import struct
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from cdc.binlog.wire import E, T, read_lenenc
from cdc.columns import Column, b64, datetime_value, days_from_civil, timestamp_value, zero_date

Decoder = Callable[[bytes, int], tuple[Any, int]]
Row = dict[str, Any]

_INT_FORMATS = {T.TINY: ("b", "B"), T.SHORT: ("h", "H"), T.LONG: ("i", "I"), T.LONGLONG: ("q", "Q")}
_DIG2BYTES = (0, 1, 1, 2, 2, 3, 3, 4, 4, 4)


def _fixed(fmt: str) -> Decoder:
    unpack = struct.Struct("<" + fmt).unpack_from
    size = struct.calcsize("<" + fmt)

    def decode(data: bytes, pos: int) -> tuple[Any, int]:
        return unpack(data, pos)[0], pos + size

    return decode


def _int24(unsigned: bool) -> Decoder:
    def decode(data: bytes, pos: int) -> tuple[int, int]:
        return int.from_bytes(data[pos : pos + 3], "little", signed=not unsigned), pos + 3

    return decode


def _text(length_bytes: int, binary: bool) -> Decoder:
    def decode(data: bytes, pos: int) -> tuple[str, int]:
        end = pos + length_bytes
        size = int.from_bytes(data[pos:end], "little")
        raw = data[end : end + size]
        return (b64(raw) if binary else raw.decode("utf-8", "replace")), end + size

    return decode


def _frac(fsp: int, data: bytes, pos: int) -> tuple[int, int]:
    size = (fsp + 1) // 2
    if not size:
        return 0, pos
    value = int.from_bytes(data[pos : pos + size], "big")
    return value * (10 ** (6 - size * 2)), pos + size


def _datetime2(column: Column) -> Decoder:
    fsp = column.fsp

    def decode(data: bytes, pos: int) -> tuple[int | None, int]:
        packed = int.from_bytes(data[pos : pos + 5], "big") - 0x8000000000
        us, end = _frac(fsp, data, pos + 5)
        ymd, hms = packed >> 17, packed & 0x1FFFF
        year_month = ymd >> 5
        return datetime_value(
            column, year_month // 13, year_month % 13, ymd & 31, hms >> 12, (hms >> 6) & 63, hms & 63, us
        ), end

    return decode


def _timestamp2(column: Column) -> Decoder:
    def decode(data: bytes, pos: int) -> tuple[str | None, int]:
        seconds = int.from_bytes(data[pos : pos + 4], "big")
        us, end = _frac(column.fsp, data, pos + 4)
        if seconds == 0 and us == 0:
            return (None if column.nullable else "1970-01-01T00:00:00Z"), end
        return timestamp_value(seconds, us, column.fsp), end

    return decode


def _time2(column: Column) -> Decoder:
    size = 3 + (column.fsp + 1) // 2

    def decode(data: bytes, pos: int) -> tuple[int, int]:
        packed = int.from_bytes(data[pos : pos + size], "big") - (0x800000 << (8 * (size - 3)))
        sign = -1 if packed < 0 else 1
        packed = abs(packed)
        frac_bits = 8 * (size - 3)
        intpart, frac = packed >> frac_bits, packed & ((1 << frac_bits) - 1)
        us = frac * (10 ** (6 - (size - 3) * 2)) if frac_bits else 0
        hours, minutes, seconds = (intpart >> 12) & 0x3FF, (intpart >> 6) & 63, intpart & 63
        return sign * ((((hours * 60) + minutes) * 60 + seconds) * 1_000_000 + us), pos + size

    return decode


def _date(column: Column) -> Decoder:
    def decode(data: bytes, pos: int) -> tuple[int | None, int]:
        v = int.from_bytes(data[pos : pos + 3], "little")
        day, month, year = v & 31, (v >> 5) & 15, v >> 9
        return (zero_date(column) if not month or not day else days_from_civil(year, month, day)), pos + 3

    return decode


def _legacy_datetime(column: Column) -> Decoder:
    def decode(data: bytes, pos: int) -> tuple[int | None, int]:
        v = int.from_bytes(data[pos : pos + 8], "little")
        date, time = divmod(v, 1_000_000)
        return datetime_value(
            column, date // 10000, date // 100 % 100, date % 100, time // 10000, time // 100 % 100, time % 100, 0
        ), pos + 8

    return decode


def _decimal(precision: int, scale: int) -> Decoder:
    intg = precision - scale
    intg0, intg0x, frac0, frac0x = intg // 9, intg % 9, scale // 9, scale % 9
    size = intg0 * 4 + _DIG2BYTES[intg0x] + frac0 * 4 + _DIG2BYTES[frac0x]

    def decode(data: bytes, pos: int) -> tuple[str, int]:
        raw = bytearray(data[pos : pos + size])
        negative = not raw[0] & 0x80
        raw[0] ^= 0x80
        if negative:
            raw = bytearray(b ^ 0xFF for b in raw)
        digits, p = [], 0
        for count, width in ((intg0x, _DIG2BYTES[intg0x]),) + ((9, 4),) * intg0:
            if width:
                digits.append(str(int.from_bytes(raw[p : p + width], "big")).zfill(count))
                p += width
        frac = []
        for count, width in ((9, 4),) * frac0 + ((frac0x, _DIG2BYTES[frac0x]),):
            if width:
                frac.append(str(int.from_bytes(raw[p : p + width], "big")).zfill(count))
                p += width
        text = ("-" if negative else "") + ("".join(digits).lstrip("0") or "0")
        if scale:
            text += "." + "".join(frac)
        return f"{Decimal(text):.{scale}f}", pos + size

    return decode


def _bit(column: Column, meta: int) -> Decoder:
    size = (meta >> 8) + (1 if meta & 0xFF else 0)

    def decode(data: bytes, pos: int) -> tuple[Any, int]:
        raw = data[pos : pos + size]
        return (bool(int.from_bytes(raw, "big")) if column.bits == 1 else b64(raw)), pos + size

    return decode


def _labels(column: Column, size: int) -> Decoder:
    labels = column.labels

    def decode(data: bytes, pos: int) -> tuple[str, int]:
        value = int.from_bytes(data[pos : pos + size], "little")
        if column.kind == "enum":
            return (labels[value - 1] if 0 < value <= len(labels) else ""), pos + size
        return ",".join(label for i, label in enumerate(labels) if value >> i & 1), pos + size

    return decode


def _year(data: bytes, pos: int) -> tuple[int, int]:
    return (data[pos] + 1900 if data[pos] else 0), pos + 1


def decoder_for(column: Column, kind: int, meta: int) -> Decoder:
    binary = column.kind == "binary"
    if kind in _INT_FORMATS:
        return _fixed(_INT_FORMATS[kind][column.unsigned])
    simple: dict[int, Decoder] = {
        T.INT24: _int24(column.unsigned),
        T.FLOAT: _fixed("f"),
        T.DOUBLE: _fixed("d"),
        T.YEAR: _year,
        T.DATETIME2: _datetime2(column),
        T.TIMESTAMP2: _timestamp2(column),
        T.TIME2: _time2(column),
        T.DATE: _date(column),
        T.NEWDATE: _date(column),
        T.DATETIME: _legacy_datetime(column),
    }
    if kind in simple:
        return simple[kind]
    if kind == T.NEWDECIMAL:
        return _decimal(meta & 0xFF, meta >> 8)
    if kind in (T.VARCHAR, T.VAR_STRING):
        return _text(1 if meta < 256 else 2, binary)
    if kind in (T.BLOB, T.TINY_BLOB, T.MEDIUM_BLOB, T.LONG_BLOB, T.GEOMETRY, T.JSON):
        return _text(meta, binary or kind == T.GEOMETRY)
    if kind == T.BIT:
        return _bit(column, meta)
    if kind == T.TIMESTAMP:
        return lambda data, pos: (timestamp_value(int.from_bytes(data[pos : pos + 4], "little"), 0, 0), pos + 4)
    if kind == T.STRING:
        byte0, byte1 = meta >> 8, meta & 0xFF
        real = byte0 | 0x30 if (byte0 & 0x30) != 0x30 else byte0
        if real in (T.ENUM, T.SET):
            return _labels(column, byte1)
        max_len = byte1 | ((((byte0 & 0x30) ^ 0x30) << 4) if (byte0 & 0x30) != 0x30 else 0)
        return _text(1 if max_len < 256 else 2, binary)
    raise ValueError(f"column {column.name}: unsupported binlog type {kind}")


class RowReader:
    """Decodes the row images of one table's row events."""

    def __init__(
        self,
        columns: Sequence[Column],
        decoders: Sequence[Decoder],
        full: Callable[[bytes, int], tuple[Row, int]] | None = None,
    ) -> None:
        self.names = tuple(c.name for c in columns)
        self.decoders = tuple(decoders)
        self.count = len(columns)
        self.full = full

    def read(self, data: bytes, pos: int, present: tuple[int, ...]) -> tuple[Row, int]:
        """One row image at ``pos``; ``present`` lists the column indexes in the image."""
        if self.full is not None and len(present) == self.count:
            try:
                return self.full(data, pos)
            except UnicodeDecodeError:  # invalid UTF-8: the generic decoders replace bad bytes
                pass
        null_size = (len(present) + 7) // 8
        nulls = int.from_bytes(data[pos : pos + null_size], "little")
        pos += null_size
        names, decoders = self.names, self.decoders
        row: Row = {}
        for bit, index in enumerate(present):
            if nulls >> bit & 1:
                row[names[index]] = None
            else:
                row[names[index]], pos = decoders[index](data, pos)
        return row, pos


def compile_reader(columns: Sequence[Column], kinds: Sequence[int], metas: Sequence[int]) -> RowReader:
    from cdc.binlog.codegen import compile_full_row_reader

    decoders = [decoder_for(c, k, m) for c, k, m in zip(columns, kinds, metas, strict=True)]
    return RowReader(columns, decoders, compile_full_row_reader(columns, kinds, metas, decoders))


@functools.lru_cache(maxsize=1024)
def present_columns(bitmap: bytes, count: int) -> tuple[int, ...]:
    bits = int.from_bytes(bitmap, "little")
    return tuple(i for i in range(count) if bits >> i & 1)


_V2_ROWS = frozenset((E.WRITE_ROWS_V2, E.UPDATE_ROWS_V2, E.DELETE_ROWS_V2))
_UPDATE_ROWS = frozenset((E.UPDATE_ROWS_V1, E.UPDATE_ROWS_V2))
_U16 = struct.Struct("<H").unpack_from


def rows_event_columns(kind: int, data: bytes, start: int) -> tuple[tuple[int, ...], tuple[int, ...], int]:
    """Header of a rows event whose body starts at ``data[start]``: the columns its (before or only)
    images carry, those its after images carry (updates; else the same), and where the rows begin."""
    pos = start + 8  # table id (6) and flags (2)
    if kind in _V2_ROWS:
        pos += _U16(data, pos)[0]  # extra data, its length included
    count = data[pos]
    if count < 0xFB:
        pos += 1
    else:
        count, pos = read_lenenc(data, pos)
    size = (count + 7) // 8
    present = present_columns(data[pos : pos + size], count)
    pos += size
    if kind not in _UPDATE_ROWS:
        return present, present, pos
    return present, present_columns(data[pos : pos + size], count), pos + size
