"""Dynamic core blocks rendered in Python from plain site data, as WordPress 6.1 renders them for a visitor.

``dynamic_renderers`` gives the renderers for one post of a response; blocks not listed in
``RENDERED_BLOCKS`` still render as their saved HTML (see the package's README).
"""

from __future__ import annotations

from collections.abc import Callable

from ..blocks import Block, BlockRenderer, DynamicRenderer, LoopRenderer
from ..excerpt import EXCERPT_LENGTH
from ..types import PostContext, RenderState, SiteData, SiteOptions, SitePost
from .archives import render_archives
from .authors import render_author_biography, render_post_author
from .avatars import render_avatar
from .calendar import render_calendar
from .categories import render_categories
from .comment_form import render_comment_form
from .comments import render_latest_comments
from .comments_block import (
    render_comment_author_name,
    render_comment_content,
    render_comment_date,
    render_comment_reply_link,
    render_comment_template,
    render_comments,
    render_comments_title,
)
from .entry import (
    render_post_date,
    render_post_excerpt,
    render_post_title,
    render_site_tagline,
    render_site_title,
)
from .featured_image import render_featured_image
from .latest_posts import ExcerptRenderer, render_latest_posts
from .navigation import render_navigation
from .navigation_links import render_home_link, render_navigation_link, render_navigation_submenu
from .page_list import render_page_list
from .pagination import render_next, render_numbers, render_pagination, render_previous
from .query import render_no_results, render_post_template
from .request import NOT_A_PAGE_VIEW, render_query_title
from .search import render_search
from .social import render_social_link
from .terms import render_post_terms, render_tag_cloud
from .widgets import render_loginout, render_read_more, render_rss


def current_post(post: PostContext, data: SiteData) -> SitePost:
    """The post being rendered as the site has it; else what its context tells (its thumbnail from its meta)."""
    found = data.post(post.id)
    if found is not None:
        return found
    thumbnail = post.meta.get("_thumbnail_id", "")
    thumbnail_id = int(thumbnail) if thumbnail.strip().isdigit() else 0
    return SitePost(
        id=post.id,
        post_type=post.post_type,
        status=post.status,
        featured_image_id=thumbnail_id,
        featured_image=post.attachments.get(thumbnail_id),
    )


def dynamic_renderers(
    site: SiteOptions, post: PostContext, data: SiteData, state: RenderState, excerpt: ExcerptRenderer
) -> dict[str, DynamicRenderer]:
    """The renderers of the dynamic blocks implemented here, for ``post`` on ``site``."""

    shown = current_post(post, data)

    def post_of(block: Block) -> SitePost:
        """The post a block shows: its loop's (``postId`` context), else the one being rendered."""
        looped = block.context.get("postId")
        return (data.post(looped) or SitePost(id=looped)) if isinstance(looped, int) else shown

    def comments(block: Block, html: str) -> str:
        return render_comments(block, html, data, post_of(block)) if post.id else ""

    def of_post(render: Callable[[Block, SitePost], str]) -> DynamicRenderer:
        """A block about a post renders nothing without one (WordPress gives it no ``postId``)."""
        return lambda block, _: render(block, post_of(block)) if post.id or "postId" in block.context else ""

    renderers: dict[str, DynamicRenderer] = {name: lambda block, _: "" for name in NOT_A_PAGE_VIEW}
    return renderers | {
        "core/query-title": render_query_title,
        "core/comments": comments,
        "core/comments-title": of_post(lambda block, shown: render_comments_title(block, data, shown)),
        "core/comment-author-name": lambda block, _: render_comment_author_name(block, site, data),
        "core/comment-date": lambda block, _: render_comment_date(block, site, data),
        "core/comment-content": lambda block, _: render_comment_content(block, site, data),
        # Visitors get no edit links; pages of comments need paged comments (off).
        "core/comment-edit-link": lambda block, _: "",
        "core/comment-reply-link": lambda block, _: render_comment_reply_link(block, site, data),
        "core/comments-pagination": lambda block, _: "",
        "core/comments-pagination-next": lambda block, _: "",
        "core/comments-pagination-numbers": lambda block, _: "",
        "core/comments-pagination-previous": lambda block, _: "",
        "core/query-pagination": render_pagination,
        "core/query-pagination-next": lambda block, _: render_next(block, data),
        "core/query-pagination-numbers": lambda block, _: render_numbers(block, data),
        # A REST request shows a loop's first page, which has no previous page.
        "core/query-pagination-previous": lambda block, _: render_previous(block, data),
        "core/query-no-results": lambda block, content: render_no_results(block, content, data),
        "core/rss": lambda block, _: render_rss(block, site, data),
        "core/loginout": lambda block, _: render_loginout(block, site, data),
        "core/read-more": of_post(lambda block, shown: render_read_more(block, site, data, shown)),
        "core/search": lambda block, _: render_search(block, site, state),
        "core/post-title": of_post(lambda block, shown: render_post_title(block, site, data, shown)),
        "core/post-date": of_post(lambda block, shown: render_post_date(block, site, data, shown)),
        "core/post-excerpt": of_post(
            lambda block, shown: render_post_excerpt(block, site, data, shown, excerpt(shown, EXCERPT_LENGTH))
        ),
        "core/post-featured-image": of_post(lambda block, shown: render_featured_image(block, site, data, shown)),
        "core/avatar": of_post(lambda block, shown: render_avatar(block, site, data, shown)),
        "core/post-author": of_post(lambda block, shown: render_post_author(block, site, data, shown)),
        "core/post-author-biography": of_post(lambda block, shown: render_author_biography(block, data, shown)),
        "core/site-title": lambda block, _: render_site_title(block, site, data),
        "core/site-tagline": lambda block, _: render_site_tagline(block, data),
        "core/page-list": lambda block, _: render_page_list(block, site, data, post.id),
        "core/home-link": lambda block, _: render_home_link(block, site),
        "core/social-link": lambda block, _: render_social_link(block),
        "core/archives": lambda block, _: render_archives(block, site, data, state),
        "core/calendar": lambda block, _: render_calendar(block, site, data),
        "core/categories": lambda block, _: render_categories(block, site, data, state),
        "core/post-comments-form": of_post(lambda block, shown: render_comment_form(block, site, data, shown)),
        "core/post-terms": of_post(lambda block, shown: render_post_terms(block, site, data, shown)),
        "core/tag-cloud": lambda block, _: render_tag_cloud(block, site, data),
        "core/latest-comments": lambda block, _: render_latest_comments(block, site, data),
        "core/latest-posts": lambda block, _: render_latest_posts(block, site, data, excerpt),
    }


