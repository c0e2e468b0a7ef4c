"""``/wp/v2/categories`` and ``/wp/v2/tags``: ``get_terms`` semantics for anonymous requests."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, LargeBinary, Row, and_, case, cast, func, or_, select, true

from extracted.rest import (
    CONTEXT,
    Answer,
    Arg,
    Item,
    Links,
    Query,
    RestError,
    denied,
    link,
    listing_args,
    listing_headers,
    page_window,
    parse_checked,
    sanitized_query,
    with_query,
)

from . import schema
from .collation import collated_like
from .post_view import term_path
from .query_text import like_pattern, slug_for_query
from .site import SiteState
from .sort_keys import statement
from .terms_order import SORTED_TABLE, Listing, TermRow, TermStats, plan_predictable, term_listing_order

terms, taxonomies, relationships, posts = schema.terms, schema.taxonomies, schema.relationships, schema.posts
TAXONOMIES = {"categories": ("category", True), "tags": ("post_tag", False)}
EMBED_FIELDS = frozenset({"id", "link", "name", "slug", "taxonomy"})
#: above this many terms a listing keeps SQL's order rather than sorting them all in Python per request
MOST_TERMS_SORTED_HERE = 5000
#: the orders whose key ``sort_keys`` states: the raw column (the proxy collates text as the tables do)
STATED_KEYS = ("name", "slug", "count", "description")
ORDERBY = ("id", "include", "name", "slug", "include_slugs", "term_group", "description", "count")


def term_args(hierarchical: bool) -> list[Arg]:
    return [
        *listing_args(ORDERBY, "name", offset=not hierarchical),
        Arg("hide_empty", "boolean", default=False),
        *([Arg("parent", "integer")] if hierarchical else []),
        Arg("post", "integer"),
        Arg("slug", "array", items="string"),
    ]


def _joined() -> Any:
    return select(terms, taxonomies).join(taxonomies, taxonomies.c.term_id == terms.c.term_id)


def _order(args: dict[str, Any]) -> list[Any]:
    orderby = args["orderby"]
    column: Any = {
        "id": terms.c.term_id, "name": terms.c.name_key, "slug": terms.c.slug,
        "count": taxonomies.c.count, "term_group": terms.c.term_id, "description": taxonomies.c.description,
    }.get(orderby, terms.c.name_key)  # fmt: skip
    if orderby == "include" and args["include"]:
        column = case({tid: i for i, tid in enumerate(args["include"])}, value=terms.c.term_id, else_=0)
    if orderby == "include_slugs" and args.get("slug"):
        slugs = [slug_for_query(s) for s in args["slug"]]
        column = case({slug: i for i, slug in enumerate(slugs)}, value=terms.c.slug, else_=0)
    descending = args["order"] == "desc"
    return [column.desc() if descending else column.asc(), terms.c.term_id]


def _filters(connection: Connection, taxonomy: str, args: dict[str, Any]) -> list[Any]:
    where: list[Any] = [taxonomies.c.taxonomy == taxonomy]
    if args["include"]:
        where.append(terms.c.term_id.in_(args["include"]))
    elif args["exclude"]:
        where.append(terms.c.term_id.not_in(args["exclude"]))
    if args.get("slug"):
        where.append(terms.c.slug.in_([slug_for_query(s) for s in args["slug"]]))
    if args.get("parent") is not None:
        where.append(taxonomies.c.parent == args["parent"])
    if args.get("search"):
        pattern, like = like_pattern(args["search"]), collated_like(connection)
        where.append(or_(like(terms.c.name, pattern), like(terms.c.slug, pattern)))
    if args.get("post"):
        where.append(taxonomies.c.term_taxonomy_id.in_(
            select(relationships.c.term_taxonomy_id).where(relationships.c.object_id == args["post"])))  # fmt: skip
    return where


def _with_posts_or_parents(connection: Connection, taxonomy: str) -> set[int]:
    """The terms ``hide_empty`` keeps in a hierarchical taxonomy: non-empty ones and their ancestors."""
    rows = connection.execute(select(taxonomies.c.term_id, taxonomies.c.parent, taxonomies.c.count).where(
        taxonomies.c.taxonomy == taxonomy)).all()  # fmt: skip
    keep = {row.term_id for row in rows if row._mapping["count"] > 0}
    parents = {row.term_id: row.parent for row in rows}
    for term_id in list(keep):
        parent = parents.get(term_id, 0)
        while parent and parent not in keep:
            keep.add(parent)
            parent = parents.get(parent, 0)
    return keep


def slug_paths(connection: Connection, taxonomy: str) -> Callable[[int], str]:
    """``term_id`` → the slugs of its ancestors and its own joined by ``/`` (category links)."""
    query = select(taxonomies.c.term_id, taxonomies.c.parent).where(taxonomies.c.taxonomy == taxonomy)
    parents = dict(connection.execute(query).tuples().all())
    slugs = dict(connection.execute(select(terms.c.term_id, terms.c.slug)).tuples().all())
    return lambda term_id: term_path(term_id, parents, slugs)


def term_item(site: SiteState, row: Row[Any], path_of: Callable[[int], str] | None) -> Item:
    """One term; ``path_of`` gives hierarchical taxonomies' slug paths (None for flat ones)."""
    hierarchical = path_of is not None
    base = "categories" if row.taxonomy == "category" else "tags"
    slug_path = path_of(row.term_id) if path_of is not None and row.parent else row.slug
    data: dict[str, Any] = {
        "id": row.term_id,
        "count": row._mapping["count"],
        "description": row.description,
        "link": site.urls.term_link(row.taxonomy, row.term_id, slug_path, row.slug),
        "name": row.name,
        "slug": row.slug,
        "taxonomy": row.taxonomy,
    }
    if hierarchical:
        data["parent"] = row.parent
    data["meta"] = []
    rest = site.urls.rest_url
    links: Links = {
        "self": [link(rest(f"/wp/v2/{base}/{row.term_id}"))],
        "collection": [link(rest(f"/wp/v2/{base}"))],
        "about": [link(rest(f"/wp/v2/taxonomies/{row.taxonomy}"))],
    }
    if row.parent:
        links["up"] = [link(rest(f"/wp/v2/{base}/{row.parent}"), embeddable=True)]
    links["https://api.w.org/post_type"] = [link(with_query(rest("/wp/v2/posts"), **{base: row.term_id}))]
    return Item(data, links, EMBED_FIELDS)


