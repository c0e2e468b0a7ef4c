"""Attachment data from post meta as WordPress stores it (``_wp_attachment_metadata`` is PHP-serialized)."""

from __future__ import annotations

from collections.abc import Mapping

from .phpdata import UnserializeError, php_unserialize
from .types import Attachment, ImageMeta, ImageSize


def _int(value: object) -> int:
    try:
        return int(float(str(value))) if value not in (None, "") else 0
    except ValueError:
        return 0


def image_meta(serialized: str) -> ImageMeta | None:
    """``_wp_attachment_metadata`` as ``ImageMeta``, or None when it holds no image data."""
    try:
        data = php_unserialize(serialized)
    except UnserializeError:
        return None
    if not isinstance(data, dict):
        return None
    sizes_data = data.get("sizes")
    sizes = {
        str(name): ImageSize(
            str(size.get("file", "")), _int(size.get("width")), _int(size.get("height")), str(size.get("mime-type", ""))
        )
        for name, size in (sizes_data.items() if isinstance(sizes_data, dict) else ())
        if isinstance(size, dict)
    }
    return ImageMeta(str(data.get("file", "")), _int(data.get("width")), _int(data.get("height")), sizes)


def attachment_from_meta(
    attachment_id: int, *, mime_type: str, meta: Mapping[str, str], **fields: object
) -> Attachment:
    """An ``Attachment`` from its post fields and its post meta (``_wp_attached_file`` and friends)."""
    serialized = meta.get("_wp_attachment_metadata")
    return Attachment(
        id=attachment_id,
        mime_type=mime_type,
        attached_file=meta.get("_wp_attached_file", ""),
        alt=meta.get("_wp_attachment_image_alt", ""),
        metadata=image_meta(serialized) if serialized else None,
        **fields,  # type: ignore[arg-type]
    )