RENDERED_BLOCKS = frozenset(
    {
        "core/comments-pagination-previous",
        "core/comments-pagination-numbers",
        "core/comments-pagination-next",
        "core/comments-pagination",
        "core/comment-template",
        "core/comment-reply-link",
        "core/comment-edit-link",
        "core/comment-content",
        "core/comment-date",
        "core/comment-author-name",
        "core/comments-title",
        "core/comments",
        "core/archives",
        "core/avatar",
        "core/calendar",
        "core/categories",
        "core/latest-comments",
        "core/latest-posts",
        "core/loginout",
        "core/page-list",
        "core/home-link",
        "core/navigation",
        "core/navigation-link",
        "core/navigation-submenu",
        "core/post-author",
        "core/post-author-biography",
        "core/post-comments-form",
        "core/post-date",
        "core/post-excerpt",
        "core/post-featured-image",
        "core/post-navigation-link",
        "core/post-template",
        "core/post-terms",
        "core/post-title",
        "core/query-no-results",
        "core/query-pagination",
        "core/query-pagination-next",
        "core/query-pagination-numbers",
        "core/query-pagination-previous",
        "core/query-title",
        "core/read-more",
        "core/rss",
        "core/search",
        "core/site-tagline",
        "core/site-title",
        "core/social-link",
        "core/tag-cloud",
        "core/term-description",
    }
)


def loop_renderers(site: SiteOptions, current: PostContext, data: SiteData) -> dict[str, LoopRenderer]:
    """Blocks that render their inner blocks once per item."""

    def post_template(block: Block, renderer: BlockRenderer) -> str:
        return render_post_template(block, renderer, data)

    def comment_template(block: Block, renderer: BlockRenderer) -> str:
        looped = block.context.get("postId")
        post_id = looped if isinstance(looped, int) else current.id
        shown = data.post(post_id) or SitePost(id=post_id)
        return render_comment_template(block, renderer, site, data, shown)

    return {
        "core/post-template": post_template,
        "core/comment-template": comment_template,
        # A menu and its items render their inner blocks themselves (after WordPress's discarded rendering).
        "core/navigation": lambda block, renderer: render_navigation(block, renderer, data, current),
        "core/navigation-link": lambda block, renderer: render_navigation_link(block, renderer, data, current.id),
        "core/navigation-submenu": lambda block, renderer: render_navigation_submenu(block, renderer, data, current.id),
    }
