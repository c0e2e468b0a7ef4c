"""Blocks showing the post being rendered (its title and date) and the site's name and tagline.

The post comes from the site's data (its title and dates); a post missing there shows WordPress's
defaults for a post without them.
"""

from __future__ import annotations

from typing import Any

from ..blocks import Block
from ..html import escape_attribute, escape_html, escape_url
from ..phpdata import php_string
from ..title import get_the_title
from ..types import SiteData, SiteOptions, SitePost
from .dates import parse_mysql, php_date
from .links import post_permalink
from .wrapper import wrapper_attributes


def _attrs(block: Block) -> dict[str, Any]:
    return block.attrs if isinstance(block.attrs, dict) else {}


def _text_align(attrs: dict[str, Any]) -> dict[str, str]:
    align = attrs.get("textAlign")
    return {"class": f"has-text-align-{php_string(align)}"} if align else {}


def _heading(attrs: dict[str, Any], default: str) -> str:
    if "level" not in attrs:
        return default
    level = attrs["level"]
    return "p" if level == 0 else f"h{php_string(level)}"


def render_post_title(block: Block, site: SiteOptions, data: SiteData, post: SitePost) -> str:
    attrs = _attrs(block)
    title = get_the_title(post)
    if not title:
        return ""
    if attrs.get("isLink"):
        rel = f'rel="{escape_attribute(php_string(attrs["rel"]))}"' if attrs.get("rel") else ""
        target = escape_attribute(php_string(attrs.get("linkTarget", "_self")))
        title = f'<a href="{post_permalink(site, data, post)}" target="{target}" {rel}>{title}</a>'
    tag = _heading(attrs, "h2")
    return f"<{tag} {wrapper_attributes('core/post-title', attrs, **_text_align(attrs))}>{title}</{tag}>"


def render_post_date(block: Block, site: SiteOptions, data: SiteData, post: SitePost) -> str:
    attrs = _attrs(block)
    moment = parse_mysql(post.modified if attrs.get("displayType") == "modified" else post.date)
    fmt = php_string(attrs.get("format")) if attrs.get("format") else site.date_format
    formatted = php_date(fmt, moment) if moment else ""
    machine = escape_attribute(php_date("c", moment)) if moment else ""
    if attrs.get("isLink"):
        formatted = f'<a href="{post_permalink(site, data, post)}">{formatted}</a>'
    wrapper = wrapper_attributes("core/post-date", attrs, **_text_align(attrs))
    return f'<div {wrapper}><time datetime="{machine}">{formatted}</time></div>'


def render_site_tagline(block: Block, data: SiteData) -> str:
    if not data.tagline:
        return ""
    attrs = _attrs(block)
    return f"<p {wrapper_attributes('core/site-tagline', attrs, **_text_align(attrs))}>{data.tagline}</p>"


def render_site_title(block: Block, site: SiteOptions, data: SiteData) -> str:
    if not data.title:
        return ""
    attrs = _attrs(block)
    title = escape_html(data.title)
    if attrs.get("isLink", True):
        target = escape_attribute(php_string(attrs.get("linkTarget") or "_self"))
        title = f'<a href="{escape_url(site.home_url)}" target="{target}" rel="home">{title}</a>'
    tag = _heading({"level": 1, **attrs}, "h1")
    return f"<{tag} {wrapper_attributes('core/site-title', attrs, **_text_align(attrs))}>{title}</{tag}>"


def render_post_excerpt(block: Block, site: SiteOptions, data: SiteData, post: SitePost, excerpt: str) -> str:
    """The post's excerpt (``get_the_excerpt``), with the block's own "more" link if it has one."""
    if excerpt in ("", "0"):
        return ""
    attrs = _attrs(block)
    more = ""
    if attrs.get("moreText"):
        link = escape_url(post_permalink(site, data, post))
        more = f'<a class="wp-block-post-excerpt__more-link" href="{link}">{php_string(attrs["moreText"])}</a>'
    extra = {"class": f"has-text-align-{php_string(attrs['textAlign'])}"} if "textAlign" in attrs else {}
    content = f'<p class="wp-block-post-excerpt__excerpt">{excerpt}'
    if attrs.get("showMoreOnNewLine", True) and more:
        content += f'</p><p class="wp-block-post-excerpt__more-text">{more}</p>'
    else:
        content += f" {more}</p>"
    return f"<div {wrapper_attributes('core/post-excerpt', attrs, **extra)}>{content}</div>"
