"""Blocks showing the post being rendered (its title and date) and the site's name and tagline.

The post comes from the site's data (its title and dates); a post missing there shows WordPress's
defaults for a post without them.
"""

from __future__ import annotations

from typing import Any

from ..blocks import Block
from ..html import escape_attribute, escape_html
from ..phpdata import php_int, php_string, php_truthy
from ..title import get_the_title
from ..types import SiteData, SiteOptions, SitePost
from ..urls import esc_url
from .dates import parse_mysql, php_date
from .links import post_permalink
from .wrapper import wrapper_attributes


def _text_align(attrs: dict[str, Any]) -> dict[str, str]:
    align = attrs.get("textAlign")
    return {"class": f"has-text-align-{php_string(align)}"} if php_truthy(align) else {}


def _heading(level: Any, number: str) -> str:
    """The tag of a title of ``level`` (the integer 0: a paragraph), its number as given."""
    return "p" if type(level) is int and level == 0 else f"h{number}"


def render_post_title(block: Block, site: SiteOptions, data: SiteData, post: SitePost) -> str:
    attrs = block.attributes
    title = get_the_title(post)
    if not title:
        return ""
    if php_truthy(attrs.get("isLink")):
        rel = f'rel="{escape_attribute(php_string(attrs["rel"]))}"' if php_truthy(attrs.get("rel")) else ""
        target = escape_attribute(php_string(attrs.get("linkTarget")))
        title = f'<a href="{post_permalink(site, data, post)}" target="{target}" {rel}>{title}</a>'
    level = attrs.get("level")
    tag = "h2" if level is None else _heading(level, php_string(level))
    return f"<{tag} {wrapper_attributes(block, **_text_align(attrs))}>{title}</{tag}>"


def render_post_date(block: Block, site: SiteOptions, data: SiteData, post: SitePost) -> str:
    attrs = block.attributes
    moment = parse_mysql(post.modified if attrs.get("displayType") == "modified" else post.date)
    fmt = php_string(attrs["format"]) if php_truthy(attrs.get("format")) else site.date_format
    formatted = php_date(fmt, moment) if moment else ""
    machine = escape_attribute(php_date("c", moment)) if moment else ""
    if php_truthy(attrs.get("isLink")):
        formatted = f'<a href="{post_permalink(site, data, post)}">{formatted}</a>'
    wrapper = wrapper_attributes(block, **_text_align(attrs))
    return f'<div {wrapper}><time datetime="{machine}">{formatted}</time></div>'


def render_site_tagline(block: Block, data: SiteData) -> str:
    if not data.tagline:
        return ""
    return f"<p {wrapper_attributes(block, **_text_align(block.attributes))}>{data.tagline}</p>"


def render_site_title(block: Block, site: SiteOptions, data: SiteData) -> str:
    if not data.title:
        return ""
    attrs = block.attributes
    title = escape_html(data.title)
    if php_truthy(attrs.get("isLink")):
        target = escape_attribute(php_string(attrs["linkTarget"]) if php_truthy(attrs.get("linkTarget")) else "_self")
        title = f'<a href="{esc_url(site.home_url)}" target="{target}" rel="home">{title}</a>'
    level = attrs.get("level")
    tag = "h1" if level is None else _heading(level, str(php_int(level)))
    return f"<{tag} {wrapper_attributes(block, **_text_align(attrs))}>{title}</{tag}>"


def render_post_excerpt(block: Block, site: SiteOptions, data: SiteData, post: SitePost, excerpt: str) -> str:
    """The post's excerpt (``get_the_excerpt``), with the block's own "more" link if it has one."""
    if excerpt in ("", "0"):
        return ""
    attrs = block.attributes
    more = ""
    if php_truthy(attrs.get("moreText")):
        link = esc_url(post_permalink(site, data, post))
        more = f'<a class="wp-block-post-excerpt__more-link" href="{link}">{php_string(attrs["moreText"])}</a>'
    align = attrs.get("textAlign")
    extra = {"class": f"has-text-align-{php_string(align)}"} if align is not None else {}
    content = f'<p class="wp-block-post-excerpt__excerpt">{excerpt}'
    if (attrs.get("showMoreOnNewLine") is None or php_truthy(attrs["showMoreOnNewLine"])) and more:
        content += f'</p><p class="wp-block-post-excerpt__more-text">{more}</p>'
    else:
        content += f" {more}</p>"
    return f"<div {wrapper_attributes(block, **extra)}>{content}</div>"
