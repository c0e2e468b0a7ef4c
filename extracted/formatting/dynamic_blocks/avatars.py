"""Avatars: ``get_avatar``'s Gravatar ``<img>`` (nothing when the site does not show avatars), and the avatar
block of a post's author or of a comment's author.

The image is Gravatar's, by the md5 of the person's trimmed, lowercased email (a user's ``email_hash``, a
comment's ``author_email_hash``, or computed from the email): over HTTPS from secure.gravatar.com, else
from one of three servers chosen by the hash's first digit, at the size and twice the size (``srcset``),
with the site's default image and rating. Nothing is fetched. Someone without an email gets the default
image (``avatar-default``); over HTTP WordPress then picks a server at random, here always the first.
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import quote

from ..blocks import Block
from ..html import escape_attribute
from ..phpdata import php_int, php_string, php_truthy
from ..safecss import safecss_filter_attr
from ..title import PHP_TRIM
from ..types import SiteComment, SiteData, SiteOptions, SitePost, SiteUser
from ..urls import esc_url
from .links import author_url
from .style_engine import kebab_case
from .wrapper import wrapper_attributes

DEFAULT_SIZE = 96
DEFAULT_IMAGES = {"mm": "mm", "mystery": "mm", "mysteryman": "mm", "gravatar_default": ""}
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def email_hash(email: str) -> str:
    """Gravatar's id of an email: md5 of it trimmed and lowercased (ASCII, as PHP's ``strtolower``)."""
    return hashlib.md5(email.strip(PHP_TRIM).translate(ASCII_LOWER).encode()).hexdigest() if email else ""


def user_hash(user: SiteUser | None) -> str:
    return (user.email_hash or email_hash(user.email)) if user else ""


def comment_hash(comment: SiteComment, data: SiteData) -> str | None:
    """A comment's avatar id: its user's (if the user exists), else its author's email; None for a
    pingback or trackback (which have no avatar)."""
    if (comment.comment_type or "comment") != "comment":
        return None
    user = find_user(data, comment.user_id) if comment.user_id else None
    if user is not None:
        return user_hash(user)
    return comment.author_email_hash or email_hash(comment.author_email)


def find_user(data: SiteData, user_id: int) -> SiteUser | None:
    return next((user for user in data.users if user.id == user_id), None)


def is_ssl(data: SiteData) -> bool:
    """Whether the request came over HTTPS (WordPress's ``is_ssl``), from its URL."""
    return data.request_url.lower().startswith("https:")


def avatar_url(hash_: str, size: int, site: SiteOptions, secure: bool) -> str:
    """``get_avatar_url``: Gravatar's URL with size, default image and rating."""
    default = DEFAULT_IMAGES.get(site.avatar_default, site.avatar_default)
    query = [("s", str(size)), ("d", default), ("r", site.avatar_rating.translate(ASCII_LOWER))]
    arguments = "&".join(f"{name}={quote(value, safe='-_.~')}" for name, value in query if php_truthy(value))
    if secure:
        base = f"https://secure.gravatar.com/avatar/{hash_}"
    else:
        first = hash_[:1]
        server = int(first, 16) % 3 if first and first in "0123456789abcdefABCDEF" else 0
        base = f"http://{server}.gravatar.com/avatar/{hash_}"
    return f"{base}?{arguments}" if arguments else base


def get_avatar(
    hash_: str | None,
    size: Any,
    site: SiteOptions,
    data: SiteData,
    *,
    alt: str = "",
    css_class: str = "",
    extra_attr: str = "",
) -> str:
    """``get_avatar``: the ``<img>`` of a Gravatar ('' when the site does not show avatars, or for None:
    someone without an avatar)."""
    if not site.show_avatars or hash_ is None:
        return ""
    requested = php_int(size)
    shown = abs(requested) or DEFAULT_SIZE
    double = abs(requested * 2) or DEFAULT_SIZE
    secure = is_ssl(data)
    classes = ["avatar", f"avatar-{shown}", "photo"] + ([] if hash_ else ["avatar-default"])
    classes += [css_class] if css_class else []
    extra = (extra_attr + " " if extra_attr else "") + "loading='lazy' decoding='async'"
    return (
        f"<img alt='{escape_attribute(alt)}' src='{esc_url(avatar_url(hash_, shown, site, secure))}' "
        f"srcset='{esc_url(avatar_url(hash_, double, site, secure))} 2x' "
        f"class='{escape_attribute(' '.join(classes))}' height='{shown}' width='{shown}' {extra}/>"
    )


def _image_styles(attrs: dict[str, Any]) -> tuple[str, str]:
    """The block's borders as the image's inline style (``extra_attr``) and classes."""
    border = attrs.get("style", {}).get("border") if isinstance(attrs.get("style"), dict) else None
    border = border if isinstance(border, dict) else {}
    styles = []
    if php_truthy(border.get("width")):
        styles.append(f"border-width: {escape_attribute(php_string(border['width']))};")
    radius = border.get("radius")
    if php_truthy(radius):
        if isinstance(radius, dict | list):
            corners = radius.items() if isinstance(radius, dict) else enumerate(radius)
            styles += [
                f"border-{escape_attribute(kebab_case(str(key)))}-radius: {escape_attribute(php_string(value))};"
                for key, value in corners
                if value is not None
            ]
        else:
            styles.append(f"border-radius: {escape_attribute(php_string(radius))};")
    if php_truthy(border.get("color")):
        styles.append(f"border-color: {escape_attribute(php_string(border['color']))};")
    if php_truthy(border.get("style")):
        styles.append(f"border-style: {escape_attribute(php_string(border['style']))};")
    classes = "has-border-color" if php_truthy(border.get("color")) or attrs.get("borderColor") is not None else ""
    if attrs.get("borderColor") is not None:
        classes += f" has-{php_string(attrs['borderColor'])}-border-color"
    return f' style="{safecss_filter_attr(" ".join(styles))}"', classes


def _link(url: str, target: str, label: str, image: str) -> str:
    aria = f'aria-label="{escape_attribute(label)}"' if target == "_blank" else ""
    return f'<a href="{url}" target="{escape_attribute(target)}" {aria} class="wp-block-avatar__link">{image}</a>'


def render_avatar(block: Block, site: SiteOptions, data: SiteData, post: SitePost) -> str:
    """The avatar block: the comment author's in a comment template, else the post author's (or a user's)."""
    attrs = block.attributes
    style, classes = _image_styles(attrs)
    target = php_string(attrs["linkTarget"])
    comment_id = block.context.get("commentId")
    if comment_id is not None:
        comment = next((c for c in data.comments if c.id == php_int(comment_id)), None)
        if comment is None:
            return ""
        image = get_avatar(
            comment_hash(comment, data),
            attrs["size"],
            site,
            data,
            alt=f"{comment.author} Avatar",
            css_class=f"wp-block-avatar__image {classes}",
            extra_attr=style,
        )
        if php_truthy(attrs["isLink"]) and comment.author_url:
            label = f"({comment.author} website link, opens in a new tab)"
            image = _link(esc_url(comment.author_url), target, label, image)
    else:
        author_id = php_int(attrs["userId"]) if "userId" in attrs else post.author
        user = find_user(data, author_id)
        name = user.display_name if user else ""
        image = get_avatar(
            user_hash(find_user(data, abs(author_id))),
            attrs["size"],
            site,
            data,
            alt=f"{name} Avatar",
            css_class=f"wp-block-avatar__image {classes} ",
            extra_attr=style,
        )
        if php_truthy(attrs["isLink"]):
            label = f"({name} author archive, opens in a new tab)"
            image = _link(author_url(site, data, author_id), target, label, image)
    # WordPress formats the image with ``%2s``: padded to two characters.
    return f"<div {wrapper_attributes(block)}>{image:>2}</div>"
