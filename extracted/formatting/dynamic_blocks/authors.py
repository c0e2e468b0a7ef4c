"""Blocks about the post's author: name, byline, bio and avatar (see ``avatars``), biography."""

from __future__ import annotations

from ..blocks import Block
from ..kses import kses_post_text
from ..phpdata import php_string, php_truthy
from ..types import SiteData, SiteOptions, SitePost
from .avatars import find_user, get_avatar, user_hash
from .wrapper import wrapper_attributes


def render_post_author(block: Block, site: SiteOptions, data: SiteData, post: SitePost) -> str:
    attrs = block.attributes
    user = find_user(data, post.author)
    if not post.author:
        return ""
    classes = [f"items-justified-{php_string(attrs['itemsJustification'])}"] if "itemsJustification" in attrs else []
    if "textAlign" in attrs:
        classes.append(f"has-text-align-{php_string(attrs['textAlign'])}")
    html = f"<div {wrapper_attributes(block, **{'class': ' '.join(classes)})}>"
    if php_truthy(attrs.get("showAvatar")):
        image = get_avatar(user_hash(find_user(data, abs(post.author))), attrs["avatarSize"], site, data)
        html += (
            f'<div class="wp-block-post-author__avatar">{image if php_truthy(attrs.get("avatarSize")) else ""}</div>'
        )
    html += '<div class="wp-block-post-author__content">'
    if php_truthy(attrs.get("byline")):
        html += f'<p class="wp-block-post-author__byline">{kses_post_text(php_string(attrs["byline"]))}</p>'
    html += f'<p class="wp-block-post-author__name">{user.display_name if user else ""}</p>'
    if php_truthy(attrs.get("showBio")):
        html += f'<p class="wp-block-post-author__bio">{user.description if user else ""}</p>'
    return html + "</div></div>"


def render_author_biography(block: Block, data: SiteData, post: SitePost) -> str:
    user = find_user(data, post.author)
    if not post.author or not user or not user.description:
        return ""
    align = block.attributes.get("textAlign")
    extra = {"class": f"has-text-align-{php_string(align)}"} if php_truthy(align) else {}
    return f"<div {wrapper_attributes(block, **extra)}>{user.description}</div>"
