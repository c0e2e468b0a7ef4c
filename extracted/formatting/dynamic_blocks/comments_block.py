"""The comments block of a post: its title, its approved comments through the comment template, its form.

Comments come oldest first. On a site that threads comments (``SiteOptions.thread_comments``) the template
lists the top-level comments, each followed by its replies in a nested list, down to the threading depth
(deeper replies join the deepest list), with reply links; otherwise one flat list without reply links. A
reply whose parent is not shown is not shown either. Comments are not paged (``page_comments`` off).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ..block_supports import apply_block_supports, elements_support
from ..blocks import Block, BlockRenderer
from ..comment import comment_text
from ..errors import WordPressFatalError
from ..html import escape_attribute, sanitize_html_class
from ..phpdata import php_string, php_truthy
from ..title import get_the_title
from ..types import RenderState, SiteComment, SiteData, SiteOptions, SitePost
from ..urls import esc_url
from .comments import comment_author
from .dates import parse_mysql, php_date
from .links import add_query_arg, permalink, post_permalink
from .wrapper import wrapper_attributes


def post_comments(data: SiteData, post_id: int) -> list[SiteComment]:
    return sorted((c for c in data.comments if c.post_id == post_id), key=lambda c: (c.date_gmt, c.id))


def _text_align(attrs: dict[str, Any]) -> dict[str, str]:
    """The alignment class of a block with an alignment set (``isset``)."""
    return {"class": f"has-text-align-{php_string(attrs['textAlign'])}"} if attrs.get("textAlign") is not None else {}


def render_comments_title(block: Block, data: SiteData, post: SitePost) -> str:
    count = len(post_comments(data, post.id))
    if not count or post.password_required:
        return ""
    attrs = block.attributes
    with_title, with_count = php_truthy(attrs.get("showPostTitle")), php_truthy(attrs.get("showCommentsCount"))
    title = f"&#8220;{get_the_title(post)}&#8221;"
    if with_count and with_title:
        text = f"One response to {title}" if count == 1 else f"{count} responses to {title}"
    elif with_count:
        text = "One response" if count == 1 else f"{count} responses"
    elif with_title:
        text = f"Response to {title}" if count == 1 else f"Responses to {title}"
    else:
        text = "Response" if count == 1 else "Responses"
    tag = f"h{php_string(attrs['level'])}" if attrs.get("level") is not None else "h2"
    align = {"class": f"has-text-align-{php_string(attrs['textAlign'])}"} if php_truthy(attrs.get("textAlign")) else {}
    return f'<{tag} id="comments" {wrapper_attributes(block, **align)}>{text}</{tag}>'


def comment_classes(comment: SiteComment, data: SiteData, post: SitePost, state: RenderState, depth: int) -> str:
    """``comment_class()``: type, author, the request-wide even/odd alternation (of threads at depth 1), depth."""
    classes = [comment.comment_type or "comment"]
    user = next((u for u in data.users if u.id == comment.user_id), None) if comment.user_id else None
    if user is not None:
        classes += ["byuser", "comment-author-" + (sanitize_html_class(user.nicename) or str(user.id))]
        if user.id == post.author:
            classes.append("bypostauthor")
    classes += ["odd", "alt"] if state.comments % 2 else ["even"]
    state.comments += 1
    if depth == 1:
        classes += ["thread-odd", "thread-alt"] if state.comment_threads % 2 else ["thread-even"]
        state.comment_threads += 1
    return " ".join([*classes, f"depth-{depth}"])


def _sprintf_without_arguments(text: str) -> str:
    """PHP's ``sprintf($text)``: ``%%`` is ``%``, any other conversion lacks its argument (a fatal error)."""
    if "%" not in text:
        return text
    pieces = text.split("%%")
    if any("%" in piece for piece in pieces):
        raise WordPressFatalError("sprintf(): a comment's content has a % conversion without an argument")
    return "%".join(pieces)


@dataclass(frozen=True)
class _Thread:
    """One comment template's rendering of a post's comments, nested by reply."""

    block: Block
    renderer: BlockRenderer
    data: SiteData
    post: SitePost
    replies: dict[int, list[SiteComment]]  # by parent id, oldest first (empty when comments are not threaded)
    max_depth: int

    def items(self, comments: list[SiteComment], depth: int) -> str:
        html = ""
        copy = replace(self.block, context={})
        for comment in comments:
            inner = self.renderer.render_inner(self.block, {"commentId": comment.id, "postId": self.post.id})
            content = apply_block_supports(inner, copy, self.renderer.state)
            classes = comment_classes(comment, self.data, self.post, self.renderer.state, depth)
            replies = self.replies.get(comment.id)
            if replies and depth < self.max_depth:
                content += f"<ol>{self.items(replies, depth + 1)}</ol>"
            elif replies:
                content += _sprintf_without_arguments(self.items(replies, depth))
            html += f'<li id="comment-{comment.id}" class="{classes}">{content}</li>'
        return html


