"""The ``the_title`` filter chain (``title.rendered``), and ``get_the_title`` that blocks showing a post use."""

from __future__ import annotations

from .chars import capital_p_dangit, convert_chars
from .texturize import wptexturize
from .types import SitePost

PHP_TRIM = " \t\n\r\0\x0b"


def the_title(raw: str) -> str:
    """``apply_filters('the_title', $raw)`` (``title.rendered``)."""
    return capital_p_dangit(convert_chars(wptexturize(raw)).strip(PHP_TRIM), title=True)


def get_the_title(post: SitePost) -> str:
    """``get_the_title($post)`` outside the admin: a protected or private post's title says so first.

    (A REST response's ``title.rendered`` is not this: it drops the "Protected: " prefix.)
    """
    if post.password_protected:
        return the_title(f"Protected: {post.title}")
    if post.status == "private":
        return the_title(f"Private: {post.title}")
    return the_title(post.title)
