"""The latest comments block: the newest approved comments of published posts, each with author and post.

Comments are the site data's (approved, of published posts), newest first (ties by id, highest first).
"""

from __future__ import annotations

from typing import Any

from ..autop import wpautop
from ..blocks import Block
from ..excerpt import trim_words
from ..html import escape_html
from ..phpdata import php_int, php_truthy
from ..strip_tags import strip_tags
from ..title import get_the_title
from ..types import SiteComment, SiteData, SiteOptions
from ..urls import esc_url
from .avatars import comment_hash, get_avatar
from .dates import parse_mysql, php_date
from .links import author_url, permalink
from .wrapper import wrapper_attributes

COMMENT_EXCERPT_LENGTH = 20


def latest_comments(data: SiteData, count: int) -> list[SiteComment]:
    ordered = sorted(data.comments, key=lambda c: (c.date_gmt, c.id), reverse=True)
    return ordered[:count] if count > 0 else ordered


def comment_author(comment: SiteComment, data: SiteData) -> str:
    """``get_comment_author``: the name given, the user's, or "Anonymous"."""
    if comment.author and comment.author != "0":
        return comment.author
    user = next((u for u in data.users if u.id == comment.user_id), None) if comment.user_id else None
    return user.display_name if user else "Anonymous"


def comment_excerpt(comment: SiteComment, data: SiteData) -> str:
    """``get_comment_excerpt``: the first 20 words of the comment's text (withheld on a protected post)."""
    post = data.post(comment.post_id)
    if post is not None and post.password_required:
        text = "Password protected"
    else:
        text = strip_tags(comment.content.replace("\n", " ").replace("\r", " "))
    return trim_words(text, COMMENT_EXCERPT_LENGTH, "&hellip;")


def _post_title(data: SiteData, post_id: int) -> str:
    post = data.post(post_id)
    return escape_html((get_the_title(post) if post else "") or "(no title)")


def _comment(comment: SiteComment, attrs: dict[str, Any], site: SiteOptions, data: SiteData) -> str:
    html = '<li class="wp-block-latest-comments__comment">'
    if attrs["displayAvatar"]:
        html += get_avatar(
            comment_hash(comment, data), 48, site, data, css_class="wp-block-latest-comments__comment-avatar"
        )
    html += '<article><footer class="wp-block-latest-comments__comment-meta">'
    url = esc_url("" if comment.author_url == "http://" else comment.author_url)
    if not url and comment.user_id:
        url = author_url(site, data, comment.user_id)
    author = comment_author(comment, data)
    if url:
        html += f'<a class="wp-block-latest-comments__comment-author" href="{esc_url(url)}">{author}</a>'
    else:
        html += f'<span class="wp-block-latest-comments__comment-author">{author}</span>'
    post = data.post(comment.post_id)
    link = permalink(site, data, comment.post_id, post.post_type if post else "post") + f"#comment-{comment.id}"
    html += (
        f' on <a class="wp-block-latest-comments__comment-link" href="{esc_url(link)}">'
        f"{_post_title(data, comment.post_id)}</a>"
    )
    if attrs["displayDate"]:
        moment = parse_mysql(comment.date)
        machine, shown = (php_date("c", moment), php_date(site.date_format, moment)) if moment else ("", "")
        html += f'<time datetime="{machine}" class="wp-block-latest-comments__comment-date">{shown}</time>'
    html += "</footer>"
    if attrs["displayExcerpt"]:
        excerpt = wpautop(comment_excerpt(comment, data))
        html += f'<div class="wp-block-latest-comments__comment-excerpt">{excerpt}</div>'
    return html + "</article></li>"


def render_latest_comments(block: Block, site: SiteOptions, data: SiteData) -> str:
    attrs = block.attributes
    for flag in ("displayAvatar", "displayDate", "displayExcerpt"):
        attrs[flag] = php_truthy(attrs[flag])
    comments = latest_comments(data, php_int(attrs["commentsToShow"]))
    classes = [
        name
        for name, shown in (
            ("has-avatars", attrs["displayAvatar"]),
            ("has-dates", attrs["displayDate"]),
            ("has-excerpts", attrs["displayExcerpt"]),
            ("no-comments", not comments),
        )
        if shown
    ]
    wrapper = wrapper_attributes(block, **{"class": " ".join(classes)})
    if not comments:
        return f"<div {wrapper}>No comments to show.</div>"
    return f"<ol {wrapper}>{''.join(_comment(c, attrs, site, data) for c in comments)}</ol>"
