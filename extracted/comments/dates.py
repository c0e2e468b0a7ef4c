"""Dates as PHP reads and writes them for the comments API (pure).

``rest_parse_date`` (the ``after``/``before`` arguments) accepts what its RFC 3339 pattern allows and
``strtotime`` then reads, out-of-range days and months included: ``2024-02-30`` is March 1st,
``2024-00-00`` November 30th 2023, ``T24:00:60`` a minute into the next day. A value PHP reads in a way
this module does not model (a year before 1, an unusual UTC offset) is :class:`Unmodelled`: the
request is declined rather than answered differently. ``mysql_to_rfc3339`` formats a stored
``DATETIME`` with ``date_create``, which turns the zero date into ``-0001-11-30T00:00:00``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

__all__ = ["Unmodelled", "mysql_to_rfc3339", "php_date_time"]

#: ``rest_parse_date``'s pattern, with the parts captured: only an upper-case ``Z``, ASCII digits (PCRE's ``\d``)
RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:(Z)|([+-])(\d{2})(?::(\d{2}))?)?", re.ASCII
)
MYSQL_DATETIME = re.compile(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})", re.ASCII)
ZERO_DATE_RFC3339 = "-0001-11-30T00:00:00"


class Unmodelled(Exception):  # noqa: N818 - a signal: the caller declines the request
    """PHP reads this value, and this module does not know exactly how."""


def _overflowing(parts: tuple[int, int, int, int, int, int]) -> datetime:
    """The moment PHP's date parser makes of these parts: months, days and times past their range carry over."""
    year, month, day, hour, minute, second = parts
    months = year * 12 + (month - 1)
    try:
        start = datetime(months // 12, months % 12 + 1, 1)
        return start + timedelta(days=day - 1, hours=hour, minutes=minute, seconds=second)
    except (ValueError, OverflowError):
        raise Unmodelled(f"{year:04d}-{month:02d}-{day:02d}: outside the years Python's dates know") from None


def php_date_time(text: str) -> datetime | None:
    """A ``date-time`` argument as WordPress reads it: None when ``rest_parse_date`` refuses it (``Invalid
    date.``), else the moment (aware when the text has an offset, naive: the site's time zone)."""
    match = RFC3339.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    if month > 12 or day > 31 or hour > 24 or minute > 59 or second > 60:
        return None  # strtotime() refuses them
    moment = _overflowing((year, month, day, hour, minute, second))
    if match.group(7):
        return moment.replace(tzinfo=UTC)
    if match.group(8):
        hours, minutes = int(match.group(9)), int(match.group(10) or 0)
        if hours > 23:
            raise Unmodelled(f"the UTC offset {match.group(8)}{hours:02d}:{minutes:02d}")
        offset = timedelta(hours=hours, minutes=minutes)
        return moment.replace(tzinfo=timezone(offset if match.group(8) == "+" else -offset))
    return moment


def mysql_to_rfc3339(value: str) -> str:
    """``mysql_to_rfc3339``: a stored ``DATETIME`` as ``Y-m-d\\TH:i:s`` (``date_create`` reads it)."""
    if value == "0000-00-00 00:00:00":
        return ZERO_DATE_RFC3339
    match = MYSQL_DATETIME.fullmatch(value)
    if match is None:
        raise Unmodelled(f"the stored date {value!r}")
    year, month, day, hour, minute, second = (int(part) for part in match.groups())
    if 1 <= month <= 12 and 1 <= day <= 28:
        return value.replace(" ", "T")  # the usual case, valid whatever the month
    return _overflowing((year, month, day, hour, minute, second)).strftime("%Y-%m-%dT%H:%M:%S")