def _permission(connection: Connection, query: Query) -> RestError | None:
    """``get_items_permissions_check`` on the raw request."""
    if query.get("context") == "edit":
        return denied("rest_forbidden_context", "Sorry, you are not allowed to edit terms in this taxonomy.")
    raw_post = query.get("post")
    if raw_post and raw_post != "0":
        post_id = int(re.match(r"\s*[+-]?\d*", str(raw_post)).group(0).strip() or 0)  # type: ignore[union-attr]
        row = connection.execute(select(posts.c.type, posts.c.status).where(posts.c.id == post_id)).first()
        if row is None:
            return denied("rest_post_invalid_id", "Invalid post ID.", 400)
        if row.type != "post" or row.status != "publish":
            return denied("rest_forbidden_context", "Sorry, you are not allowed to view terms for this post.")
    return None


def _term_stats(connection: Connection, taxonomy: str) -> TermStats:
    """``TermStats`` in SQL: whether a listing's plan is predictable is known before any term is loaded."""
    size = func.coalesce(
        func.sum(func.length(cast(terms.c.name, LargeBinary)) + func.length(cast(terms.c.slug, LargeBinary))), 0
    )
    total, in_bytes = connection.execute(select(func.count(), size).select_from(terms)).one()
    in_taxonomy = connection.execute(
        select(func.count()).select_from(taxonomies).where(taxonomies.c.taxonomy == taxonomy)
    ).scalar_one()
    return TermStats(int(total), int(in_taxonomy), int(in_bytes))


def _listed_terms(connection: Connection) -> list[TermRow] | None:
    """Every term with its taxonomy row, as ``terms_order`` needs them (None: a term in two taxonomies,
    a taxonomy row without its term, or more terms than a request should sort in Python)."""
    total = connection.execute(select(func.count()).select_from(terms)).scalar_one()
    if total > MOST_TERMS_SORTED_HERE:
        return None
    joined = terms.outerjoin(taxonomies, taxonomies.c.term_id == terms.c.term_id)
    query = select(
        terms.c.term_id, terms.c.name, terms.c.name_key, terms.c.slug, taxonomies.c.term_taxonomy_id,
        taxonomies.c.taxonomy, taxonomies.c.description, taxonomies.c["count"],
    ).select_from(joined)  # fmt: skip
    # term_group is not in the read model: TermRow's 0 is what WordPress leaves it (only alias_of sets it).
    rows = [
        TermRow(term_id, name, key, slug, tt_id, taxonomy, description or "", count or 0)
        for term_id, name, key, slug, tt_id, taxonomy, description, count in connection.execute(query).tuples().all()
    ]
    orphaned_taxonomy_rows = connection.execute(
        select(func.count()).select_from(taxonomies.outerjoin(terms, taxonomies.c.term_id == terms.c.term_id))
        .where(terms.c.term_id.is_(None))
    ).scalar_one()  # fmt: skip
    if orphaned_taxonomy_rows or len({row.term_id for row in rows}) != len(rows):
        return None
    return rows


