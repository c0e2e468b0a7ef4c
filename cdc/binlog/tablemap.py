"""TABLE_MAP_EVENT parsing, including the optional metadata of ``binlog_row_metadata=FULL``.

WordPress commits one row per transaction, so every row event is preceded by its own table map:
parsing it each time is what made the generic library slow. :class:`TableMapCache` keys the
parsed :class:`TableSchema` (with its compiled row decoders) by the raw event body, so a table
map is parsed once per table definition and afterwards costs one dict lookup.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cdc.binlog.rows import RowReader, compile_reader
from cdc.binlog.wire import T, read_lenenc
from cdc.columns import Column, Kind

# optional metadata field types (sql/log_event.h: Table_map_log_event::Optional_metadata_field_type)
SIGNEDNESS, DEFAULT_CHARSET, COLUMN_CHARSET, COLUMN_NAME = 1, 2, 3, 4
SET_STR_VALUE, ENUM_STR_VALUE, GEOMETRY_TYPE, SIMPLE_PRIMARY_KEY, PRIMARY_KEY_WITH_PREFIX = 5, 6, 7, 8, 9
ENUM_AND_SET_DEFAULT_CHARSET, ENUM_AND_SET_COLUMN_CHARSET = 10, 11

BINARY_COLLATION = 63
_NUMERIC = {T.TINY, T.SHORT, T.INT24, T.LONG, T.LONGLONG, T.FLOAT, T.DOUBLE, T.NEWDECIMAL, T.DECIMAL}
_CHARACTER = {T.STRING, T.VARCHAR, T.VAR_STRING, T.BLOB, T.TINY_BLOB, T.MEDIUM_BLOB, T.LONG_BLOB}
_META_BYTES = {
    T.FLOAT: 1,
    T.DOUBLE: 1,
    T.BLOB: 1,
    T.TINY_BLOB: 1,
    T.MEDIUM_BLOB: 1,
    T.LONG_BLOB: 1,
    T.GEOMETRY: 1,
    T.JSON: 1,
    T.TIMESTAMP2: 1,
    T.DATETIME2: 1,
    T.TIME2: 1,
    T.VARCHAR: 2,
    T.VAR_STRING: 2,
    T.BIT: 2,
    T.NEWDECIMAL: 2,
    T.STRING: 2,
    T.ENUM: 2,
    T.SET: 2,
}
_KIND: dict[int, Kind] = {
    T.TINY: "int",
    T.SHORT: "int",
    T.INT24: "int",
    T.LONG: "int",
    T.LONGLONG: "int",
    T.FLOAT: "float",
    T.DOUBLE: "float",
    T.NEWDECIMAL: "decimal",
    T.DECIMAL: "decimal",
    T.VARCHAR: "string",
    T.VAR_STRING: "string",
    T.STRING: "string",
    T.BLOB: "string",
    T.TINY_BLOB: "string",
    T.MEDIUM_BLOB: "string",
    T.LONG_BLOB: "string",
    T.BIT: "bit",
    T.DATETIME: "datetime",
    T.DATETIME2: "datetime",
    T.TIMESTAMP: "timestamp",
    T.TIMESTAMP2: "timestamp",
    T.DATE: "date",
    T.NEWDATE: "date",
    T.TIME: "time",
    T.TIME2: "time",
    T.YEAR: "year",
    T.ENUM: "enum",
    T.SET: "set",
    T.JSON: "json",
    T.GEOMETRY: "binary",
}


class MissingMetadataError(ValueError):
    """The table map has no column names: binlog_row_metadata is not FULL."""


@dataclass(frozen=True, slots=True)
class TableSchema:
    table_id: int
    db: str
    table: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    reader: RowReader = field(compare=False, repr=False)
    #: binlog column types and metadata, as in the table map (for other generated decoders)
    types: tuple[int, ...] = field(default=(), compare=False, repr=False)
    metas: tuple[int, ...] = field(default=(), compare=False, repr=False)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _string_type(meta: int) -> tuple[int, int]:
    """(real type, max length) of a MYSQL_TYPE_STRING column from its two metadata bytes."""
    byte0, byte1 = meta >> 8, meta & 0xFF
    if (byte0 & 0x30) != 0x30:
        return byte0 | 0x30, byte1 | (((byte0 & 0x30) ^ 0x30) << 4)
    return byte0, byte1


def _read_str_lists(data: bytes, count: int) -> list[tuple[str, ...]]:
    out, pos = [], 0
    for _ in range(count):
        if pos >= len(data):
            break
        n, pos = read_lenenc(data, pos)
        labels = []
        for _ in range(n):
            size, pos = read_lenenc(data, pos)
            labels.append(data[pos : pos + size].decode("utf-8", "replace"))
            pos += size
        out.append(tuple(labels))
    return out


def _lenenc_list(data: bytes) -> list[int]:
    out, pos = [], 0
    while pos < len(data):
        value, pos = read_lenenc(data, pos)
        out.append(value)
    return out


def parse_table_map(body: bytes, table_id_size: int = 6) -> TableSchema:
    """Parse the event body (after the common header, checksum stripped)."""
    table_id = int.from_bytes(body[:table_id_size], "little")
    pos = table_id_size + 2
    db_len = body[pos]
    db = body[pos + 1 : pos + 1 + db_len].decode()
    pos += db_len + 2
    table_len = body[pos]
    table = body[pos + 1 : pos + 1 + table_len].decode()
    pos += table_len + 2
    count, pos = read_lenenc(body, pos)
    types = list(body[pos : pos + count])
    pos += count
    meta_len, pos = read_lenenc(body, pos)
    meta_end = pos + meta_len
    metas: list[int] = []
    for kind in types:
        size = _META_BYTES.get(kind, 0)
        if size == 1:
            metas.append(body[pos])
        elif size == 2:
            # STRING/ENUM/SET store (real_type, length) big-endian; the others little-endian
            metas.append(
                body[pos] << 8 | body[pos + 1] if kind in (T.STRING, T.ENUM, T.SET) else body[pos] | body[pos + 1] << 8
            )
        else:
            metas.append(0)
        pos += size
    pos = meta_end
    null_bytes = (count + 7) // 8
    nullable_bits = int.from_bytes(body[pos : pos + null_bytes], "little")
    pos += null_bytes
    fields: dict[int, bytes] = {}
    while pos < len(body):
        field_type = body[pos]
        size, pos = read_lenenc(body, pos + 1)
        fields[field_type] = body[pos : pos + size]
        pos += size
    if COLUMN_NAME not in fields:
        raise MissingMetadataError(f"{db}.{table}: table map without column names")
    return _build(table_id, db, table, types=types, metas=metas, nullable_bits=nullable_bits, fields=fields)


def _build(
    table_id: int,
    db: str,
    table: str,
    *,
    types: list[int],
    metas: list[int],
    nullable_bits: int,
    fields: dict[int, bytes],
) -> TableSchema:
    names_data, names, pos = fields[COLUMN_NAME], [], 0
    while pos < len(names_data):
        size, pos = read_lenenc(names_data, pos)
        names.append(names_data[pos : pos + size].decode())
        pos += size
    real_types = [_string_type(m)[0] if t == T.STRING else t for t, m in zip(types, metas, strict=True)]
    numeric = [i for i, t in enumerate(real_types) if t in _NUMERIC]
    sign_bits = fields.get(SIGNEDNESS, b"")
    unsigned = {
        col for n, col in enumerate(numeric) if n // 8 < len(sign_bits) and sign_bits[n // 8] & (0x80 >> (n % 8))
    }
    character = [i for i, t in enumerate(real_types) if t in _CHARACTER]
    collations = _collations(fields, len(character))
    binary = {col for n, col in enumerate(character) if collations[n] == BINARY_COLLATION}
    enum_cols = [i for i, t in enumerate(real_types) if t == T.ENUM]
    set_cols = [i for i, t in enumerate(real_types) if t == T.SET]
    labels = dict(zip(enum_cols, _read_str_lists(fields.get(ENUM_STR_VALUE, b""), len(enum_cols)), strict=False))
    labels.update(zip(set_cols, _read_str_lists(fields.get(SET_STR_VALUE, b""), len(set_cols)), strict=False))
    columns = []
    for i, (kind_code, meta) in enumerate(zip(real_types, metas, strict=True)):
        kind = _KIND.get(kind_code, "binary")
        if kind == "string" and i in binary:
            kind = "binary"
        columns.append(
            Column(
                name=names[i] if i < len(names) else f"col{i}",
                kind=kind,
                nullable=bool(nullable_bits >> i & 1),
                unsigned=i in unsigned,
                fsp=meta if kind_code in (T.DATETIME2, T.TIMESTAMP2, T.TIME2) else 0,
                scale=meta >> 8 if kind_code == T.NEWDECIMAL else 0,
                bits=(meta >> 8) * 8 + (meta & 0xFF) if kind_code == T.BIT else 0,
                labels=labels.get(i, ()),
            )
        )
    pk_index = _lenenc_list(fields.get(SIMPLE_PRIMARY_KEY, b""))
    if not pk_index and PRIMARY_KEY_WITH_PREFIX in fields:
        pk_index = _lenenc_list(fields[PRIMARY_KEY_WITH_PREFIX])[::2]
    cols = tuple(columns)
    reader = compile_reader(cols, types, metas)
    primary_key = tuple(cols[i].name for i in pk_index)
    return TableSchema(table_id, db, table, cols, primary_key, reader, tuple(types), tuple(metas))


def _collations(fields: dict[int, bytes], count: int) -> list[int]:
    if COLUMN_CHARSET in fields:
        values = _lenenc_list(fields[COLUMN_CHARSET])
        return (values + [0] * count)[:count]
    data = fields.get(DEFAULT_CHARSET, b"")
    if not data:
        return [0] * count
    values = _lenenc_list(data)
    out = [values[0]] * count
    for n in range(1, len(values) - 1, 2):
        if values[n] < count:
            out[values[n]] = values[n + 1]
    return out


class TableMapCache:
    """Parsed table maps by raw body; the current table-id binding is kept per binlog transaction."""

    def __init__(self) -> None:
        self._by_body: dict[bytes, TableSchema] = {}
        self.by_id: dict[int, TableSchema] = {}

    def add(self, body: bytes) -> TableSchema:
        schema = self._by_body.get(body)
        if schema is None:
            if len(self._by_body) > 4096:
                self._by_body.clear()
            schema = self._by_body[body] = parse_table_map(body)
        self.by_id[schema.table_id] = schema
        return schema
