"""The query loop's post template: its inner blocks once per post the query finds, each in an ``<li>``.

The query's context (``core/query``'s ``query`` attribute) selects the posts: type, exclusions, order,
page size and offset, author, categories and tags. A query inheriting the page's main query (``inherit``)
finds nothing in a REST request's terms here: such loops are not rendered yet.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from extracted.rest.phpquery import parse_str
from extracted.rest.types import Query

from ..block_supports import apply_block_supports
from ..blocks import Block, BlockRenderer
from ..errors import UnsupportedContentError
from ..html import sanitize_html_class
from ..phpdata import php_int, php_string
from ..types import SiteData, SitePost
from .terms import post_terms
from .wrapper import wrapper_attributes

TAXONOMY_CLASS = {"category": "category-", "post_tag": "tag-"}


def _numeric(value: Any) -> bool:
    try:
        float(php_string(value))
    except ValueError:
        return False
    return True


def page_key(block: Block) -> str:
    """The request argument naming the loop's page (``query-{queryId}-page``)."""
    query_id = block.context.get("queryId")
    return f"query-{php_string(query_id)}-page" if query_id is not None else "query-page"


def request_query(data: SiteData) -> Query:
    """The request's ``$_GET``."""
    return parse_str(urlsplit(data.request_url).query)


def requested_page(block: Block, data: SiteData) -> int:
    """The loop's page the request asks for (``$_GET[page_key]``): only the first is rendered here."""
    value = request_query(data).get(page_key(block))
    if value in (None, "", "0") or value == "1":
        return 1
    raise UnsupportedContentError(f"page {value!r} of a query loop is not rendered yet")


def page_size(query: dict[str, Any]) -> int:
    """The query's posts per page (0: all)."""
    per_page = query.get("perPage")
    return abs(int(float(php_string(per_page)))) if per_page is not None and _numeric(per_page) else 0


def query_posts(data: SiteData, query: dict[str, Any]) -> list[SitePost]:
    """The posts of ``build_query_vars_from_query_block`` on the first page."""
    posts = matching_posts(data, query)
    size = page_size(query)
    if size:
        offset = abs(int(float(php_string(query.get("offset") or 0)))) if _numeric(query.get("offset") or 0) else 0
        posts = posts[offset : offset + size]
    return _sticky_first(data, query, posts) if _is_home(query) and data.sticky_posts else posts


def _is_home(query: dict[str, Any]) -> bool:
    """``WP_Query::is_home``: no author, terms or search narrow the loop (else it is an archive)."""
    terms = [t for key in ("categoryIds", "tagIds") for t in query.get(key) or []]
    tax = query.get("taxQuery")
    terms += [t for ids in tax.values() for t in ids or []] if isinstance(tax, dict) else []
    return not (terms or query.get("author") or query.get("search"))


def _sticky_first(data: SiteData, query: dict[str, Any], posts: list[SitePost]) -> list[SitePost]:
    """The home query's sticky posts first: those found moved to the front, then the others fetched."""
    sticky = list(data.sticky_posts)
    front = [p for p in posts if p.id in sticky]
    rest = [p for p in posts if p.id not in sticky]
    missing = set(sticky) - {p.id for p in front} - _excluded(data, query)
    post_type = php_string(query.get("postType")) or "post"
    fetched = [p for p in data.posts if p.id in missing and p.post_type == post_type]  # newest first
    return front + fetched + rest


def _excluded(data: SiteData, query: dict[str, Any]) -> set[int]:
    excluded = {php_int(i) for i in query.get("exclude") or []}
    if query.get("sticky") and query.get("sticky") != "only":
        excluded |= set(data.sticky_posts)
    return excluded


def matching_posts(data: SiteData, query: dict[str, Any]) -> list[SitePost]:
    """All the posts the query matches, as the site data orders them."""
    post_type = php_string(query.get("postType")) or "post"
    excluded = _excluded(data, query)
    posts = [p for p in data.posts if p.post_type == post_type and p.id not in excluded]
    if query.get("sticky") == "only" and data.sticky_posts:  # no sticky posts: ``post__in`` empty, ignored
        posts = [p for p in posts if p.id in data.sticky_posts]
    terms = [int(t) for key in ("categoryIds", "tagIds") for t in query.get(key) or []]
    for ids in (query.get("taxQuery") or {}).values() if isinstance(query.get("taxQuery"), dict) else ():
        terms += [int(t) for t in ids]
    if terms:
        posts = [p for p in posts if set(p.terms) & set(terms)]
    if query.get("author"):
        authors = {int(a) for a in php_string(query["author"]).split(",") if a.strip().lstrip("-").isdigit()}
        posts = [p for p in posts if p.author in authors]
    descending = php_string(query.get("order", "desc")).upper() != "ASC"
    if query.get("orderBy") == "title":
        posts.sort(key=lambda p: (p.title.casefold(), p.id if descending else -p.id), reverse=descending)
    else:
        posts.sort(key=lambda p: (p.date, p.id if descending else -p.id), reverse=descending)
    return posts


def post_classes(data: SiteData, post: SitePost) -> str:
    """``get_post_class('wp-block-post')``: id, type, status, format, password, thumbnail, hAtom, terms."""
    classes = ["wp-block-post", f"post-{post.id}", post.post_type, f"type-{post.post_type}", "status-publish"]
    if post.post_type == "post":
        classes.append("format-standard")
    if post.password_required:  # no thumbnail class then either
        classes.append("post-password-required")
    elif post.password_protected:
        classes.append("post-password-protected")
    if post.featured_image_id and not post.password_required:
        classes.append("has-post-thumbnail")
    classes.append("hentry")
    for taxonomy, prefix in TAXONOMY_CLASS.items():
        if post.post_type == "post":
            classes += [prefix + sanitize_html_class(t.slug) for t in post_terms(data, post, taxonomy) if t.slug]
    return " ".join(dict.fromkeys(classes))


def render_post_template(block: Block, renderer: BlockRenderer, data: SiteData) -> str:
    query = block.context.get("query")
    if not isinstance(query, dict) or query.get("inherit"):
        return ""
    requested_page(block, data)
    posts = query_posts(data, query)
    if not posts:
        return ""
    layout = block.context.get("displayLayout")
    classes = ""
    if isinstance(layout, dict) and layout.get("type") == "flex":
        classes = f"is-flex-container columns-{php_string(layout.get('columns'))}"
    # Each post's copy of the template is a block of its own ("core/null"), filtered as blocks are: its
    # link color class goes to its first tag.
    copy = replace(block, name="core/null", context={})
    items = "".join(
        f'<li class="{post_classes(data, post)}">'
        + apply_block_supports(
            renderer.render_inner(block, {"postType": post.post_type, "postId": post.id}), copy, renderer.state
        )
        + "</li>"
        for post in posts
    )
    return f"<ul {wrapper_attributes(block, **{'class': classes})}>{items}</ul>"


def render_no_results(block: Block, content: str, data: SiteData) -> str:
    """The query's "no results" content, shown only when its query finds nothing."""
    query = block.context.get("query")
    if not content.strip():
        return ""
    if not isinstance(query, dict) or query.get("inherit"):
        return content  # a loop over the page's main query: not rendered yet
    requested_page(block, data)
    if query_posts(data, query):
        return ""
    return f"<div {wrapper_attributes(block)}>{content}</div>"
