"""Which filesort MariaDB 10.11 gives WordPress's term listing, and so the order of its equal keys.

``WP_Term_Query`` lists ``/wp/v2/tags`` and ``/wp/v2/categories`` with::

    SELECT t.term_id FROM wp_terms AS t INNER JOIN wp_term_taxonomy AS tt ON t.term_id = tt.term_id
    WHERE tt.taxonomy IN ('post_tag') ORDER BY t.name ASC LIMIT 20,10

(a hierarchical taxonomy, ``category``, is never limited in SQL: WordPress slices in PHP). Measured
(``tests/extracted/content/test_tie_order_live.py``), the optimizer picks one of three plans:

* ``t`` first, read whole in primary-key order, filesorted before the join (every term of every
  taxonomy is sorted; the join then drops the other taxonomies): for ``name`` and ``slug`` the buffer
  holds row references (ties by ``term_id``'s little-endian bytes), for ``term_group`` the columns
  (ties as quicksort leaves the terms in ``term_id`` order).
* ``tt`` first (its ``taxonomy`` index or a scan, both in ``term_taxonomy_id`` order), filesorted before
  the join: for ``count`` with the columns (quicksort over the taxonomy's rows), for ``description``
  with references (ties by ``term_taxonomy_id``'s bytes).
* the other table first, through a temporary table: ties by memory addresses, not reproducible.

A join never passes ``LIMIT`` to filesort, so no priority queue. For ``name``/``slug``/``term_group``
the choice is the optimizer's cost comparison, measured on 10.11 (``optimizer_*`` defaults)::

    t first:   pages(wp_terms) + 1.4·N  (+ N to sort, unless offset + limit < N)
    tt first:  3.4017·R + c  (c from 0.125 up, grows with the index pages the range spans)

with N the rows of ``wp_terms`` and R those of the taxonomy. Within the uncertainty of the page count
and of ``c`` the plan is unknown and :func:`term_listing_order` answers ``None`` (so it does for any
filter but the taxonomy's, and for ``hide_empty`` on ``name``/``slug``/``term_group``, whose range
estimates it does not model). ``count``/``description`` listings are answered unless the taxonomy holds
every term (then ``wp_terms`` may come first). A margin absorbs statistics InnoDB has not recalculated
yet: without it one plan in about 35,000 measured went the other way on a table just filled.

Keys: names compare by the read model's ``name_key`` (equal for equal weights of letters, digits,
spaces and case; between different names, punctuation may order otherwise than the collation does,
as in the SQL path); ``count`` and ``term_group`` exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from .projection import collation_key
from .tie_order import addon_order, innodb_rowid, rowid_order

#: orderby values whose ties this module reproduces, and the table filesort sorts for each
SORTED_TABLE = {"name": "t", "slug": "t", "term_group": "t", "count": "tt", "description": "tt"}
#: filesort compares at most max_sort_length (1,024) bytes of weights, two per character here
_LONGEST_COMPARED_TEXT = 500
_REF_COST_PER_ROW, _REF_COST_MIN_CONSTANT = 1.0016844675, 0.1
_SAFETY_COST, _SAFETY_SHARE = 2.0, 0.02
#: InnoDB pages hold 16 KiB, filled from about half (after splits) to 15/16 (in key order)
_PAGE_BYTES_FULL, _PAGE_BYTES_HALF, _ROW_OVERHEAD = 15_360, 8_192, 36


@dataclass(slots=True)
class TermRow:
    """A ``wp_terms`` row with its ``wp_term_taxonomy`` row (``taxonomy`` is None for an orphan); not
    frozen, as a listing builds one per term of the site (frozen ones cost twice as much to build)."""

    term_id: int
    name: str
    name_key: str
    slug: str
    term_taxonomy_id: int | None = None
    taxonomy: str | None = None
    description: str = ""
    count: int = 0
    term_group: int = 0


@dataclass(frozen=True)
class Listing:
    """One ``WP_Term_Query``: its taxonomy, order and SQL ``LIMIT`` (``limit`` None: not limited)."""

    taxonomy: str
    orderby: str
    descending: bool = False
    hide_empty: bool = False
    limit: int | None = None
    offset: int = 0


class TermStats(NamedTuple):
    """What the optimizer's choice of plan depends on: ``wp_terms``'s rows and their size, the taxonomy's rows."""

    total: int
    in_taxonomy: int
    name_and_slug_bytes: int

    @classmethod
    def of(cls, terms: Sequence[TermRow], taxonomy: str) -> TermStats:
        size = sum(len(row.name.encode()) + len(row.slug.encode()) for row in terms)
        return cls(len(terms), sum(row.taxonomy == taxonomy for row in terms), size)


