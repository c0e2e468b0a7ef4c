"""Attachment images as WordPress builds them: URLs, sizes, ``<img>`` tags, ``srcset`` and ``sizes``."""

from __future__ import annotations

import math
import posixpath
import re

from .html import escape_attribute
from .types import Attachment, ImageMeta, ImageSize, SiteOptions
from .urls import esc_url

IMAGE_EXTENSIONS = ("jpg", "jpeg", "jpe", "gif", "png", "webp")
EDIT_HASH = re.compile(r"-e[0-9]{13}")
MAX_SRCSET_WIDTH = 2048


def php_round(number: float) -> int:
    """PHP's round(): halves away from zero."""
    return math.floor(abs(number) + 0.5) * (1 if number >= 0 else -1)


def attachment_url(attachment: Attachment, site: SiteOptions) -> str:
    """``wp_get_attachment_url``."""
    file = attachment.attached_file
    if not file:
        return attachment.guid
    if "wp-content/uploads" in file:
        directory = f"{site.uploads_url}/{relative_directory(file)}".rstrip("/\\")
        return f"{directory}/{posixpath.basename(file)}"
    return f"{site.uploads_url}/{file}"


def attachment_link(attachment: Attachment, site: SiteOptions) -> str:
    """``get_attachment_link`` (the attachment page)."""
    return attachment.link if attachment.link is not None else f"{site.home_url}/?attachment_id={attachment.id}"


def relative_directory(file: str) -> str:
    """``_wp_get_attachment_relative_path``: the directory of a file below the uploads directory."""
    directory = posixpath.dirname(file)
    if directory in ("", "."):
        return ""
    marker = directory.find("wp-content/uploads")
    if marker >= 0:
        directory = directory[marker + 18 :].lstrip("/")
    return directory


def is_image(attachment: Attachment) -> bool:
    if not attachment.attached_file:
        return False
    if attachment.mime_type.startswith("image/"):
        return True
    extension = posixpath.splitext(attachment.attached_file)[1].lstrip(".").lower()
    return attachment.mime_type == "import" and extension in IMAGE_EXTENSIONS


def constrain(width: int, height: int, max_width: int, max_height: int) -> tuple[int, int]:
    """``wp_constrain_dimensions``: fit within a box, keeping the ratio."""
    if not max_width and not max_height:
        return width, height
    width_ratio = max_width / width if max_width > 0 and width > max_width > 0 else 1.0
    height_ratio = max_height / height if max_height > 0 and height > max_height > 0 else 1.0
    smaller, larger = min(width_ratio, height_ratio), max(width_ratio, height_ratio)
    too_big = php_round(width * larger) > max_width or php_round(height * larger) > max_height
    ratio = smaller if too_big else larger
    new_width, new_height = max(1, php_round(width * ratio)), max(1, php_round(height * ratio))
    # Rounding down to one pixel short of the box is corrected up.
    if width_ratio != 1.0 and new_width == max_width - 1:
        new_width = max_width
    if height_ratio != 1.0 and new_height == max_height - 1:
        new_height = max_height
    return new_width, new_height


def matches_ratio(source_width: int, source_height: int, target_width: int, target_height: int) -> bool:
    if source_width > target_width:
        constrained = constrain(source_width, source_height, target_width, 0)
        expected = (target_width, target_height)
    else:
        constrained = constrain(target_width, target_height, source_width, 0)
        expected = (source_width, source_height)
    return abs(constrained[0] - expected[0]) <= 1 and abs(constrained[1] - expected[1]) <= 1


def _size_box(size: str, site: SiteOptions, width: int, height: int) -> tuple[int, int]:
    boxes = {
        "thumb": site.thumbnail_size,
        "thumbnail": site.thumbnail_size,
        "medium": site.medium_size,
        "medium_large": site.medium_large_size,
        "large": site.large_size,
    }
    box = boxes.get(size, (width, height))
    if size in ("thumb", "thumbnail") and box == (0, 0):
        return 128, 96
    return box


def downsize(attachment: Attachment, size: str, site: SiteOptions) -> tuple[str, int, int] | None:
    """``image_downsize``: the URL, width and height of an attachment at a named size."""
    url = attachment_url(attachment, site)
    meta = attachment.metadata
    width = height = 0
    if not is_image(attachment):
        full = meta.sizes.get("full") if meta else None
        if full is None:
            return None
        url = url.replace(posixpath.basename(url), full.file)
        width, height = full.width, full.height
    intermediate = meta.sizes.get(size) if meta else None
    if intermediate is not None:
        url = url.replace(posixpath.basename(url), intermediate.file)
        width, height = intermediate.width, intermediate.height
    if not width and not height and meta is not None:
        width, height = meta.width, meta.height
    if not url:
        return None
    box = _size_box(size, site, width, height)
    return (url, *constrain(width, height, *box))


