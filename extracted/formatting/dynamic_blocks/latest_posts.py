"""The latest posts block: the newest published posts (or by title), with byline, date and excerpt.

Posts are the site data's published posts; ties in the order fall back to the post id, newest first.
Featured images show for posts whose thumbnail the site data gives (none do yet: see the README).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..blocks import Block
from ..errors import WordPressFatalError
from ..phpdata import php_int, php_string, php_truthy
from ..title import get_the_title
from ..types import SiteData, SiteOptions, SitePost
from ..urls import esc_url
from .dates import parse_mysql, php_date
from .links import post_permalink
from .wrapper import wrapper_attributes

# What a visitor sees instead of a protected post's excerpt.
PROTECTED = "This content is password protected."

# Renders a post's excerpt (``get_the_excerpt``) cut to a number of words.
ExcerptRenderer = Callable[[SitePost, int], str]


def _absint(value: Any) -> int:
    return abs(php_int(value))


def _category_ids(categories: Any) -> list[int] | None:
    """``array_column($categories, 'id')``: the ids of the categories chosen (None: no choice)."""
    if categories is None:
        return None
    if not isinstance(categories, dict | list):  # "" or false: an empty list to the schema, not to PHP
        raise WordPressFatalError("array_column(): the latest posts block's categories are not an array")
    rows = categories.values() if isinstance(categories, dict) else categories
    return [_absint(row["id"]) for row in rows if isinstance(row, dict) and "id" in row]


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
    link = esc_url(post_permalink(site, data, post))
    title = get_the_title(post) or "(no title)"
    html = f'<li><a class="wp-block-latest-posts__post-title" href="{link}">{title}</a>'
    if php_truthy(attrs.get("displayAuthor")):
        author = next((u.display_name for u in data.users if u.id == post.author), "")
        if author:
            html += f'<div class="wp-block-latest-posts__post-author">by {author}</div>'
    if php_truthy(attrs.get("displayPostDate")):
        moment = parse_mysql(post.date)
        machine, shown = (php_date("c", moment), php_date(site.date_format, moment)) if moment else ("", "")
        html += f'<time datetime="{machine}" class="wp-block-latest-posts__post-date">{shown}</time>'
    if php_truthy(attrs.get("displayPostContent")) and attrs.get("displayPostContentRadio") == "excerpt":
        shown = PROTECTED if post.password_required else excerpt(post, php_int(attrs["excerptLength"]))
        html += f'<div class="wp-block-latest-posts__post-excerpt">{shown}</div>'
    return html + "</li>\n"


def render_latest_posts(block: Block, site: SiteOptions, data: SiteData, excerpt: ExcerptRenderer) -> str:
    attrs = block.attributes
    items = "".join(_list_item(post, attrs, site, data, excerpt) for post in latest_posts(data, attrs))
    classes = ["wp-block-latest-posts__list"]
    if attrs.get("postLayout") == "grid":
        classes.append("is-grid")
        if "columns" in attrs:
            classes.append(f"columns-{php_string(attrs['columns'])}")
    if php_truthy(attrs.get("displayPostDate")):
        classes.append("has-dates")
    if php_truthy(attrs.get("displayAuthor")):
        classes.append("has-author")
    wrapper = wrapper_attributes(block, **{"class": " ".join(classes)})
    return f"<ul {wrapper}>{items}</ul>"
