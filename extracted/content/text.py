"""Text sanitizing of request arguments (``sanitize_text_field``)."""

from __future__ import annotations

import re


def strip_all_tags(text: str) -> str:
    """``wp_strip_all_tags``: scripts and styles with their content, then every tag."""
    text = re.sub(r"<(script|style)[^>]*?>.*?</\1>", "", text, flags=re.IGNORECASE | re.DOTALL)
    return re.sub(r"<[^>]*?>", "", text).strip()


def sanitize_text_field(value: str) -> str:
    """``_sanitize_text_fields`` without keeping line breaks."""
    text = str(value)
    if "<" in text:
        text = re.sub(r"<([^>]*?)((?=<)|$)", lambda m: "&lt;" + m.group(1), text)  # wp_pre_kses_less_than
        text = strip_all_tags(text)
        text = text.replace("\n", " ")
    text = re.sub(r"[\r\n\t ]+", " ", text).strip()
    found = False
    while match := re.search(r"%[a-f0-9]{2}", text, re.IGNORECASE):
        text = text.replace(match.group(0), "")
        found = True
    if found:
        text = re.sub(r" +", " ", text).strip()
    return text
