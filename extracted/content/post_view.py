"""Posts and pages as the REST API shows them (``prepare_item_for_response`` and ``prepare_links``).

Reads only the read model; rendered fields come from the response's ``ResponseRendering`` (stored at
projection time, or rendered now: see ``live``); terms, meta, modes, revisions and URLs for a whole
page of posts are loaded with one query each.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, select

from extracted.formatting.phpdata import php_int
from extracted.rest import Links, link, with_query

from . import schema
from .links import featured_media_links, route_for_post, term_links
from .live import Mode
from .render_inputs import meta_of
from .site import SiteState

posts, taxonomies, terms, relationships = schema.posts, schema.taxonomies, schema.terms, schema.relationships
REST_BASES = {"post": "posts", "page": "pages"}
#: post types WordPress 6.1 shows in the REST API whose items a visitor may read (``check_is_post_type_allowed``)
READABLE_TYPES = ("post", "page", "attachment", "wp_block", "wp_template", "wp_template_part", "wp_navigation")
EMBED_FIELDS = frozenset({"id", "date", "slug", "type", "link", "title", "excerpt", "author", "featured_media"})


@dataclass
class PostBatch:
    """What the items of one response need besides their rows."""

    rows: dict[int, Row[Any]]
    meta: dict[int, dict[str, str]]
    terms: dict[int, dict[str, list[tuple[int, str]]]]  # post -> taxonomy -> [(term_id, slug)] by name
    revisions: dict[int, tuple[int, int]]  # post -> (count, latest id)
    page_uris: dict[int, str]
    category_paths: dict[int, str]
    modes: dict[int, Mode]
    #: the post type of each featured image id and parent, for the ones that exist
    linked_types: dict[int, str]


def _terms_of(connection: Connection, ids: Sequence[int]) -> dict[int, dict[str, list[tuple[int, str]]]]:
    query = (
        select(relationships.c.object_id, taxonomies.c.taxonomy, terms.c.term_id, terms.c.slug)
        .join(taxonomies, taxonomies.c.term_taxonomy_id == relationships.c.term_taxonomy_id)
        .join(terms, terms.c.term_id == taxonomies.c.term_id)
        .where(relationships.c.object_id.in_(list(ids)))
        .order_by(terms.c.name_key, terms.c.term_id)
    )
    found: dict[int, dict[str, list[tuple[int, str]]]] = {}
    for row in connection.execute(query):
        found.setdefault(row.object_id, {}).setdefault(row.taxonomy, []).append((row.term_id, row.slug))
    return found


def _revisions(connection: Connection, ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    query = (
        select(posts.c.id, posts.c.parent)
        .where(posts.c.type == "revision", posts.c.parent.in_(list(ids)))
        .order_by(posts.c.date.desc(), posts.c.id.desc())
    )
    found: dict[int, tuple[int, int]] = {}
    for row in connection.execute(query):
        count, latest = found.get(row.parent, (0, row.id))
        found[row.parent] = (count + 1, latest)
    return found


def _page_uris(connection: Connection, rows: Sequence[Row[Any]]) -> dict[int, str]:
    """``get_page_uri``: the slugs of a page's ancestors and its own, joined by ``/``."""
    known: dict[int, tuple[int, str]] = {row.id: (row.parent, row.slug) for row in rows}
    uris: dict[int, str] = {}
    for row in rows:
        slugs, parent, seen = [row.slug], row.parent, {row.id}
        while parent and parent not in seen:
            seen.add(parent)
            if parent not in known:
                found = connection.execute(select(posts.c.parent, posts.c.slug).where(posts.c.id == parent)).first()
                known[parent] = (found.parent, found.slug) if found else (0, "")
            parent, slug = known[parent]
            if slug:
                slugs.insert(0, slug)
        uris[row.id] = "/".join(slugs)
    return uris


def readable(connection: Connection, row: Row[Any], depth: int = 0) -> bool:
    """``check_read_permission`` for a visitor: published, or ``inherit`` from a readable parent, or
    ``inherit`` with no parent (published, as ``get_post_status()`` assumes). Real exports carry both."""
    if row.type not in READABLE_TYPES or depth > 8:
        return False
    if row.status == "publish":
        return True
    if row.status == "inherit" and row.parent > 0:
        parent = connection.execute(select(posts).where(posts.c.id == row.parent)).first()
        if parent is not None:
            return readable(connection, parent, depth + 1)
    return bool(row.status == "inherit")


