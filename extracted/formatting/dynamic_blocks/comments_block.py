"""The comments block of a post: its title, its approved comments through the comment template, its form.

For a site that neither threads nor pages comments (the ``thread_comments`` and ``page_comments`` options
off, as here): comments come oldest first in one flat list, without reply links or pagination.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..block_supports import apply_block_supports, elements_support
from ..blocks import Block, BlockRenderer
from ..comment import comment_text
from ..html import escape_attribute, escape_url, sanitize_html_class
from ..phpdata import php_string
from ..title import the_title
from ..types import RenderState, SiteComment, SiteData, SiteOptions, SitePost
from .comments import comment_author
from .dates import parse_mysql, php_date
from .links import permalink
from .wrapper import wrapper_attributes


def post_comments(data: SiteData, post_id: int) -> list[SiteComment]:
    return sorted((c for c in data.comments if c.post_id == post_id), key=lambda c: (c.date_gmt, c.id))


def _attrs(block: Block) -> dict[str, Any]:
    return block.attrs if isinstance(block.attrs, dict) else {}


def _text_align(attrs: dict[str, Any]) -> dict[str, str]:
    return {"class": f"has-text-align-{php_string(attrs['textAlign'])}"} if attrs.get("textAlign") else {}


def render_comments_title(block: Block, data: SiteData, post: SitePost) -> str:
    count = len(post_comments(data, post.id))
    if not count:
        return ""
    attrs = {"showPostTitle": True, "showCommentsCount": True, **_attrs(block)}
    title = f"&#8220;{the_title(post.title)}&#8221;"
    if attrs["showCommentsCount"] and attrs["showPostTitle"]:
        text = f"One response to {title}" if count == 1 else f"{count} responses to {title}"
    elif attrs["showCommentsCount"]:
        text = "One response" if count == 1 else f"{count} responses"
    elif attrs["showPostTitle"]:
        text = f"Response to {title}" if count == 1 else f"Responses to {title}"
    else:
        text = "Response" if count == 1 else "Responses"
    tag = f"h{php_string(attrs.get('level', 2))}"
    return (
        f'<{tag} id="comments" {wrapper_attributes("core/comments-title", attrs, **_text_align(attrs))}>{text}</{tag}>'
    )


def comment_classes(comment: SiteComment, data: SiteData, post: SitePost, state: RenderState) -> str:
    """``comment_class()``: type, author, and the request-wide even/odd alternation (all at depth 1)."""
    classes = ["comment"]
    user = next((u for u in data.users if u.id == comment.user_id), None) if comment.user_id else None
    if user is not None:
        classes += ["byuser", "comment-author-" + (sanitize_html_class(user.nicename) or str(user.id))]
        if user.id == post.author:
            classes.append("bypostauthor")
    classes += ["odd", "alt"] if state.comments % 2 else ["even"]
    classes += ["thread-odd", "thread-alt"] if state.comment_threads % 2 else ["thread-even"]
    state.comments += 1
    state.comment_threads += 1
    return " ".join([*classes, "depth-1"])


def render_comment_template(
    block: Block, renderer: BlockRenderer, site: SiteOptions, data: SiteData, post: SitePost
) -> str:
    comments = post_comments(data, post.id)
    if not post.id or not comments:
        return ""
    copy = replace(block, context={})
    items = ""
    for comment in comments:
        inner = renderer.render_inner(block, {"commentId": comment.id, "postId": post.id})
        classes = comment_classes(comment, data, post, renderer.state)
        content = apply_block_supports(inner, copy, renderer.state)
        items += f'<li id="comment-{comment.id}" class="{classes}">{content}</li>'
    return f"<ol {wrapper_attributes('core/comment-template', block.attrs)}>{items}</ol>"


def _comment(block: Block, data: SiteData) -> SiteComment | None:
    comment_id = block.context.get("commentId")
    return next((c for c in data.comments if c.id == comment_id), None)


def render_comment_author_name(block: Block, site: SiteOptions, data: SiteData) -> str:
    comment = _comment(block, data)
    if comment is None:
        return ""
    attrs = {"isLink": True, "linkTarget": "_self", **_attrs(block)}
    author = comment_author(comment, data)
    url = "" if comment.author_url == "http://" else escape_url(comment.author_url)
    if url and attrs["isLink"] and attrs["linkTarget"]:
        target = escape_attribute(php_string(attrs["linkTarget"]))
        author = f'<a rel="external nofollow ugc" href="{escape_url(url)}" target="{target}" >{author}</a>'
    wrapper = wrapper_attributes("core/comment-author-name", attrs, **_text_align(attrs))
    return f"<div {wrapper}>{author}</div>"


def render_comment_date(block: Block, site: SiteOptions, data: SiteData) -> str:
    comment = _comment(block, data)
    moment = parse_mysql(comment.date) if comment else None
    if comment is None:
        return ""
    attrs = {"isLink": True, **_attrs(block)}
    fmt = php_string(attrs.get("format")) or site.date_format
    shown = php_date(fmt, moment) if moment else ""
    if attrs["isLink"]:
        post = data.post(comment.post_id)
        link = permalink(site, comment.post_id, post.post_type if post else "post") + f"#comment-{comment.id}"
        shown = f'<a href="{escape_url(link)}">{shown}</a>'
    machine = escape_attribute(php_date("c", moment)) if moment else ""
    return f'<div {wrapper_attributes("core/comment-date", attrs)}><time datetime="{machine}">{shown}</time></div>'


def render_comment_content(block: Block, site: SiteOptions, data: SiteData) -> str:
    comment = _comment(block, data)
    if comment is None or not comment.content:
        return ""
    attrs = _attrs(block)
    wrapper = wrapper_attributes("core/comment-content", attrs, **_text_align(attrs))
    return f"<div {wrapper}>{comment_text(comment.content, site=site)}</div>"


def render_comments(block: Block, html: str, data: SiteData, post: SitePost) -> str:
    """The block's own HTML with its inner blocks, unless the post is closed to comments and has none."""
    if post.comment_status != "open" and not post_comments(data, post.id):
        return ""
    # WordPress renders it as a static block, filtered as a block (its link color class), then filters the
    # result again as the dynamic block's: the class comes twice.
    return elements_support(html, block)
