"""Python and WordPress side by side: the site both render for, and runner requests built from our types.

Shared by the tests of this directory and by bench/formatting.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from extracted.formatting import PostContext, RenderState, SiteOptions, WordPressFatalError
from extracted.formatting.dynamic_blocks.avatars import email_hash as gravatar_hash
from extracted.formatting.dynamic_blocks.terms import term_counts
from extracted.formatting.render import comment_text, rendered_excerpt, the_content, the_title
from extracted.formatting.types import Attachment, ImageMeta, SiteData, SitePost
from wordpress.phpeval import PhpEvalError, PhpFormatter

SITE = SiteOptions(home="http://example.test", siteurl="http://example.test", show_avatars=False)
# What the runner's requests are (runner.php: an offline REST request for posts, HTTP answered with an error).
SITE_DATA = SiteData(request_url=SITE.home_url + "/wp-json/wp/v2/posts", feed_error="WP HTTP Error: offline")
# The same site as WordPress options (what the offline database answers for the autoload query).
WORDPRESS_OPTIONS = {
    "siteurl": SITE.site_url,
    "home": SITE.home_url,
    "blogname": "Formatting",
    "blog_charset": "UTF-8",
    "use_smilies": "1",
    "date_format": SITE.date_format,
    "start_of_week": "1",
    # WordPress's defaults for the comment form: name and email required, the cookies consent box shown.
    "require_name_email": "1" if SITE.require_name_email else "",
    "show_comments_cookies_opt_in": "1" if SITE.show_comments_cookies_opt_in else "",
    "show_avatars": "1" if SITE.show_avatars else "",
    "thread_comments": "1" if SITE.thread_comments else "",
    "thread_comments_depth": str(SITE.thread_comments_depth),
    "avatar_default": SITE.avatar_default,
    "avatar_rating": SITE.avatar_rating,
    "template": "twentytwentythree",
    "stylesheet": "twentytwentythree",
    "permalink_structure": SITE.permalink_structure,
    "category_base": SITE.category_base,
    "tag_base": SITE.tag_base,
    "show_on_front": SITE.show_on_front,
    "page_on_front": str(SITE.page_on_front),
    "default_category": str(SITE.default_category),
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


def _flag(value: object) -> str:
    return "1" if value else ""


# SiteOptions fields and the WordPress options they are (as the options table holds them).
WORDPRESS_OPTION_FIELDS: dict[str, tuple[str, Callable[[Any], str]]] = {
    "use_smilies": ("use_smilies", lambda value: "1" if value else "0"),
    "https_migration_required": ("https_migration_required", _flag),
    "date_format": ("date_format", str),
    "show_avatars": ("show_avatars", _flag),
    "thread_comments": ("thread_comments", _flag),
    "thread_comments_depth": ("thread_comments_depth", str),
    "avatar_default": ("avatar_default", str),
    "avatar_rating": ("avatar_rating", str),
    "require_name_email": ("require_name_email", _flag),
    "show_comments_cookies_opt_in": ("show_comments_cookies_opt_in", _flag),
    "permalink_structure": ("permalink_structure", str),
    "category_base": ("category_base", str),
    "tag_base": ("tag_base", str),
    "show_on_front": ("show_on_front", str),
    "page_on_front": ("page_on_front", str),
    "default_category": ("default_category", str),
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


PASSWORD = "secret"  # any password: the visitor has not given it (WordPress only asks whether there is one)


def _post_row(post: SitePost, data: SiteData) -> dict[str, Any]:
    return {
        "ID": post.id,
        "post_type": post.post_type,
        "post_status": post.status,
        "post_title": post.title,
        "post_name": post.name,
        "post_date": post.date,
        "post_date_gmt": post.date_gmt,
        "post_modified": post.modified,
        "post_author": str(post.author),
        "post_excerpt": post.excerpt,
        "post_content": post.content,
        "post_parent": post.parent,
        "menu_order": post.menu_order,
        "comment_status": post.comment_status,
        "post_password": PASSWORD if post.password_protected else "",
        "strangler_password_given": post.password_given,
        "comment_count": str(sum(1 for c in data.comments if c.post_id == post.id)),  # a database row's string
        "terms": list(post.terms),
        "meta": {"_thumbnail_id": [str(post.featured_image_id)]} if post.featured_image_id else {},
    }


def _attachment_row(attachment: Attachment) -> dict[str, Any]:
    return {**_attachment_post(attachment), "meta": _attachment_meta(attachment)}


def _email(email: str, email_hash: str) -> str:
    """The email WordPress is given: it hashes it itself, so it must be the one the hash is of."""
    if email_hash and email_hash != gravatar_hash(email):
        raise ValueError(f"the harness needs the email whose md5 is {email_hash} (got {email!r})")
    return email


def _site_request(data: SiteData) -> dict[str, Any]:
    """The site's data as the runner's ``site``: options the blocks read, rows the queries find (a term's
    count is what WordPress keeps in ``term_taxonomy.count``: its published posts)."""
    counts = term_counts(data)
    return {
        "options": {"blogname": data.title, "blogdescription": data.tagline, "sticky_posts": list(data.sticky_posts)},
        "now": data.now,
        "request_url": data.request_url,
        "posts": [_post_row(p, data) for p in data.posts + data.navigation_menus]
        + [_attachment_row(p.featured_image) for p in data.posts if p.featured_image is not None],
        "users": [
            {
                "ID": u.id,
                "user_login": u.login,
                "user_nicename": u.nicename,
                "display_name": u.display_name,
                "user_email": _email(u.email, u.email_hash),
                "description": u.description,
            }
            for u in data.users
        ],
        "terms": [
            {
                "term_id": t.id,
                "term_taxonomy_id": t.id,
                "taxonomy": t.taxonomy,
                "name": t.name,
                "slug": t.slug,
                "parent": t.parent,
                "description": t.description,
                "count": counts[t.id],
            }
            for t in data.terms
        ],
        "comments": [
            {
                # Database rows: WordPress compares some of these as strings (e.g. ``bypostauthor``).
                "comment_ID": str(c.id),
                "comment_post_ID": str(c.post_id),
                "comment_author": c.author,
                "comment_author_url": c.author_url,
                "comment_author_email": _email(c.author_email, c.author_email_hash),
                "comment_type": c.comment_type,
                "comment_content": c.content,
                "comment_date": c.date,
                "comment_date_gmt": c.date_gmt,
                "comment_parent": str(c.parent),
                "user_id": str(c.user_id),
            }
            for c in data.comments
        ],
    }


def php_request(
    fn: str,
    text: str,
    post: PostContext | None,
    site: SiteOptions = SITE,
    *,
    isolated: bool = True,
    site_data: SiteData | None = None,
) -> dict[str, Any]:
    """A runner request evaluating ``fn`` on ``text`` with the post (and its media) as WordPress data."""
    request: dict[str, Any] = {"fn": fn, "text": text, "isolated": isolated}
    options = {
        option: convert(getattr(site, name))
        for name, (option, convert) in WORDPRESS_OPTION_FIELDS.items()
        if getattr(site, name) != getattr(SITE, name)
    }
    if site.home_url != SITE.home_url or site.site_url != SITE.site_url:
        options.update(home=site.home_url, siteurl=site.site_url)
    if options:
        request["options"] = options
    if site_data is not None:
        request["site"] = _site_request(site_data)
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

    def _php(
        self, fn: str, text: str, post: PostContext | None, site: SiteOptions = SITE, data: SiteData | None = None
    ) -> str:
        # Titles and comments use no request-wide state: no need to fork for them.
        isolated = self.isolated and fn in ("the_content", "the_excerpt")
        try:
            return self.php.evaluate_many([php_request(fn, text, post, site, isolated=isolated, site_data=data)])[0]
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

    def content(
        self, raw: str, post: PostContext | None = None, site: SiteOptions = SITE, data: SiteData | None = None
    ) -> tuple[str, str]:
        """Both renderings; ``data`` (the site beyond the post) goes to both sides, or to neither."""
        if post is not None and post.content != raw:
            post = dataclasses.replace(post, content=raw)
        state = self.state
        expected = self._php("the_content", raw, post, site, data)
        python = self._python(lambda: the_content(raw, site=site, post=post, state=state, site_data=data or SITE_DATA))
        return python, _fatal(expected)

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
