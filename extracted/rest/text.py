"""Text sanitizing of request arguments (``sanitize_text_field``)."""

from __future__ import annotations

import re

#: what PHP's ``trim()`` removes; Python's ``str.strip()`` also removes Unicode spaces (NBSP…) that PHP keeps
PHP_TRIM = " \t\n\r\0\x0b"


def strip_all_tags(text: str) -> str:
    """``wp_strip_all_tags``: scripts and styles with their content, then every tag."""
    text = re.sub(r"<(script|style)[^>]*?>.*?</\1>", "", text, flags=re.IGNORECASE | re.DOTALL)
    return re.sub(r"<[^>]*?>", "", text).strip(PHP_TRIM)


def sanitize_text_field(value: str) -> str:
    """``_sanitize_text_fields`` without keeping line breaks."""
    text = str(value)
    if "<" in text:
        text = re.sub(r"<([^>]*?)((?=<)|$)", lambda m: "&lt;" + m.group(1), text)  # wp_pre_kses_less_than
        text = strip_all_tags(text)
        text = text.replace("\n", " ")
    text = re.sub(r"[\r\n\t ]+", " ", text).strip(PHP_TRIM)
    found = False
    while match := re.search(r"%[a-f0-9]{2}", text, re.IGNORECASE):
        text = text.replace(match.group(0), "")
        found = True
    if found:
        text = re.sub(r" +", " ", text).strip(PHP_TRIM)
    return text
