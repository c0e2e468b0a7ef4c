"""Blocks about the post's author: avatar, name/byline/bio, biography.

Avatars are Gravatar images WordPress shows only when the site's ``show_avatars`` option is on; with it off
(``SiteOptions.show_avatars``) ``get_avatar`` gives nothing and the blocks keep their empty frames.
"""

from __future__ import annotations

from typing import Any

from ..blocks import Block
from ..errors import UnsupportedContentError
from ..html import escape_attribute
from ..phpdata import php_string
from ..types import SiteData, SiteOptions, SitePost, SiteUser
from .wrapper import wrapper_attributes


def _attrs(block: Block) -> dict[str, Any]:
    return block.attrs if isinstance(block.attrs, dict) else {}


def author_url(site: SiteOptions, user_id: int) -> str:
    """``get_author_posts_url`` without pretty permalinks."""
    return f"{site.home_url}/?author={user_id}"


def _user(data: SiteData, user_id: int) -> SiteUser | None:
    return next((user for user in data.users if user.id == user_id), None)


def avatar(site: SiteOptions) -> str:
    """``get_avatar``: nothing while the site does not show avatars (see the module's docstring)."""
    if site.show_avatars:
        raise UnsupportedContentError("Gravatar images (the site's show_avatars option on) are not rendered yet")
    return ""


def render_avatar(block: Block, site: SiteOptions, data: SiteData, post: SitePost) -> str:
    attrs = _attrs(block)
    author_id = int(php_string(attrs["userId"]) or 0) if "userId" in attrs else post.author
    image = avatar(site)
    if attrs.get("isLink"):
        user = _user(data, author_id)
        label = ""
        if attrs.get("linkTarget") == "_blank":
            name = user.display_name if user else ""
            label = f'aria-label="{escape_attribute(f"({name} author archive, opens in a new tab)")}"'
        target = escape_attribute(php_string(attrs.get("linkTarget", "_self")))
        link = author_url(site, author_id)
        image = f'<a href="{link}" target="{target}" {label} class="wp-block-avatar__link">{image}</a>'
    # WordPress formats the image with ``%2s``: padded to two characters.
    return f"<div {wrapper_attributes('core/avatar', attrs)}>{image:>2}</div>"


def render_post_author(block: Block, site: SiteOptions, data: SiteData, post: SitePost) -> str:
    attrs = {"avatarSize": 48, "showAvatar": True, **_attrs(block)}
    user = _user(data, post.author)
    if not post.author:
        return ""
    classes = [f"items-justified-{php_string(attrs['itemsJustification'])}"] if "itemsJustification" in attrs else []
    if "textAlign" in attrs:
        classes.append(f"has-text-align-{php_string(attrs['textAlign'])}")
    html = f"<div {wrapper_attributes('core/post-author', attrs, **{'class': ' '.join(classes)})}>"
    if attrs.get("showAvatar"):
        html += f'<div class="wp-block-post-author__avatar">{avatar(site) if attrs.get("avatarSize") else ""}</div>'
    html += '<div class="wp-block-post-author__content">'
    if attrs.get("byline"):
        html += f'<p class="wp-block-post-author__byline">{php_string(attrs["byline"])}</p>'
    html += f'<p class="wp-block-post-author__name">{user.display_name if user else ""}</p>'
    if attrs.get("showBio"):
        html += f'<p class="wp-block-post-author__bio">{user.description if user else ""}</p>'
    return html + "</div></div>"


def render_author_biography(block: Block, data: SiteData, post: SitePost) -> str:
    user = _user(data, post.author)
    if not post.author or not user or not user.description:
        return ""
    attrs = _attrs(block)
    extra = {"class": f"has-text-align-{php_string(attrs['textAlign'])}"} if "textAlign" in attrs else {}
    return f"<div {wrapper_attributes('core/post-author-biography', attrs, **extra)}>{user.description}</div>"
