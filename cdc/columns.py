"""Column model and Debezium's default value mapping (pure).

==================  =======================================================================
MySQL/MariaDB type  JSON value in events
==================  =======================================================================
TINYINT..BIGINT     integer; UNSIGNED as the unsigned integer (BIGINT UNSIGNED may exceed
                    2^63: Debezium's ``bigint.unsigned.handling.mode=precise`` would send a
                    decimal, we send the exact integer - JSON has no width)
FLOAT, DOUBLE       number
DECIMAL             string, e.g. ``"12.50"`` (= Debezium ``decimal.handling.mode=string``)
CHAR/VARCHAR/TEXT   string; ENUM as its label; SET as comma-joined labels
BINARY/BLOB         base64 string (Debezium ``binary.handling.mode=bytes`` through JsonConverter)
BIT(1) / BIT(n)     boolean / base64 bytes (big-endian)
DATETIME(0..3)      epoch milliseconds, the wall-clock value read as UTC
DATETIME(4..6)      epoch microseconds
TIMESTAMP           ISO-8601 UTC string ``2024-01-02T03:04:05Z`` (Debezium ZonedTimestamp)
DATE                days since 1970-01-01
TIME                microseconds (Debezium MicroTime)
YEAR                integer
JSON (MySQL)        string
==================  =======================================================================

Zero dates (``0000-00-00 00:00:00``, which WordPress writes on purpose) become ``0`` on NOT NULL
columns and ``null`` on nullable ones, like Debezium.
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

Kind = Literal[
    "int",
    "float",
    "decimal",
    "string",
    "binary",
    "bit",
    "datetime",
    "timestamp",
    "date",
    "time",
    "year",
    "enum",
    "set",
    "json",
]

MS_PER_DAY = 86_400_000
US_PER_DAY = 86_400_000_000


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: Kind
    nullable: bool
    unsigned: bool = False
    fsp: int = 0  # fractional-second digits of DATETIME/TIME/TIMESTAMP
    scale: int = 0  # DECIMAL scale
    bits: int = 0  # BIT width
    labels: tuple[str, ...] = ()  # ENUM/SET labels in definition order

    @property
    def micro(self) -> bool:
        """DATETIME with more than millisecond precision is sent as microseconds."""
        return self.fsp > 3


def days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date; total (never raises) so that
    lax dates MySQL accepts, like 2020-02-30, still map to a number."""
    year -= month <= 2
    era = (year if year >= 0 else year - 399) // 400
    yoe = year - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def zero_date(column: Column) -> int | None:
    return None if column.nullable else 0


def datetime_value(  # noqa: PLR0917 - hot path: positional fields avoid building a tuple per value
    column: Column, y: int, mo: int, d: int, h: int, mi: int, s: int, us: int
) -> int | None:
    if mo == 0 or d == 0:
        return zero_date(column)
    days = days_from_civil(y, mo, d)
    micros = days * US_PER_DAY + ((h * 60 + mi) * 60 + s) * 1_000_000 + us
    return micros if column.micro else micros // 1000


def timestamp_value(seconds: int, us: int, fsp: int) -> str:
    days, rem = divmod(seconds, 86400)
    y, mo, d = civil_from_days(days)
    h, rem = divmod(rem, 3600)
    mi, s = divmod(rem, 60)
    frac = f".{us:06d}"[: fsp + 1] if fsp else ""
    return f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}{frac}Z"


def civil_from_days(days: int) -> tuple[int, int, int]:
    days += 719468
    era = (days if days >= 0 else days - 146096) // 146097
    doe = days - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + (3 if mp < 10 else -9)
    return yoe + era * 400 + (m <= 2), m, d


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def format_decimal(value: Decimal, scale: int) -> str:
    return f"{value:.{scale}f}"


# -- snapshot side: values arrive as the server's text (pymysql with no converters) ---------------

TextConverter = Callable[[Any], Any]


def _split_datetime(text: str) -> tuple[int, int, int, int, int, int, int]:
    if len(text) == 19:  # the usual 'YYYY-MM-DD HH:MM:SS': slicing beats splitting
        return (
            int(text[0:4]),
            int(text[5:7]),
            int(text[8:10]),
            int(text[11:13]),
            int(text[14:16]),
            int(text[17:19]),
            0,
        )
    date_part, _, time_part = text.partition(" ")
    y, mo, d = (int(p) for p in date_part.split("-"))
    if not time_part:
        return y, mo, d, 0, 0, 0, 0
    hms, _, frac = time_part.partition(".")
    h, mi, s = (int(p) for p in hms.split(":"))
    return y, mo, d, h, mi, s, int((frac + "000000")[:6]) if frac else 0


def _time_micros(text: str) -> int:
    negative = text.startswith("-")
    hms, _, frac = text.lstrip("-").partition(".")
    h, mi, s = (int(p) for p in hms.split(":"))
    micros = ((h * 60 + mi) * 60 + s) * 1_000_000 + (int((frac + "000000")[:6]) if frac else 0)
    return -micros if negative else micros