def render_comment_template(
    block: Block, renderer: BlockRenderer, site: SiteOptions, data: SiteData, post: SitePost
) -> str:
    comments = post_comments(data, post.id)
    replies: dict[int, list[SiteComment]] = {}
    if site.thread_comments:
        for comment in comments:
            if comment.parent:
                replies.setdefault(comment.parent, []).append(comment)
        comments = [comment for comment in comments if not comment.parent]
    if not post.id or not comments or post.password_required:
        return ""
    thread = _Thread(block, renderer, data, post, replies, site.thread_comments_depth)
    return f"<ol {wrapper_attributes(block)}>{thread.items(comments, 1)}</ol>"


def render_comment_reply_link(block: Block, site: SiteOptions, data: SiteData) -> str:
    """A comment's reply link (threaded comments only), unless it is as deep as threads go."""
    comment = _comment(block, data)
    if not site.thread_comments or comment is None:
        return ""
    depth, parent = 1, comment.parent
    while parent:
        depth += 1
        above = next((c for c in data.comments if c.id == parent), None)
        parent = above.parent if above else 0
    post = data.post(comment.post_id)
    if site.thread_comments_depth <= depth or post is None or post.comment_status != "open":
        return ""
    reply_to = escape_attribute(f"Reply to {comment_author(comment, data)}")
    url = esc_url(add_query_arg(post_permalink(site, data, post), "replytocom", str(comment.id)))
    link = (
        f"<a rel='nofollow' class='comment-reply-link' href='{url}#respond' data-commentid=\"{comment.id}\" "
        f'data-postid="{post.id}" data-belowelement="comment-{comment.id}" data-respondelement="respond" '
        f"data-replyto=\"{reply_to}\" aria-label='{reply_to}'>Reply</a>"
    )
    wrapper = wrapper_attributes(block, **_text_align(block.attributes))
    return f"<div {wrapper}>{link}</div>"


def _comment(block: Block, data: SiteData) -> SiteComment | None:
    comment_id = block.context.get("commentId")
    return next((c for c in data.comments if c.id == comment_id), None)


def render_comment_author_name(block: Block, site: SiteOptions, data: SiteData) -> str:
    comment = _comment(block, data)
    if comment is None:
        return ""
    attrs = block.attributes
    author = comment_author(comment, data)
    url = "" if comment.author_url == "http://" else esc_url(comment.author_url)
    if url and php_truthy(attrs.get("isLink")) and php_truthy(attrs.get("linkTarget")):
        target = escape_attribute(php_string(attrs["linkTarget"]))
        author = f'<a rel="external nofollow ugc" href="{esc_url(url)}" target="{target}" >{author}</a>'
    wrapper = wrapper_attributes(block, **_text_align(attrs))
    return f"<div {wrapper}>{author}</div>"


def render_comment_date(block: Block, site: SiteOptions, data: SiteData) -> str:
    comment = _comment(block, data)
    moment = parse_mysql(comment.date) if comment else None
    if comment is None:
        return ""
    attrs = block.attributes
    fmt = php_string(attrs["format"]) if php_truthy(attrs.get("format")) else site.date_format
    shown = php_date(fmt, moment) if moment else ""
    if php_truthy(attrs.get("isLink")):
        post = data.post(comment.post_id)
        link = permalink(site, data, comment.post_id, post.post_type if post else "post") + f"#comment-{comment.id}"
        shown = f'<a href="{esc_url(link)}">{shown}</a>'
    machine = escape_attribute(php_date("c", moment)) if moment else ""
    return f'<div {wrapper_attributes(block)}><time datetime="{machine}">{shown}</time></div>'


def render_comment_content(block: Block, site: SiteOptions, data: SiteData) -> str:
    comment = _comment(block, data)
    if comment is None or not comment.content:
        return ""
    wrapper = wrapper_attributes(block, **_text_align(block.attributes))
    return f"<div {wrapper}>{comment_text(comment.content, site=site)}</div>"


def render_comments(block: Block, html: str, data: SiteData, post: SitePost) -> str:
    """The block's own HTML with its inner blocks, unless the post is closed to comments and has none."""
    if post.comment_status != "open" and not post_comments(data, post.id):
        return ""
    # WordPress renders it as a static block, filtered as a block (its link color class), then filters the
    # result again as the dynamic block's: the class comes twice.
    return elements_support(html, block)
