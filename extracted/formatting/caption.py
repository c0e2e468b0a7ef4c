"""The ``[caption]`` shortcode: an image with its caption, as a ``<figure>`` (HTML5 themes) or a ``<div>``."""

from __future__ import annotations

import re
from collections.abc import Callable

from .errors import WordPressFatalError
from .html import escape_attribute, sanitize_html_class
from .phpdata import php_int
from .shortcodes import Attributes

IMAGE_THEN_CAPTION = re.compile(r"((?:<a [^>]+>\s*)?<img [^>]+>(?:\s*</a>)?)(.*)", re.IGNORECASE | re.DOTALL | re.ASCII)
PHP_TRIM = " \t\n\r\0\x0b"


def render_caption(
    attributes: Attributes, content: str | None, *, html5: bool, render_inner: Callable[[str], str]
) -> str:
    content = content or ""
    caption = attributes.get("caption")
    if caption is None:
        match = IMAGE_THEN_CAPTION.search(content)
        if match:
            if not attributes:
                # Without attributes WordPress has a string, not an array, and PHP 8 fails writing to it.
                raise WordPressFatalError("[caption] without attributes around an image: PHP TypeError")
            content, caption = match.group(1), match.group(2).strip(PHP_TRIM)
    width = php_int(attributes.get("width", ""))
    if width < 1 or not caption or caption == "0":
        return content
    element_id = sanitize_html_class(attributes.get("id", "")) if attributes.get("id") else ""
    caption_id = attributes.get("caption_id", "")
    if caption_id:
        caption_id = sanitize_html_class(caption_id)
    elif element_id:
        caption_id = "caption-" + element_id.replace("_", "-")
    id_attribute = f'id="{escape_attribute(element_id)}" ' if element_id else ""
    caption_id_attribute = f'id="{escape_attribute(caption_id)}" ' if caption_id else ""
    described_by = f'aria-describedby="{escape_attribute(caption_id)}" ' if caption_id else ""
    classes = f"wp-caption {attributes.get('align', 'alignnone')} {attributes.get('class', '')}".strip(PHP_TRIM)
    style = f'style="width: {width if html5 else width + 10}px" '
    inner = render_inner(content)
    if html5:
        return (
            f'<figure {id_attribute}{described_by}{style}class="{escape_attribute(classes)}">{inner}'
            f'<figcaption {caption_id_attribute}class="wp-caption-text">{caption}</figcaption></figure>'
        )
    return (
        f'<div {id_attribute}{style}class="{escape_attribute(classes)}">'
        f"{inner.replace('<img ', '<img ' + described_by)}"
        f'<p {caption_id_attribute}class="wp-caption-text">{caption}</p></div>'
    )