def text_converter(column: Column) -> TextConverter:
    """How one column's text (or bytes, for binary columns) from a SELECT becomes its event value."""
    kind = column.kind
    if kind in ("int", "year"):
        return int
    if kind == "float":
        return float
    if kind == "decimal":
        return lambda text: _decimal_text(text, column.scale)
    if kind in ("string", "enum", "set", "json"):
        return lambda text: text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    if kind == "binary":
        return lambda raw: b64(raw if isinstance(raw, bytes) else raw.encode("utf-8"))
    if kind == "bit":
        return lambda raw: _bit_value(raw if isinstance(raw, bytes) else raw.encode("latin-1"), column.bits)
    if kind == "datetime":
        # WordPress rows repeat their dates (post_date, post_modified, imports): memoise per column
        return functools.lru_cache(maxsize=4096)(lambda text: datetime_value(column, *_split_datetime(text)))
    if kind == "date":
        return lambda text: _date_text(column, text)
    if kind == "time":
        return _time_micros
    if kind == "timestamp":
        return lambda text: _timestamp_text(column, text)
    raise AssertionError(kind)


def _decimal_text(text: str, scale: int) -> str:
    try:
        return format_decimal(Decimal(text), scale)
    except InvalidOperation:
        return text


def _date_text(column: Column, text: str) -> int | None:
    y, mo, d, *_ = _split_datetime(text)
    return zero_date(column) if mo == 0 or d == 0 else days_from_civil(y, mo, d)


def _timestamp_text(column: Column, text: str) -> str | None:
    y, mo, d, h, mi, s, us = _split_datetime(text)
    if mo == 0 or d == 0:
        return None if column.nullable else "1970-01-01T00:00:00Z"
    return timestamp_value(days_from_civil(y, mo, d) * 86400 + (h * 60 + mi) * 60 + s, us, column.fsp)


def _bit_value(raw: bytes, bits: int) -> bool | str:
    return bool(int.from_bytes(raw, "big")) if bits == 1 else b64(raw)


# -- information_schema.COLUMNS -> Column --------------------------------------------------------

_KINDS: dict[str, Kind] = {
    "tinyint": "int",
    "smallint": "int",
    "mediumint": "int",
    "int": "int",
    "integer": "int",
    "bigint": "int",
    "float": "float",
    "double": "float",
    "real": "float",
    "decimal": "decimal",
    "numeric": "decimal",
    "char": "string",
    "varchar": "string",
    "tinytext": "string",
    "text": "string",
    "mediumtext": "string",
    "longtext": "string",
    "binary": "binary",
    "varbinary": "binary",
    "tinyblob": "binary",
    "blob": "binary",
    "mediumblob": "binary",
    "longblob": "binary",
    "bit": "bit",
    "datetime": "datetime",
    "timestamp": "timestamp",
    "date": "date",
    "time": "time",
    "year": "year",
    "enum": "enum",
    "set": "set",
    "json": "json",
    "geometry": "binary",
    "point": "binary",
    "linestring": "binary",
    "polygon": "binary",
}


def _labels(column_type: str) -> tuple[str, ...]:
    inner = column_type[column_type.index("(") + 1 : column_type.rindex(")")]
    return tuple(part.strip()[1:-1].replace("''", "'") for part in _split_quoted(inner))


def _split_quoted(inner: str) -> list[str]:
    parts: list[str] = []
    current, quoted, i = "", False, 0
    while i < len(inner):
        ch = inner[i]
        if ch == "'" and quoted and i + 1 < len(inner) and inner[i + 1] == "'":
            current += "''"
            i += 2
            continue
        if ch == "'":
            quoted = not quoted
        if ch == "," and not quoted:
            parts.append(current)
            current = ""
        else:
            current += ch
        i += 1
    parts.append(current)
    return parts


def column_from_information_schema(row: Mapping[str, Any]) -> Column:
    """Build a Column from one ``information_schema.COLUMNS`` row (upper-case keys)."""
    data_type = str(row["DATA_TYPE"]).lower()
    column_type = str(row["COLUMN_TYPE"]).lower()
    kind = _KINDS.get(data_type, "string")
    if kind == "string" and str(row.get("CHARACTER_SET_NAME") or "") == "binary":
        kind = "binary"
    bits = int(row.get("NUMERIC_PRECISION") or 0) if kind == "bit" else 0
    return Column(
        name=str(row["COLUMN_NAME"]),
        kind=kind,
        nullable=str(row["IS_NULLABLE"]).upper() == "YES",
        unsigned="unsigned" in column_type,
        fsp=int(row.get("DATETIME_PRECISION") or 0),
        scale=int(row.get("NUMERIC_SCALE") or 0) if kind == "decimal" else 0,
        bits=bits,
        labels=_labels(str(row["COLUMN_TYPE"])) if kind in ("enum", "set") else (),
    )