def _simulated_page(
    connection: Connection, taxonomy: str, args: dict[str, Any], *, hierarchical: bool, condition: Any, offset: int
) -> list[Row[Any]] | None:
    """The page in MariaDB's order where ``terms_order`` predicts its ties (a listing filtered by nothing
    but the taxonomy and ``hide_empty``), else None for the SQL order. A hierarchical taxonomy is sorted
    whole in SQL (no ``LIMIT``, no ``count > 0``) and sliced after WordPress's PHP filter."""
    if args["orderby"] not in SORTED_TABLE:
        return None
    per_page = args["per_page"]
    descending = args["order"] == "desc"
    if hierarchical:
        listing = Listing(taxonomy, args["orderby"], descending)
    else:
        listing = Listing(taxonomy, args["orderby"], descending, bool(args["hide_empty"]), per_page, offset)
    stats = _term_stats(connection, taxonomy)
    if not plan_predictable(stats, listing):
        return None
    everything = _listed_terms(connection)
    if everything is None:
        return None
    ordered = term_listing_order(everything, listing, stats)
    if ordered is None:
        return None
    position = {term_id: index for index, term_id in enumerate(ordered)}
    found = connection.execute(_joined().where(condition, terms.c.term_id.in_(ordered))).all()
    page = sorted(found, key=lambda row: position[row.term_id])
    return page[offset : offset + per_page] if hierarchical else page


def get_terms(connection: Connection, site: SiteState, base: str, query: Query) -> Answer:
    taxonomy, hierarchical = TAXONOMIES[base]
    spec = term_args(hierarchical)
    args = parse_checked(spec, query, lambda: _permission(connection, query) is None)
    problem = _permission(connection, query)
    if problem is not None:
        raise problem
    where = _filters(connection, taxonomy, args)
    # hide_empty as WP_Term_Query does it: the count (wp_count_terms, never hierarchical) filters on
    # tt.count > 0; a hierarchical listing also keeps the empty ancestors of non-empty terms (filtered
    # before its page is cut, as WordPress slices in PHP there); nothing is hidden with ``post``.
    hide_empty = bool(args["hide_empty"]) and not args.get("post")
    counted = [*where, taxonomies.c.count > 0] if hide_empty else where
    listed = counted
    if hide_empty and hierarchical:
        listed = [*where, terms.c.term_id.in_(sorted(_with_posts_or_parents(connection, taxonomy)))]
    joined = terms.join(taxonomies, taxonomies.c.term_id == terms.c.term_id)
    total = connection.execute(select(func.count()).select_from(joined).where(and_(true(), *counted))).scalar_one()
    offset, page = page_window(args, offset_allowed=not hierarchical)
    condition = and_(true(), *listed)
    rows = None  # the taxonomy is where's first condition: any other is a filter terms_order does not model
    if len(where) == 1:
        rows = _simulated_page(
            connection, taxonomy, args, hierarchical=hierarchical, condition=condition, offset=offset
        )
    if rows is None:
        query_page = _joined().where(condition).order_by(*_order(args)).limit(args["per_page"]).offset(offset)
        rows = list(connection.execute(query_page))
    path_of = slug_paths(connection, taxonomy) if hierarchical else None
    items = [term_item(site, row, path_of) for row in rows]
    link_query = sanitized_query(spec, query, args)
    headers = listing_headers(
        site, f"/wp/v2/{base}", link_query, total=int(total), per_page=args["per_page"], page=page
    )
    orderby = args["orderby"]
    keys = [row._mapping[orderby] for row in rows] if orderby in STATED_KEYS else None
    return Answer(items, [*headers, *statement(keys)])


def get_term(connection: Connection, site: SiteState, base: str, term_id: int, query: Query) -> Answer:
    taxonomy, hierarchical = TAXONOMIES[base]
    row = connection.execute(_joined().where(terms.c.term_id == term_id, taxonomies.c.taxonomy == taxonomy)).first()
    parse_checked([CONTEXT], query, lambda: row is not None and query.get("context") != "edit")
    if row is None or term_id <= 0:
        raise denied("rest_term_invalid", "Term does not exist.", 404)
    if query.get("context") == "edit":
        raise denied("rest_forbidden_context", "Sorry, you are not allowed to edit this term.")
    return Answer(term_item(site, row, slug_paths(connection, taxonomy) if hierarchical else None))
