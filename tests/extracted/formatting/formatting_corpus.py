"""The shared WXR corpus (../shared/corpus) as the formatting library's input."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

from formatting_harness import SITE_DATA

from extracted.formatting import Attachment, PostContext
from extracted.formatting.attachment_meta import attachment_from_meta
from extracted.formatting.dynamic_blocks.avatars import email_hash
from extracted.formatting.types import SiteComment, SiteData, SitePost, SiteTerm, SiteUser
from wordpress.wxr import WxrExport, WxrPost, WxrTerm, read_wxr

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


def attachments(export: WxrExport) -> dict[int, Attachment]:
    """Every attachment of the export, by id."""
    return {
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


def context(post: WxrPost, export: WxrExport) -> PostContext:
    """The post as the renderer sees it, with every attachment of its export."""
    return PostContext(
        id=post.post_id,
        post_type=post.post_type,
        status=post.status,
        content=post.content,
        attachments=attachments(export),
        meta=dict(post.meta),
    )


def _unique_term_ids(terms: dict[tuple[str, str], WxrTerm]) -> dict[tuple[str, str], int]:
    """Term ids as a site has them: the export's, except that a term shared by taxonomies (as in
    WordPress.com exports) is split, the later taxonomies' copies getting new ids."""
    ids: dict[tuple[str, str], int] = {}
    taken: set[int] = set()
    next_id = max((t.term_id or 0 for t in terms.values()), default=0) + 1
    for key, term in sorted(terms.items()):
        term_id = term.term_id or next_id
        if term_id in taken:
            term_id = next_id
        next_id = max(next_id, term_id) + 1 if term_id >= next_id else next_id
        taken.add(term_id)
        ids[key] = term_id
    return ids


def _thumbnail_id(post: WxrPost) -> int:
    value = dict(post.meta).get("_thumbnail_id", "")
    return int(value) if value.isdigit() else 0


def site_data(export: WxrExport) -> SiteData:
    """The export as the site around its posts: what a visitor sees of it, in a fixed order (newest first)."""
    terms = {(t.taxonomy, t.slug): t for t in export.terms}
    term_ids = _unique_term_ids(terms)
    users = {a.login: a for a in export.authors}
    user_ids = {login: author.author_id or index + 1 for index, (login, author) in enumerate(sorted(users.items()))}
    published = [p for p in export.of_type("post", "page") if p.status == "publish"]
    media = attachments(export)
    posts = tuple(
        SitePost(
            id=p.post_id,
            post_type=p.post_type,
            title=p.title,
            name=p.name,
            date=p.date,
            date_gmt=p.date_gmt,
            modified=p.modified,
            author=user_ids.get(p.creator, 0),
            excerpt=p.excerpt,
            content=p.content,
            parent=p.parent,
            menu_order=p.menu_order,
            comment_status=p.comment_status,
            terms=tuple(term_ids[(t.taxonomy, t.slug)] for t in p.terms if (t.taxonomy, t.slug) in term_ids),
            featured_image_id=_thumbnail_id(p),
            featured_image=media.get(_thumbnail_id(p)),
            password_protected=bool(p.password),
        )
        for p in sorted(published, key=lambda p: (p.date, p.post_id), reverse=True)
    )
    menus = tuple(
        SitePost(id=p.post_id, post_type=p.post_type, title=p.title, date=p.date, content=p.content, status=p.status)
        for p in export.of_type("wp_navigation")
    )
    return dataclasses.replace(
        SITE_DATA,
        posts=posts,
        navigation_menus=menus,
        terms=tuple(
            SiteTerm(term_ids[key], t.taxonomy, t.name, t.slug, description=t.description)
            for key, t in sorted(terms.items())
        ),
        users=tuple(
            SiteUser(
                user_ids[login], login, a.display_name, description="", email=a.email, email_hash=email_hash(a.email)
            )
            for login, a in sorted(users.items())
        ),
        comments=tuple(
            SiteComment(
                c.comment_id,
                p.post_id,
                c.author,
                c.content,
                c.date,
                c.date_gmt,
                c.parent,
                c.user_id,
                c.author_url,
                author_email=c.author_email,
                comment_type=c.comment_type or "comment",
            )
            for p in published
            for c in p.comments
            if c.approved == "1"
        ),
        title=export.title,
        tagline=export.description,
        # The request's time: WordPress's clock marks the calendar's "today", so it is the real one.
        now=datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
    )
