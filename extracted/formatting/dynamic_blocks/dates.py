"""PHP's ``date()`` formats for the dates blocks show (``get_the_date``), in English, for UTC sites."""

from __future__ import annotations

import functools
import re
from calendar import monthrange
from collections.abc import Callable
from datetime import datetime


def _suffix(day: int) -> str:
    if day in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _hour12(moment: datetime) -> int:
    return moment.hour % 12 or 12


FORMATS: dict[str, Callable[[datetime], str]] = {
    "d": lambda m: f"{m.day:02d}",
    "D": lambda m: m.strftime("%a"),
    "j": lambda m: str(m.day),
    "l": lambda m: m.strftime("%A"),
    "N": lambda m: str(m.isoweekday()),
    "S": lambda m: _suffix(m.day),
    "w": lambda m: str(m.isoweekday() % 7),
    "z": lambda m: str(m.timetuple().tm_yday - 1),
    "W": lambda m: f"{m.isocalendar()[1]:02d}",
    "F": lambda m: m.strftime("%B"),
    "m": lambda m: f"{m.month:02d}",
    "M": lambda m: m.strftime("%b"),
    "n": lambda m: str(m.month),
    "t": lambda m: str(monthrange(m.year, m.month)[1]),
    "L": lambda m: "1" if m.year % 4 == 0 and (m.year % 100 != 0 or m.year % 400 == 0) else "0",
    "o": lambda m: str(m.isocalendar()[0]),
    "Y": lambda m: str(m.year),
    "y": lambda m: f"{m.year % 100:02d}",
    "a": lambda m: "am" if m.hour < 12 else "pm",
    "A": lambda m: "AM" if m.hour < 12 else "PM",
    "g": lambda m: str(_hour12(m)),
    "G": lambda m: str(m.hour),
    "h": lambda m: f"{_hour12(m):02d}",
    "H": lambda m: f"{m.hour:02d}",
    "i": lambda m: f"{m.minute:02d}",
    "s": lambda m: f"{m.second:02d}",
    "u": lambda m: "000000",
    "v": lambda m: "000",
    "e": lambda m: "UTC",
    "T": lambda m: "UTC",
    "P": lambda m: "+00:00",
    "p": lambda m: "Z",
    "O": lambda m: "+0000",
    "Z": lambda m: "0",
    "I": lambda m: "0",
    "U": lambda m: str(int((m - datetime(1970, 1, 1)).total_seconds())),
    "c": lambda m: m.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
    "r": lambda m: m.strftime("%a, %d %b %Y %H:%M:%S +0000"),
}


_MYSQL_DATETIME = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2})")


@functools.lru_cache(maxsize=4096)
def parse_mysql(value: str) -> datetime | None:
    """A ``Y-m-d H:i:s`` column; None for the zero date. (strptime cost ~20 µs a call, and the same
    site dates are read for every post that lists them: parsed once, by a regex.)"""
    match = _MYSQL_DATETIME.fullmatch(value)
    if match is None:
        return None
    try:
        year, month, day, hour, minute, second = (int(part) for part in match.groups())
        return datetime(year, month, day, hour, minute, second)
    except ValueError:  # the zero date, or no such day
        return None


def php_date(fmt: str, moment: datetime) -> str:
    """``date($fmt)`` of a moment (``wp_date`` for a site in UTC with English month and day names)."""
    out: list[str] = []
    escaped = False
    for char in fmt:
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            formatter = FORMATS.get(char)
            out.append(formatter(moment) if formatter else char)
    return "".join(out)
