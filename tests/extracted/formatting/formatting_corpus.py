"""The shared WXR corpus (../shared/corpus) as the formatting library's input."""

from __future__ import annotations

from pathlib import Path

from extracted.formatting import PostContext
from extracted.formatting.attachment_meta import attachment_from_meta
from wordpress.wxr import WxrExport, WxrPost, read_wxr

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus"
MIME_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "mp3": "audio/mpeg",
    "mp4": "video/mp4",
}


def exports() -> list[WxrExport]:
    """Every export of the corpus (none where the corpus is absent)."""
    return [read_wxr(path) for path in sorted(CORPUS.glob("*.xml"))]


def context(post: WxrPost, export: WxrExport) -> PostContext:
    """The post as the renderer sees it, with every attachment of its export."""
    attachments = {
        item.post_id: attachment_from_meta(
            item.post_id,
            mime_type=MIME_TYPES.get(item.guid.rsplit(".", 1)[-1].lower(), "application/octet-stream"),
            meta=dict(item.meta),
            guid=item.guid,
            title=item.title,
            caption=item.excerpt,
            description=item.content,
            parent=item.parent,
            menu_order=item.menu_order,
            name=item.name,
            date=item.date,
        )
        for item in export.of_type("attachment")
    }
    return PostContext(
        id=post.post_id,
        post_type=post.post_type,
        status=post.status,
        content=post.content,
        attachments=attachments,
        meta=dict(post.meta),
    )