def image_src_dimensions(source: str, meta: ImageMeta) -> tuple[int, int] | None:
    """``wp_image_src_get_dimensions``: the size of the file an ``src`` points to, from the metadata."""
    if meta.file and posixpath.basename(meta.file) in source:
        return meta.width, meta.height
    name = posixpath.basename(source)
    for size in meta.sizes.values():
        if size.file == name:
            return size.width, size.height
    return None


def srcset(width: int, height: int, source: str, meta: ImageMeta, site: SiteOptions) -> str | None:
    """``wp_calculate_image_srcset``: every size of the same ratio, the one in ``src`` first."""
    if not meta.sizes or len(meta.file) < 4 or width < 1:
        return None
    candidates = list(meta.sizes.values())
    thumbnail = meta.sizes.get("thumbnail")
    if thumbnail is None or thumbnail.mime_type != "image/gif":
        candidates.append(ImageSize(posixpath.basename(meta.file), meta.width, meta.height))
    elif meta.file in source[1:]:
        return None
    directory = relative_directory(meta.file)
    directory = directory + "/" if directory else ""
    base_url = site.uploads_url + "/" + directory
    edited = EDIT_HASH.search(posixpath.basename(source))
    sources: dict[int, str] = {}
    matched = False
    for image in candidates:
        is_source = False
        if not matched and directory + image.file in source:
            matched = is_source = True
        if edited and image.file.find(edited.group(0)) <= 0:
            continue
        if image.width > MAX_SRCSET_WIDTH and not is_source:
            continue
        if matches_ratio(width, height, image.width, image.height):
            entry = f"{(base_url + image.file).replace(' ', '%20')} {image.width}w"
            if is_source:
                sources.pop(image.width, None)
                sources = {image.width: entry, **sources}
            else:
                sources[image.width] = entry
    if not matched or len(sources) < 2:
        return None
    return ", ".join(sources.values())


def sizes_attribute(width: int) -> str | None:
    """``wp_calculate_image_sizes`` for a known width."""
    return f"(max-width: {width}px) 100vw, {width}px" if width else None


def attachment_image(
    attachment: Attachment,
    size: str,
    site: SiteOptions,
    extra: dict[str, str] | None = None,
    *,
    post_thumbnail: bool = False,
) -> str:
    """``wp_get_attachment_image``: the ``<img>`` of an attachment at a named size ('' if it has none); a
    post's thumbnail gets the ``wp-post-image`` class."""
    image = downsize(attachment, size, site)
    if image is None:
        return ""
    source, width, height = image
    attributes = {
        "src": source,
        "class": f"attachment-{size} size-{size}",
        "alt": _strip_tags(attachment.alt).strip(" \t\n\r\0\x0b"),
        "decoding": "async",
        "loading": "lazy",
        **(extra or {}),
    }
    if attachment.metadata is not None:
        candidates = srcset(width, height, source, attachment.metadata, site)
        if candidates and width:
            attributes["srcset"] = candidates
            attributes["sizes"] = sizes_attribute(width) or ""
    if post_thumbnail:
        attributes["class"] += " wp-post-image"
    dimensions = (f'width="{width}" ' if width else "") + (f'height="{height}" ' if height else "")
    html = f"<img {dimensions}".rstrip()
    html += "".join(f' {name}="{escape_attribute(value)}"' for name, value in attributes.items())
    return html + " />"


def attachment_link_html(
    attachment: Attachment, size: str, site: SiteOptions, *, to_page: bool, extra: dict[str, str] | None = None
) -> str:
    """``wp_get_attachment_link``: the image (or the title) linked to the file or to the attachment page."""
    url = attachment_url(attachment, site)
    if not url:
        return "Missing Attachment"
    if to_page:
        url = attachment_link(attachment, site)
    text = attachment_image(attachment, size, site, extra) if size and size != "none" else ""
    if not text.strip():
        text = attachment.title
    if not text.strip():
        text = escape_attribute(posixpath.splitext(posixpath.basename(attachment.attached_file))[0])
    return f"<a href='{esc_url(url)}'>{text}</a>"


_TAGS = re.compile(r"<[^>]*>?")


def _strip_tags(text: str) -> str:
    return _TAGS.sub("", text)
