"""The ``the_title`` filter chain (``title.rendered``), also used by blocks that show a post's title."""

from __future__ import annotations

from .chars import capital_p_dangit, convert_chars
from .texturize import wptexturize

PHP_TRIM = " \t\n\r\0\x0b"


def the_title(raw: str) -> str:
    """``apply_filters('the_title', $raw)`` (``title.rendered``)."""
    return capital_p_dangit(convert_chars(wptexturize(raw)).strip(PHP_TRIM), title=True)
