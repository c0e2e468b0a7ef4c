"""The latest posts block: the newest published posts (or by title), with byline, date and excerpt.

Posts are the site data's published posts; ties in the order fall back to the post id, newest first.
Featured images show for posts whose thumbnail the site data gives (none do yet: see the README).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..blocks import Block
from ..html import escape_url
from ..phpdata import php_int, php_string
from ..title import get_the_title
from ..types import SiteData, SiteOptions, SitePost
from .dates import parse_mysql, php_date
from .links import post_permalink
from .wrapper import wrapper_attributes

DEFAULTS: dict[str, Any] = {
    "postsToShow": 5,
    "displayPostContent": False,
    "displayPostContentRadio": "excerpt",
    "excerptLength": 55,
    "displayAuthor": False,
    "displayPostDate": False,
    "postLayout": "list",
    "columns": 3,
    "order": "desc",
    "orderBy": "date",
}

# What a visitor sees instead of a protected post's excerpt.
PROTECTED = "This content is password protected."

# Renders a post's excerpt (``get_the_excerpt``) cut to a number of words.
ExcerptRenderer = Callable[[SitePost, int], str]


def _absint(value: Any) -> int:
    return abs(php_int(value))


def _category_ids(categories: Any) -> list[int] | None:
    if categories is None:
        return None
    if isinstance(categories, str):  # the block's old format: one id as a string
        return [_absint(categories)] if categories else None
    if isinstance(categories, list):
        return [_absint(c.get("id")) for c in categories if isinstance(c, dict)]
    return None


def latest_posts(data: SiteData, attrs: dict[str, Any]) -> list[SitePost]:
    """The posts a ``WP_Query`` of the block's arguments finds."""
    posts = [p for p in data.posts if p.post_type == "post"]
    categories = _category_ids(attrs.get("categories"))
    if categories:
        posts = [p for p in posts if set(p.terms) & set(categories)]
    if attrs.get("selectedAuthor") is not None:
        posts = [p for p in posts if p.author == _absint(attrs["selectedAuthor"])]
    descending = php_string(attrs["order"]).upper() != "ASC"
    if attrs["orderBy"] == "title":
        posts.sort(key=lambda p: (p.title.casefold(), p.id if descending else -p.id), reverse=descending)
    else:
        posts.sort(key=lambda p: (p.date, p.id if descending else -p.id), reverse=descending)
    count = php_int(attrs["postsToShow"])
    return posts if count < 0 else posts[:count]


def _list_item(
    post: SitePost, attrs: dict[str, Any], site: SiteOptions, data: SiteData, excerpt: ExcerptRenderer
) -> str:
    link = escape_url(post_permalink(site, data, post))
    title = get_the_title(post) or "(no title)"
    html = f'<li><a class="wp-block-latest-posts__post-title" href="{link}">{title}</a>'
    if attrs.get("displayAuthor"):
        author = next((u.display_name for u in data.users if u.id == post.author), "")
        if author:
            html += f'<div class="wp-block-latest-posts__post-author">by {author}</div>'
    if attrs.get("displayPostDate"):
        moment = parse_mysql(post.date)
        machine, shown = (php_date("c", moment), php_date(site.date_format, moment)) if moment else ("", "")
        html += f'<time datetime="{machine}" class="wp-block-latest-posts__post-date">{shown}</time>'
    if attrs.get("displayPostContent") and attrs.get("displayPostContentRadio") == "excerpt":
        shown = PROTECTED if post.password_required else excerpt(post, int(attrs["excerptLength"]))
        html += f'<div class="wp-block-latest-posts__post-excerpt">{shown}</div>'
    return html + "</li>\n"


def render_latest_posts(block: Block, site: SiteOptions, data: SiteData, excerpt: ExcerptRenderer) -> str:
    given = block.attrs if isinstance(block.attrs, dict) else {}
    attrs = {**DEFAULTS, **given}
    items = "".join(_list_item(post, attrs, site, data, excerpt) for post in latest_posts(data, attrs))
    classes = ["wp-block-latest-posts__list"]
    if attrs.get("postLayout") == "grid":
        classes.append("is-grid")
        if "columns" in attrs:
            classes.append(f"columns-{php_string(attrs['columns'])}")
    if attrs.get("displayPostDate"):
        classes.append("has-dates")
    if attrs.get("displayAuthor"):
        classes.append("has-author")
    wrapper = wrapper_attributes("core/latest-posts", attrs, **{"class": " ".join(classes)})
    return f"<ul {wrapper}>{items}</ul>"
