"""What ``wp_comments`` holds, as wpdb checks a row before it inserts it (``wpdb::strip_invalid_text``).

wpdb refuses an insert when a text value would change in its column: longer than the column (bytes for a
``text`` column or an ASCII value, characters otherwise) or not UTF-8. ``wp_new_comment`` then cleans
the author, email, URL and content for their columns (cut to length, bytes that are not UTF-8 dropped)
and tries again; a second refusal is ``comment_save_error``.
"""

from __future__ import annotations

import re

from extracted.formatting.php import from_bytes, to_bytes

from .settings import ColumnLengths
from .view import CommentRow

__all__ = ["fits", "strip_invalid_text"]

_SURROGATES = re.compile(r"[\ud800-\udfff]")


def strip_invalid_text(value: str, column: tuple[str, int]) -> str:
    """The value a ``utf8mb4`` column of that kind and length keeps (``wpdb::strip_invalid_text``)."""
    kind, length = column
    if value.isascii():
        return value[:length]
    if kind == "byte":
        value = from_bytes(to_bytes(value)[:length])
    value = _SURROGATES.sub("", value)  # a byte that is not part of a UTF-8 character
    return value[:length]


def _text_columns(columns: ColumnLengths) -> dict[str, tuple[str, int]]:
    return {
        "comment_author": columns.author,
        "comment_author_email": columns.email,
        "comment_author_url": columns.url,
        "comment_author_IP": columns.ip,
        "comment_content": columns.content,
        "comment_agent": columns.agent,
        "comment_type": columns.type,
    }


def fits(row: CommentRow, columns: ColumnLengths) -> bool:
    """Whether wpdb inserts the row as it is (every text value unchanged by its column)."""
    values = row.columns()
    for name, column in _text_columns(columns).items():
        value = values.get(name)
        if isinstance(value, str) and strip_invalid_text(value, column) != value:
            return False
    return True
