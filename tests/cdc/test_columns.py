from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from cdc.columns import (
    Column,
    civil_from_days,
    column_from_information_schema,
    datetime_value,
    days_from_civil,
    text_converter,
)


def _col(kind: str, **kw: object) -> Column:
    return Column(name="c", kind=kind, nullable=bool(kw.pop("nullable", False)), **kw)  # type: ignore[arg-type]


@given(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_days_from_civil_matches_the_calendar(day: dt.date) -> None:
    expected = (day - dt.date(1970, 1, 1)).days
    assert days_from_civil(day.year, day.month, day.day) == expected
    assert civil_from_days(expected) == (day.year, day.month, day.day)


def test_datetime_is_epoch_ms_read_as_utc() -> None:
    expected = int(dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC).timestamp() * 1000)
    assert datetime_value(_col("datetime"), 2024, 1, 2, 3, 4, 5, 0) == expected
    assert datetime_value(_col("datetime", fsp=6), 2024, 1, 2, 3, 4, 5, 7) == expected * 1000 + 7


def test_zero_dates_are_zero_or_null() -> None:
    assert datetime_value(_col("datetime"), 0, 0, 0, 0, 0, 0, 0) == 0
    assert datetime_value(_col("datetime", nullable=True), 0, 0, 0, 0, 0, 0, 0) is None
    assert text_converter(_col("datetime"))("0000-00-00 00:00:00") == 0
    assert text_converter(_col("date", nullable=True))("0000-00-00") is None


def test_text_converters_follow_debezium_mapping() -> None:
    assert text_converter(_col("datetime"))("2024-01-02 03:04:05") == 1704164645000
    assert text_converter(_col("int", unsigned=True))("18446744073709551615") == 2**64 - 1
    assert text_converter(_col("decimal", scale=2))("12.5") == "12.50"
    assert text_converter(_col("date"))("1970-01-02") == 1
    assert text_converter(_col("time"))("-01:00:00.5") == -3_600_500_000
    assert text_converter(_col("timestamp"))("2024-01-02 03:04:05") == "2024-01-02T03:04:05Z"
    assert text_converter(_col("binary"))(b"\x00\x01") == "AAE="
    assert text_converter(_col("bit", bits=1))(b"\x01") is True
    assert text_converter(_col("float"))("1.5") == 1.5
    assert text_converter(_col("string"))("héllo") == "héllo"


def test_column_from_information_schema() -> None:
    row = {
        "COLUMN_NAME": "ID",
        "DATA_TYPE": "bigint",
        "COLUMN_TYPE": "bigint(20) unsigned",
        "IS_NULLABLE": "NO",
        "DATETIME_PRECISION": None,
        "NUMERIC_SCALE": 0,
        "CHARACTER_SET_NAME": None,
    }
    assert column_from_information_schema(row) == Column("ID", "int", nullable=False, unsigned=True)
    enum = {
        "COLUMN_NAME": "e",
        "DATA_TYPE": "enum",
        "COLUMN_TYPE": "enum('a','b,c','it''s')",
        "IS_NULLABLE": "YES",
        "CHARACTER_SET_NAME": "utf8mb4",
    }
    assert column_from_information_schema(enum).labels == ("a", "b,c", "it's")
