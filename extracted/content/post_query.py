"""The posts/pages collection query: WP_Query's semantics for an anonymous REST request, in SQL.

Covers the arguments the REST controller passes (authors, ids, parents, menu order, slugs, dates,
search with its exclusions, stopwords and relevance order, taxonomy clauses with children and
AND/OR, sticky) and WP_Query's ordering (ties broken by ID in the same direction, as MariaDB's
``type_status_date`` index does).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    case,
    exists,
    false,
    func,
    or_,
    select,
    true,
)

from . import schema
from .collation import Like, collated_like
from .query_text import like_pattern, search_terms, slug_for_query
from .terms_tree import descendants, term_taxonomy_ids

posts = schema.posts
relationships = schema.relationships
TAXONOMY_PARAMS = {"categories": "category", "tags": "post_tag"}


@dataclass(frozen=True)
class PostPage:
    ids: list[int]
    total: int
    #: each id's sort key as the query compares it (``sort_keys``: the proxy sees ties the answer hides);
    #: None for orders by a list, which has no ties
    keys: list[Any] | None = None


#: ``WP_Query::parse_query`` drops a longer ``s`` ("fairly large, potentially too large, upper bound")
SEARCH_LIMIT_BYTES = 1600


def _search(
    text: str, like: Like
) -> tuple[list[ColumnElement[bool]], ColumnElement[Any] | None, list[ColumnElement[bool]]]:
    """WHERE clauses, and the relevance ordering's parts, of ``s`` (``like`` compares as MariaDB does)."""
    text = text.replace("\r", "").replace("\n", "")
    terms, count = search_terms(text)
    clauses: list[ColumnElement[bool]] = []
    in_title: list[ColumnElement[bool]] = []
    fields = (posts.c.title_raw, posts.c.excerpt_raw, posts.c.content_raw)
    for term in terms:
        exclude = term.startswith("-")
        pattern = like_pattern(term[1:] if exclude else term)
        matches = [like(column, pattern) for column in fields]
        if exclude:
            clauses.append(and_(*(~m for m in matches)))
        else:
            in_title.append(matches[0])
            clauses.append(or_(*matches))
    clauses.append(posts.c.password == "")
    if not in_title:
        return clauses, None, in_title
    if count <= 1:
        return clauses, case((in_title[0], 1), else_=0), in_title
    sentence = None if re.search(r"(?:\s|^)-", text) else like_pattern(text)
    whens: list[tuple[ColumnElement[bool], int]] = []
    if sentence:
        whens.append((like(posts.c.title_raw, sentence), 1))
    if 1 < len(in_title) < 7:
        whens.append((and_(*in_title), 2))
        whens.append((or_(*in_title), 3))
    if sentence:
        whens.append((like(posts.c.excerpt_raw, sentence), 4))
        whens.append((like(posts.c.content_raw, sentence), 5))
    # Relevance ascends (1 = best) where WordPress uses CASE ... ELSE 6; negate to sort like the single-term case.
    return clauses, -case(*whens, else_=6) if whens else None, in_title


def _tax_clause(
    connection: Connection, taxonomy: str, query: dict[str, Any], exclude: bool
) -> ColumnElement[bool] | None:
    terms: list[int] = [t for t in query["terms"] if t]
    if not terms:
        return None
    if query.get("include_children"):
        terms = terms + descendants(connection, taxonomy, terms)
    tt_ids = term_taxonomy_ids(connection, taxonomy, terms)
    has = exists().where(relationships.c.object_id == posts.c.id, relationships.c.term_taxonomy_id.in_(tt_ids))
    if exclude:
        return ~has if tt_ids else None
    if query.get("operator") == "AND":
        if not tt_ids:
            return None
        counted = (
            select(func.count())
            .where(relationships.c.object_id == posts.c.id, relationships.c.term_taxonomy_id.in_(tt_ids))
            .scalar_subquery()
        )
        return counted == len(tt_ids)
    return has if tt_ids else false()


def _order(args: dict[str, Any], relevance: ColumnElement[Any] | None) -> list[Any]:
    descending = args["order"] == "desc"
    orderby = args["orderby"]

    def directed(column: Any) -> Any:
        return column.desc() if descending else column.asc()

    columns: dict[str, Any] = {
        "author": posts.c.author, "date": posts.c.date, "id": posts.c.id, "modified": posts.c.modified,
        "parent": posts.c.parent, "slug": posts.c.slug, "title": posts.c.title_key,
        "menu_order": posts.c.menu_order,
    }  # fmt: skip
    # Orders by a list ignore ``order``; ``include_slugs`` without slugs falls back to oldest first.
    if orderby == "include" and args["include"]:
        listed = case({pid: index for index, pid in enumerate(args["include"])}, value=posts.c.id, else_=0)
        return [listed.asc(), posts.c.id.asc()]
    if orderby == "include_slugs":
        if not args.get("slug"):
            return [posts.c.date.asc(), posts.c.id.asc()]
        slugs = [slug_for_query(s) for s in args["slug"]]
        listed = case({slug: index for index, slug in enumerate(slugs)}, value=posts.c.slug, else_=0)
        return [listed.asc(), posts.c.id.asc()]
    column = columns.get(orderby, posts.c.date)
    order = [directed(column)]
    if orderby == "relevance" and relevance is not None:
        order = [relevance.desc(), directed(posts.c.date)]
    return [*order, directed(posts.c.id)]


