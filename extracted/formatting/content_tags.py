"""Attributes WordPress adds to images and iframes of rendered content (``wp_filter_content_tags``).

Images of the media library (class ``wp-image-N``) get their ``width``/``height`` and ``srcset``/``sizes``
from the attachment metadata; every image gets ``decoding="async"`` and, with a size, ``loading="lazy"``;
iframes with a size get ``loading="lazy"``. (Outside the main loop, as in a REST response, nothing is eager.)
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping

from .attachments import EDIT_HASH, image_src_dimensions, sizes_attribute, srcset
from .html import escape_attribute
from .types import Attachment, SiteOptions

MEDIA_TAG = re.compile(r"<(img|iframe)\s[^>]+>", re.ASCII)
ATTACHMENT_CLASS = re.compile(r"wp-image-([0-9]+)", re.IGNORECASE)
SOURCE = re.compile(r'src="([^"]+)"')
WIDTH = re.compile(r' width="([0-9]+)"')
HEIGHT = re.compile(r' height="([0-9]+)"')
IMG_TAG_END = re.compile(r"<img ([^>]+?)[/ ]*>")


def _source(image: str) -> str:
    found = SOURCE.search(image)
    return found.group(1).split("?", 1)[0] if found else ""


def _add_dimensions(image: str, attachment: Attachment | None) -> str:
    source = _source(image)
    if not source or attachment is None or attachment.metadata is None:
        return image
    dimensions = image_src_dimensions(source, attachment.metadata)
    if dimensions is None:
        return image
    width, height = dimensions
    size = ((f'width="{width}" ' if width else "") + (f'height="{height}" ' if height else "")).strip()
    return image.replace("<img", f"<img {size}")


def _add_srcset(image: str, attachment: Attachment | None, site: SiteOptions) -> str:
    meta = attachment.metadata if attachment is not None else None
    if meta is None or not meta.sizes:
        return image
    source = _source(image)
    if not source:
        return image
    edit_hash = EDIT_HASH.search(meta.file)
    if edit_hash and edit_hash.group(0) not in posixpath.basename(source):
        return image
    width_match, height_match = WIDTH.search(image), HEIGHT.search(image)
    width = int(width_match.group(1)) if width_match else 0
    height = int(height_match.group(1)) if height_match else 0
    if not (width and height):
        dimensions = image_src_dimensions(source, meta)
        if dimensions is None:
            return image
        width, height = dimensions
    candidates = srcset(width, height, source, meta, site)
    if not candidates:
        return image
    attributes = f' srcset="{escape_attribute(candidates)}"'
    if image.find(" sizes=") <= 0:
        sizes = sizes_attribute(width)
        if not sizes:
            return image
        attributes += f' sizes="{escape_attribute(sizes)}"'
    return IMG_TAG_END.sub(lambda m: f"<img {m.group(1)}{attributes} />", image)


def _filter_image(image: str, attachment_id: int, attachments: Mapping[int, Attachment], site: SiteOptions) -> str:
    attachment = attachments.get(attachment_id)
    if attachment_id and " width=" not in image and " height=" not in image:
        image = _add_dimensions(image, attachment)
    if attachment_id and " srcset=" not in image:
        image = _add_srcset(image, attachment, site)
    if " loading=" not in image and ' src="' in image and ' width="' in image and ' height="' in image:
        image = image.replace("<img", '<img loading="lazy"')
    if " decoding=" not in image and ' src="' in image:
        image = image.replace("<img ", '<img decoding="async" ')
    return image


def _filter_iframe(iframe: str) -> str:
    if ' data-secret="' in iframe or " loading=" in iframe:
        return iframe
    if ' src="' in iframe and ' width="' in iframe and ' height="' in iframe:
        return iframe.replace("<iframe", '<iframe loading="lazy"')
    return iframe


def filter_content_tags(content: str, attachments: Mapping[int, Attachment], site: SiteOptions) -> str:
    """WordPress's ``wp_filter_content_tags`` for content rendered outside the main loop."""
    seen: set[str] = set()
    for match in MEDIA_TAG.finditer(content):
        tag = match.group(0)
        if tag in seen:
            continue
        seen.add(tag)
        if match.group(1) == "img":
            class_id = ATTACHMENT_CLASS.search(tag)
            filtered = _filter_image(tag, int(class_id.group(1)) if class_id else 0, attachments, site)
        else:
            filtered = _filter_iframe(tag)
        if filtered != tag:
            content = content.replace(tag, filtered)
    return content