def _pages_of_terms(stats: TermStats) -> tuple[int, int]:
    """The fewest and most pages ``wp_terms``'s clustered index can have for these rows."""
    size = stats.name_and_slug_bytes + _ROW_OVERHEAD * stats.total
    fewest = 1 if size <= _PAGE_BYTES_FULL else -(-size // _PAGE_BYTES_FULL) + 1
    return fewest, -(-size // _PAGE_BYTES_HALF) + 2


def terms_table_first(terms: Sequence[TermRow] | TermStats, listing: Listing) -> bool | None:
    """Whether the optimizer reads ``wp_terms`` first (True), ``wp_term_taxonomy`` (False), or unknown."""
    stats = terms if isinstance(terms, TermStats) else TermStats.of(terms, listing.taxonomy)
    total, in_taxonomy = stats.total, stats.in_taxonomy
    limited = listing.limit is not None and listing.offset + listing.limit < total
    fewest_pages, most_pages = _pages_of_terms(stats)
    terms_first = 1.4 * total + (0 if limited else total)
    taxonomy_first = (_REF_COST_PER_ROW + 2.4) * in_taxonomy
    constant_most = 0.125 + in_taxonomy / 100 + 1
    # statistics InnoDB has not recalculated yet (pages, index cardinality) move the costs a little
    margin = _SAFETY_COST + _SAFETY_SHARE * max(terms_first, taxonomy_first)
    if terms_first + most_pages + margin < taxonomy_first + _REF_COST_MIN_CONSTANT:
        return True
    if terms_first + fewest_pages > taxonomy_first + constant_most + margin:
        return False
    return None


def _sort_key(orderby: str, row: TermRow) -> Any:
    if orderby == "name":
        return row.name_key
    if orderby == "slug":
        return collation_key(row.slug)
    if orderby == "description":
        return collation_key(row.description)
    if orderby == "count":
        return row.count
    return row.term_group


def plan_predictable(stats: TermStats, listing: Listing) -> bool:
    """Whether :func:`term_listing_order` may predict ``listing`` on a site of these ``stats``: a cheap
    test before every term is loaded (it may still answer None, e.g. for over-long names)."""
    table = SORTED_TABLE.get(listing.orderby)
    if table == "t":
        return not listing.hide_empty and terms_table_first(stats, listing) is True
    return table == "tt" and stats.in_taxonomy != stats.total


def term_listing_order(terms: Sequence[TermRow], listing: Listing, stats: TermStats | None = None) -> list[int] | None:
    """The ``term_id``s MariaDB returns for ``listing`` over all ``terms``, or None if not predictable.

    ``terms``: every ``wp_terms`` row of the site with its taxonomy row (one taxonomy per term);
    ``stats``: theirs, when the caller has them already.
    """
    table = SORTED_TABLE.get(listing.orderby)
    if table is None:
        return None
    in_taxonomy = [row for row in terms if row.taxonomy == listing.taxonomy]
    if table == "t":
        if not plan_predictable(stats or TermStats.of(terms, listing.taxonomy), listing):
            return None
        scanned = sorted(terms, key=lambda row: row.term_id)
    else:
        if len(in_taxonomy) == len(terms):  # a taxonomy of every term: wp_terms may come first
            return None
        scanned = sorted(in_taxonomy, key=lambda row: row.term_taxonomy_id or 0)
        if listing.hide_empty:
            scanned = [row for row in scanned if row.count > 0]
    if listing.orderby in ("name", "slug", "description") and any(
        len(getattr(row, listing.orderby)) > _LONGEST_COMPARED_TEXT for row in scanned
    ):
        return None
    descending = listing.descending

    def key(row: TermRow) -> Any:
        return _sort_key(listing.orderby, row)

    def reference(row: TermRow) -> bytes:
        return innodb_rowid(row.term_id if table == "t" else row.term_taxonomy_id or 0)

    if listing.orderby in ("count", "term_group"):
        ordered = addon_order(scanned, key, descending=descending)
    else:
        ordered = rowid_order(scanned, key, reference, descending=descending)
    kept = [
        row.term_id for row in ordered if row.taxonomy == listing.taxonomy and (row.count > 0 or not listing.hide_empty)
    ]
    if listing.limit is None:
        return kept[listing.offset :]
    return kept[listing.offset : listing.offset + listing.limit]


__all__ = [
    "SORTED_TABLE",
    "Listing",
    "TermRow",
    "TermStats",
    "plan_predictable",
    "term_listing_order",
    "terms_table_first",
]