#: the raw column of each ``orderby`` whose ties the proxy is told about (the SQL sorts by a collation
#: key for titles; the proxy collates the raw title as it does visible keys)
_KEY_COLUMNS = {
    "author": posts.c.author, "date": posts.c.date, "id": posts.c.id, "modified": posts.c.modified,
    "parent": posts.c.parent, "slug": posts.c.slug, "title": posts.c.title_raw, "menu_order": posts.c.menu_order,
}  # fmt: skip


def _key_columns(args: dict[str, Any], relevance: ColumnElement[Any] | None) -> list[Any]:
    """The columns of the order's key: relevance's class (None without one) and the date for a search
    by relevance, else the ``orderby`` column; none for orders by a list."""
    orderby = args["orderby"]
    if orderby == "relevance":
        return [relevance if relevance is not None else func.nullif(1, 1), posts.c.date]
    column = _KEY_COLUMNS.get(orderby)
    return [column] if column is not None else []


def _filters(connection: Connection, post_type: str, args: dict[str, Any], sticky: Sequence[int]) -> list[Any]:
    where: list[Any] = [posts.c.type == post_type, posts.c.status == "publish"]
    include, exclude = list(args.get("include") or []), list(args.get("exclude") or [])
    if args.get("sticky") is True:
        include = [pid for pid in sticky if pid in include] if include else list(sticky)
        include = include or [0]
    elif args.get("sticky") is False:
        exclude = exclude + list(sticky)
    # WP_Query: an include list wins over exclusions, author and parent exclusions over inclusions.
    if include:
        where.append(posts.c.id.in_(include))
    elif exclude:
        where.append(posts.c.id.not_in(exclude))
    if args.get("author_exclude"):
        where.append(posts.c.author.not_in(args["author_exclude"]))
    elif args.get("author"):
        where.append(posts.c.author.in_(args["author"]))
    if args.get("parent"):
        where.append(posts.c.parent.in_(args["parent"]))
    elif args.get("parent_exclude"):
        where.append(posts.c.parent.not_in(args["parent_exclude"]))
    if args.get("menu_order") is not None:
        where.append(posts.c.menu_order == args["menu_order"])
    if args.get("slug"):
        where.append(posts.c.slug.in_([slug_for_query(s) for s in args["slug"]]))
    for name, column, comparison in (("before", posts.c.date, "<"), ("after", posts.c.date, ">"),
                                     ("modified_before", posts.c.modified, "<"),
                                     ("modified_after", posts.c.modified, ">")):  # fmt: skip
        if args.get(name):
            where.append(column < args[name] if comparison == "<" else column > args[name])
    tax: list[ColumnElement[bool]] = []
    for param, taxonomy in TAXONOMY_PARAMS.items():
        for key, excluding in ((param, False), (f"{param}_exclude", True)):
            if args.get(key):
                clause = _tax_clause(connection, taxonomy, args[key], excluding)
                if clause is not None:
                    tax.append(clause)
    if tax:
        where.append(or_(*tax) if args.get("tax_relation") == "OR" else and_(*tax))
    return where


def find_posts(connection: Connection, post_type: str, args: dict[str, Any], sticky: Sequence[int]) -> PostPage:
    """The ids of one page of the collection, and the total count, for already-validated ``args``."""
    where = _filters(connection, post_type, args, sticky)
    relevance = None
    search = args.get("search")
    if search and len(search.encode()) <= SEARCH_LIMIT_BYTES:
        clauses, relevance, _ = _search(search, collated_like(connection))
        where.extend(clauses)
    condition = and_(true(), *where)
    total = connection.execute(select(func.count()).select_from(posts).where(condition)).scalar_one()
    per_page = args["per_page"]
    offset = args["offset"] if args.get("offset") is not None else (args["page"] - 1) * per_page
    key_columns = _key_columns(args, relevance)
    query = select(posts.c.id, *key_columns).where(condition).order_by(*_order(args, relevance))
    rows = connection.execute(query.limit(per_page).offset(max(0, offset))).all()
    keys = None
    if key_columns:
        keys = [list(row[1:]) if len(key_columns) > 1 else row[1] for row in rows]
    return PostPage([row.id for row in rows], int(total), keys)
