"""The post featured image block: the post's thumbnail (``get_the_post_thumbnail``) in a ``<figure>``.

The image is the attachment of the post's ``_thumbnail_id`` (``SitePost.featured_image``) at the block's
size (``post-thumbnail`` by default: the theme registers no such size, so the full image), with the
``wp-post-image`` class, the block's borders on the ``<img>``, an optional dimming overlay, and an optional
link to the post. A post without a thumbnail (or whose thumbnail is no image) renders nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..attachments import attachment_image
from ..blocks import Block
from ..html import escape_attribute
from ..phpdata import nested, php_string, php_truthy
from ..safecss import safecss_filter_attr
from ..strip_tags import strip_tags
from ..title import PHP_TRIM, get_the_title
from ..types import SiteData, SiteOptions, SitePost
from .links import post_permalink
from .style_engine import get_styles
from .wrapper import wrapper_attributes


def border_attributes(attrs: Mapping[str, Any]) -> dict[str, str]:
    """The block's borders as the image's (and the overlay's) class and inline style."""
    border: dict[str, Any] = {
        key: nested(attrs, "style", "border", key)
        for key in ("radius", "style", "width")
        if nested(attrs, "style", "border", key) is not None
    }
    preset = f"var:preset|color|{php_string(attrs['borderColor'])}" if "borderColor" in attrs else None
    border["color"] = preset or nested(attrs, "style", "border", "color")
    for side in ("top", "right", "bottom", "left"):
        values = nested(attrs, "style", "border", side)
        border[side] = {key: nested(values, key) for key in ("color", "style", "width")}
    return get_styles({"border": border}).attributes()


def _overlay(attrs: Mapping[str, Any]) -> str:
    """The dimming layer over the image (``dimRatio``), colored or with a gradient."""
    if not php_truthy(attrs.get("dimRatio")):
        return ""
    border = border_attributes(attrs)
    classes = ["wp-block-post-featured-image__overlay"]
    classes += [border["class"]] if border.get("class") else []
    styles = [border["style"]] if border.get("style") else []
    classes += ["has-background-dim", f"has-background-dim-{php_string(attrs['dimRatio'])}"]
    if php_truthy(attrs.get("overlayColor")):
        classes.append(f"has-{php_string(attrs['overlayColor'])}-background-color")
    if php_truthy(attrs.get("gradient")) or php_truthy(attrs.get("customGradient")):
        classes.append("has-background-gradient")
    if php_truthy(attrs.get("gradient")):
        classes.append(f"has-{php_string(attrs['gradient'])}-gradient-background")
    if php_truthy(attrs.get("customGradient")):
        styles.append(f"background-image: {php_string(attrs['customGradient'])};")
    if php_truthy(attrs.get("customOverlayColor")):
        styles.append(f"background-color: {php_string(attrs['customOverlayColor'])};")
    style = escape_attribute(safecss_filter_attr(" ".join(styles)))
    return f'<span class="{escape_attribute(" ".join(classes))}" style="{style}" aria-hidden="true"></span>'


def post_thumbnail(post: SitePost, size: str, site: SiteOptions, extra: dict[str, str]) -> str:
    """``get_the_post_thumbnail``: the thumbnail's ``<img>`` ('' without one), lazily loaded."""
    if not post.featured_image_id or post.featured_image is None:
        return ""
    return attachment_image(post.featured_image, size, site, {"loading": "lazy", **extra}, post_thumbnail=True)


def render_featured_image(block: Block, site: SiteOptions, data: SiteData, post: SitePost) -> str:
    attrs = block.attributes
    is_link = php_truthy(attrs.get("isLink"))
    size = php_string(attrs["sizeSlug"]) if attrs.get("sizeSlug") is not None else "post-thumbnail"
    extra = border_attributes(attrs)
    if is_link:
        extra["alt"] = strip_tags(get_the_title(post)).strip(PHP_TRIM)
    if php_truthy(attrs.get("height")):
        styles = f"height:{php_string(attrs['height'])};"
        if php_truthy(attrs.get("scale")):
            styles += f"object-fit:{php_string(attrs['scale'])};"
        extra["style"] = extra.get("style", "") + styles
    image = post_thumbnail(post, size, site, extra)
    if not image:
        return ""
    if is_link:
        rel = f'rel="{escape_attribute(php_string(attrs["rel"]))}"' if php_truthy(attrs.get("rel")) else ""
        link = post_permalink(site, data, post)
        target = escape_attribute(php_string(attrs.get("linkTarget")))
        image = f'<a href="{link}" target="{target}" {rel}>{image}{_overlay(attrs)}</a>'
    else:
        image += _overlay(attrs)
    width = {"style": f"width:{php_string(attrs['width'])};"} if php_truthy(attrs.get("width")) else {}
    return f"<figure {wrapper_attributes(block, **width)}>{image}</figure>"
