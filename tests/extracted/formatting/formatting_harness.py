"""Python and WordPress side by side: the site both render for, and runner requests built from our types.

Shared by the tests of this directory and by bench/formatting.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from extracted.formatting import PostContext, RenderState, SiteOptions, WordPressFatalError
from extracted.formatting.render import comment_text, rendered_excerpt, the_content, the_title
from extracted.formatting.types import Attachment, ImageMeta
from wordpress.phpeval import PhpEvalError, PhpFormatter

SITE = SiteOptions(home="http://example.test", siteurl="http://example.test")
# The same site as WordPress options (what the offline database answers for the autoload query).
WORDPRESS_OPTIONS = {
    "siteurl": SITE.site_url,
    "home": SITE.home_url,
    "blogname": "Formatting",
    "blog_charset": "UTF-8",
    "use_smilies": "1",
    "template": "twentytwentythree",
    "stylesheet": "twentytwentythree",
    "permalink_structure": "",
    "upload_path": "",
    "upload_url_path": "",
    "uploads_use_yearmonth_folders": "1",
    "thumbnail_size_w": "150",
    "thumbnail_size_h": "150",
    "medium_size_w": "300",
    "medium_size_h": "300",
    "medium_large_size_w": "768",
    "medium_large_size_h": "0",
    "large_size_w": "1024",
    "large_size_h": "1024",
    "WPLANG": "",
}


def _image_meta(meta: ImageMeta) -> dict[str, Any]:
    return {
        "file": meta.file,
        "width": meta.width,
        "height": meta.height,
        "sizes": {
            name: {"file": s.file, "width": s.width, "height": s.height, "mime-type": s.mime_type}
            for name, s in meta.sizes.items()
        },
    }


def _attachment_post(attachment: Attachment) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "ID": attachment.id,
        "post_type": "attachment",
        "post_status": "inherit",
        "post_mime_type": attachment.mime_type,
        "post_parent": attachment.parent,
        "menu_order": attachment.menu_order,
        "post_title": attachment.title,
        "post_excerpt": attachment.caption,
        "post_content": attachment.description,
        "post_name": attachment.name,
        "guid": attachment.guid,
        "post_date": attachment.date,
    }
    if attachment.link is not None:
        fields["link"] = attachment.link
    return fields


def _attachment_meta(attachment: Attachment) -> dict[str, list[Any]]:
    meta: dict[str, list[Any]] = {}
    if attachment.attached_file:
        meta["_wp_attached_file"] = [attachment.attached_file]
    if attachment.metadata is not None:
        meta["_wp_attachment_metadata"] = [_image_meta(attachment.metadata)]
    if attachment.alt:
        meta["_wp_attachment_image_alt"] = [attachment.alt]
    return meta


def php_request(
    fn: str, text: str, post: PostContext | None, site: SiteOptions = SITE, *, isolated: bool = True
) -> dict[str, Any]:
    """A runner request evaluating ``fn`` on ``text`` with the post (and its media) as WordPress data."""
    request: dict[str, Any] = {"fn": fn, "text": text, "isolated": isolated}
    options: dict[str, str] = {}
    if not site.use_smilies:
        options["use_smilies"] = "0"
    if site.https_migration_required:
        options["https_migration_required"] = "1"
    if site.home_url != SITE.home_url or site.site_url != SITE.site_url:
        options.update(home=site.home_url, siteurl=site.site_url)
    if options:
        request["options"] = options
    if post is None:
        return request
    request["post"] = {
        "ID": post.id,
        "post_type": post.post_type,
        "post_status": post.status,
        "post_content": post.content,
    }
    request["posts"] = [_attachment_post(a) for a in post.attachments.values()]
    meta = {a.id: _attachment_meta(a) for a in post.attachments.values()}
    meta[post.id] = {key: [value] for key, value in post.meta.items()}
    request["meta"] = meta
    return request


FATAL = "fatal error: "


def _fatal(answer: str) -> str:
    """Fatal errors compare equal whatever their messages (PHP's and ours differ)."""
    return FATAL if answer.startswith(FATAL) else answer


class Differential:
    """Renders with Python and with PHP.

    Isolated: each render as if alone in its request (a forked PHP process, fresh Python counters).
    Shared: every render in the one PHP process, whose request-wide counters (galleries, players, unique
    ids) the Python side mirrors with one ``RenderState``; much faster, for many generated inputs.
    """

    def __init__(self, php: PhpFormatter, *, isolated: bool = True) -> None:
        self.php = php
        self.isolated = isolated
        self.shared_state = RenderState()

    @property
    def state(self) -> RenderState:
        return RenderState() if self.isolated else self.shared_state

    def _php(self, fn: str, text: str, post: PostContext | None, site: SiteOptions = SITE) -> str:
        # Titles and comments use no request-wide state: no need to fork for them.
        isolated = self.isolated and fn in ("the_content", "the_excerpt")
        try:
            return self.php.evaluate_many([php_request(fn, text, post, site, isolated=isolated)])[0]
        except PhpEvalError as error:
            if not self.isolated:  # the failed request left the process's state half-changed
                self.php.restart()
                self.shared_state = RenderState()
            return f"{FATAL}{error}"

    def _python(self, render: Callable[[], str]) -> str:
        try:
            return render()
        except WordPressFatalError:
            return FATAL

    def content(self, raw: str, post: PostContext | None = None, site: SiteOptions = SITE) -> tuple[str, str]:
        if post is not None and post.content != raw:
            post = dataclasses.replace(post, content=raw)
        state = self.state
        expected = self._php("the_content", raw, post, site)
        return self._python(lambda: the_content(raw, site=site, post=post, state=state)), _fatal(expected)

    def title(self, raw: str) -> tuple[str, str]:
        return the_title(raw), _fatal(self._php("the_title", raw, None))

    def excerpt(self, raw_excerpt: str, post: PostContext, site: SiteOptions = SITE) -> tuple[str, str]:
        state = self.state
        expected = self._php("the_excerpt", raw_excerpt, post, site)
        python = self._python(lambda: rendered_excerpt(raw_excerpt, site=site, post=post, state=state))
        return python, _fatal(expected)

    def comment(self, raw: str, site: SiteOptions = SITE) -> tuple[str, str]:
        expected = self._php("comment_text", raw, None, site)
        return self._python(lambda: comment_text(raw, site=site)), _fatal(expected)