def post_types(connection: Connection, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted({post_id for post_id in ids if post_id})
    if not wanted:
        return {}
    return {
        row.id: row.type for row in connection.execute(select(posts.c.id, posts.c.type).where(posts.c.id.in_(wanted)))
    }


def featured_id(meta: Mapping[str, str]) -> int:
    """``get_post_thumbnail_id``: the meta value as PHP's ``(int)`` reads it."""
    return php_int(meta.get("_thumbnail_id", ""))


def load_batch(connection: Connection, site: SiteState, ids: Sequence[int]) -> PostBatch:
    rows = {row.id: row for row in connection.execute(select(posts).where(posts.c.id.in_(list(ids))))}
    post_terms = _terms_of(connection, ids)
    paths: dict[int, str] = {}
    if "%category%" in site.urls.permalink_structure:
        parents = dict(connection.execute(select(taxonomies.c.term_id, taxonomies.c.parent).where(
            taxonomies.c.taxonomy == "category")).tuples().all())  # fmt: skip
        slugs = dict(connection.execute(select(terms.c.term_id, terms.c.slug)).tuples().all())
        for post_id, by_taxonomy in post_terms.items():
            categories = sorted(term_id for term_id, _ in by_taxonomy.get("category", []))
            if categories:
                paths[post_id] = term_path(categories[0], parents, slugs)
    pages = [row for row in rows.values() if row.type == "page"]
    modes = schema.render_modes
    mode_rows = connection.execute(select(modes).where(modes.c.post_id.in_(list(ids))))
    meta = meta_of(connection, ids)
    return PostBatch(
        rows, meta, post_terms, _revisions(connection, ids), _page_uris(connection, pages), paths,
        {row.post_id: Mode.of(row) for row in mode_rows},
        post_types(connection, [*(featured_id(values) for values in meta.values()), *(r.parent for r in pages)]),
    )  # fmt: skip


def term_path(term_id: int, parents: dict[int, int], slugs: dict[int, str]) -> str:
    chain, seen = [slugs.get(term_id, "")], {term_id}
    parent = parents.get(term_id, 0)
    while parent and parent not in seen:
        seen.add(parent)
        chain.insert(0, slugs.get(parent, ""))
        parent = parents.get(parent, 0)
    return "/".join(chain)


def permalink(site: SiteState, row: Row[Any], batch: PostBatch) -> str:
    if row.type == "page":
        return site.urls.page_link(row.id, batch.page_uris.get(row.id, row.slug), row.status)
    return site.urls.post_link(dict(row._mapping), batch.category_paths.get(row.id, "uncategorized"), "")


def _links(site: SiteState, row: Row[Any], batch: PostBatch, featured: int) -> Links:
    base = REST_BASES[row.type]
    rest = site.urls.rest_url
    links: Links = {
        "self": [link(rest(f"/wp/v2/{base}/{row.id}"))],
        "collection": [link(rest(f"/wp/v2/{base}"))],
        "about": [link(rest(f"/wp/v2/types/{row.type}"))],
    }
    if row.author:
        links["author"] = [link(rest(f"/wp/v2/users/{row.author}"), embeddable=True)]
    links["replies"] = [link(with_query(rest("/wp/v2/comments"), post=row.id), embeddable=True)]
    count, latest = batch.revisions.get(row.id, (0, 0))
    links["version-history"] = [link(rest(f"/wp/v2/{base}/{row.id}/revisions"), count=count)]
    if count:
        links["predecessor-version"] = [link(rest(f"/wp/v2/{base}/{row.id}/revisions/{latest}"), id=latest)]
    if row.type == "page" and row.parent:  # rest_get_route_for_post(): a parent may be a post, or nothing
        links["up"] = [link(rest(route_for_post(row.parent, batch.linked_types.get(row.parent))), embeddable=True)]
    links.update(featured_media_links(site, featured, batch.linked_types.get(featured)))
    links["https://api.w.org/attachment"] = [link(with_query(rest("/wp/v2/media"), parent=row.id))]
    if row.type == "post":
        links["https://api.w.org/term"] = term_links(site, row.id)
    return links


def post_item(
    site: SiteState, row: Row[Any], batch: PostBatch, rendered: tuple[str, str], *, hidden: bool
) -> tuple[dict[str, Any], Links]:
    """One item's data in WordPress's key order (view context), and its links; ``rendered`` is its
    (content, excerpt), ``hidden`` whether its password is required."""
    meta = batch.meta.get(row.id, {})
    protected = bool(row.password)
    featured = featured_id(meta)
    template = meta.get("_wp_page_template", "")
    data: dict[str, Any] = {
        "id": row.id,
        "date": row.date,
        "date_gmt": row.date_gmt,
        "guid": {"rendered": row.guid},
        "modified": row.modified,
        "modified_gmt": row.modified_gmt,
        "slug": row.slug,
        "status": row.status,
        "type": row.type,
        "link": permalink(site, row, batch),
        "title": {"rendered": row.title},
        "content": {"rendered": "" if hidden else rendered[0], "protected": protected},
        "excerpt": {"rendered": "" if hidden else rendered[1], "protected": protected},
        "author": row.author,
        "featured_media": featured,
    }
    if row.type == "page":
        data["parent"] = row.parent
        data["menu_order"] = row.menu_order
    data["comment_status"] = row.comment_status
    data["ping_status"] = row.ping_status
    if row.type == "post":
        data["sticky"] = row.id in site.sticky
    data["template"] = "" if template == "default" else template
    if row.type == "post":
        formats = batch.terms.get(row.id, {}).get("post_format", [])
        data["format"] = formats[0][1].removeprefix("post-format-") if formats else "standard"
    data["meta"] = []
    if row.type == "post":
        by_taxonomy = batch.terms.get(row.id, {})
        data["categories"] = [term_id for term_id, _ in by_taxonomy.get("category", [])]
        data["tags"] = [term_id for term_id, _ in by_taxonomy.get("post_tag", [])]
    return data, _links(site, row, batch, featured)
