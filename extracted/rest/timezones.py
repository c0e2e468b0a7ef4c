"""``wp_timezone()``: the site's time zone, which the REST API's dates (``date`` vs ``date_gmt``, the
``before``/``after`` arguments) are read and written in."""

from __future__ import annotations

from datetime import UTC, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["site_timezone"]


def site_timezone(timezone_string: str, gmt_offset: str) -> tzinfo:
    """The ``timezone_string`` option's zone, else the ``gmt_offset`` option's hours (UTC if unreadable)."""
    if timezone_string:
        try:
            return ZoneInfo(timezone_string)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    try:
        return timezone(timedelta(hours=float(gmt_offset or 0)))
    except ValueError:
        return UTC
