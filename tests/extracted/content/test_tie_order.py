"""MariaDB's order of equal sort keys, simulated: the sorts alone, and term listings' plans.

The expected orders marked "measured" are what MariaDB 10.11 returned for the same rows (see
``test_tie_order_live``, which checks the simulation against the server over thousands of queries).
"""

from __future__ import annotations

import random

import pytest

from extracted.content.terms_order import Listing, TermRow, term_listing_order, terms_table_first
from extracted.content.tie_order import addon_order, bounded_queue_order, innodb_rowid, mariadb_qsort, rowid_order

#: term ids of the measured fixtures: some share low bytes, some pass 2^8 and 2^16
SPREAD_IDS = [1, 2, 255, 256, 257, 300, 511, 512, 513, 600, 65536, 65537, 70000]


def test_quicksort_sorts() -> None:
    rnd = random.Random(7)
    for size in [0, 1, 2, 9, 10, 11, 40, 41, 42, 100, 333]:
        keys = [rnd.randrange(6) for _ in range(size)]
        assert [keys[i] for i in mariadb_qsort(range(size), keys.__getitem__)] == sorted(keys)
        assert [keys[i] for i in mariadb_qsort(range(size), keys.__getitem__, descending=True)] == sorted(keys)[::-1]


def test_under_ten_rows_insertion_sort_keeps_ties_in_scan_order() -> None:
    keys = [1, 0, 1, 0, 1, 0, 1, 0, 1]
    assert mariadb_qsort(range(9), keys.__getitem__) == [1, 3, 5, 7, 0, 2, 4, 6, 8]


def test_thirteen_equal_keys_come_back_as_measured() -> None:
    # measured: ORDER BY tt.count over 13 tags of count 0 read in term_taxonomy_id order; the median
    # of three leaves them, the partition swaps the inner eleven end for end.
    assert mariadb_qsort(range(13), lambda _: 0) == [0, *range(11, 0, -1), 12]


def test_forty_tags_by_count_as_measured() -> None:
    # measured: tags 1, 3, ..., 39 with count i % 4, ORDER BY tt.count ASC LIMIT 10
    tags = list(range(1, 41, 2))
    assert mariadb_qsort(tags, lambda term_id: term_id % 4)[:10] == [1, 37, 33, 29, 25, 21, 17, 13, 5, 9]


def test_large_partitions_use_the_median_of_medians() -> None:
    ordered = mariadb_qsort(range(41), lambda i: i % 2)
    assert [i % 2 for i in ordered] == sorted(i % 2 for i in range(41))
    assert ordered != sorted(range(41), key=lambda i: i % 2)  # ties moved: not a stable sort


def test_many_short_keys_are_radix_sorted_stably() -> None:
    rows = list(range(1200))
    assert addon_order(rows, lambda i: i % 3) == sorted(rows, key=lambda i: i % 3)
    assert addon_order(rows[:999], lambda i: i % 3) == mariadb_qsort(rows[:999], lambda i: i % 3)
    assert addon_order(rows, lambda i: i % 3, key_bytes=21) == mariadb_qsort(rows, lambda i: i % 3)


@pytest.mark.parametrize(
    ("limit", "expected"),
    [(1, [200]), (3, [200, 2, 3]), (10, [200, *range(10, 1, -1)]), (50, [51, *range(37, 27, -1), 38]),
     (100, [52, *range(66, 76), 65])],
)  # fmt: skip
def test_priority_queue_as_measured(limit: int, expected: list[int]) -> None:
    # measured: SELECT term_id FROM wp_terms ORDER BY term_group LIMIT n, 200 terms of term_group 0: the
    # top slot takes every row once the queue is full, so the last row read comes first
    ordered = bounded_queue_order(range(1, 201), lambda _: 0, limit)
    assert ordered[: len(expected)] == expected
    assert len(ordered) == limit


def test_priority_queue_keeps_the_least_keys() -> None:
    rnd = random.Random(3)
    for _ in range(50):
        keys = [rnd.randrange(5) for _ in range(rnd.randint(1, 80))]
        limit = rnd.randint(1, 30)
        for descending in (False, True):
            kept = bounded_queue_order(range(len(keys)), keys.__getitem__, limit, descending=descending)
            assert [keys[i] for i in kept] == sorted(keys, reverse=descending)[:limit]


def test_references_compare_as_little_endian_bytes() -> None:
    assert innodb_rowid(257) < innodb_rowid(2) < innodb_rowid(300)
    # measured: 13 equal descriptions, ORDER BY tt.description (ASC or DESC: the reference is not reversed)
    expected = [65536, 256, 512, 1, 65537, 257, 513, 2, 300, 600, 70000, 255, 511]
    for descending in (False, True):
        assert rowid_order(SPREAD_IDS, lambda _: "", innodb_rowid, descending=descending) == expected


def test_descending_keys_keep_references_ascending() -> None:
    rows = [(1, "b"), (2, "a"), (257, "a"), (3, "b")]
    ordered = rowid_order(rows, lambda row: row[1], lambda row: innodb_rowid(row[0]), descending=True)
    assert ordered == [(1, "b"), (3, "b"), (257, "a"), (2, "a")]


def _terms(count: int, tags: int, *, start: int = 1) -> list[TermRow]:
    rows = []
    for index in range(count):
        term_id = start + index
        taxonomy = "post_tag" if index < tags else "category"
        rows.append(TermRow(term_id, "Same", "same", f"s{term_id}", term_id, taxonomy, count=index % 2))
    return rows


def test_tags_by_count_as_measured() -> None:
    # measured: ORDER BY tt.count over 13 tags of count 0 (ids as SPREAD_IDS) and 60 categories
    rows = [TermRow(term_id, "T", "t", f"s{term_id}", term_id, "post_tag") for term_id in SPREAD_IDS]
    rows += [TermRow(100_000 + i, f"C{i}", f"c{i}", f"c{i}", 100_000 + i, "category") for i in range(60)]
    expected = [1, 65537, 65536, 600, 513, 512, 511, 300, 257, 256, 255, 2, 70000]
    assert term_listing_order(rows, Listing("post_tag", "count", limit=20)) == expected


def test_which_table_comes_first() -> None:
    # measured boundaries: limited, wp_terms first from about 41% of the terms in the taxonomy;
    # unlimited (or offset + limit reaching every term) from about 70%
    assert terms_table_first(_terms(100, 60), Listing("post_tag", "name", limit=10)) is True
    assert terms_table_first(_terms(100, 30), Listing("post_tag", "name", limit=10)) is False
    assert terms_table_first(_terms(100, 60), Listing("post_tag", "name", limit=50, offset=50)) is False
    assert terms_table_first(_terms(100, 80), Listing("post_tag", "name")) is True
    assert terms_table_first(_terms(100, 60), Listing("post_tag", "name")) is False
    assert terms_table_first(_terms(100, 41), Listing("post_tag", "name", limit=10)) is None  # too close to call


def test_names_tie_by_reference_bytes_when_wp_terms_comes_first() -> None:
    rows = _terms(300, 250, start=200)
    page = term_listing_order(rows, Listing("post_tag", "name", limit=5, offset=50))
    tags = sorted((row.term_id for row in rows if row.taxonomy == "post_tag"), key=innodb_rowid)
    assert page == tags[50:55]
    assert page != sorted(tags)[50:55]


def test_term_group_ties_follow_quicksort_over_every_term() -> None:
    rows = _terms(60, 50)
    order = mariadb_qsort(sorted(rows, key=lambda row: row.term_id), lambda row: 0)
    expected = [row.term_id for row in order if row.taxonomy == "post_tag"][:10]
    assert term_listing_order(rows, Listing("post_tag", "term_group", limit=10)) == expected


@pytest.mark.parametrize(
    "listing",
    [
        Listing("post_tag", "name", limit=10),  # 30% of the terms: the temporary-table plan
        Listing("post_tag", "name", hide_empty=True, limit=10),  # range estimates not modelled
        Listing("post_tag", "id", limit=10),  # unique keys: SQL's order is MariaDB's
        Listing("post_tag", "include", limit=10),
    ],
)
def test_unpredictable_listings_are_declined(listing: Listing) -> None:
    rows = _terms(100, 60 if listing.hide_empty else 30)
    assert term_listing_order(rows, listing) is None


def test_a_taxonomy_holding_every_term_is_declined_for_its_own_columns() -> None:
    assert term_listing_order(_terms(20, 20), Listing("post_tag", "count", limit=10)) is None
    assert term_listing_order(_terms(20, 19), Listing("post_tag", "count", limit=10)) is not None


def test_hide_empty_drops_empty_tags_before_the_sort() -> None:
    rows = _terms(40, 30)
    page = term_listing_order(rows, Listing("post_tag", "count", hide_empty=True, limit=100))
    assert page is not None
    assert sorted(page) == [row.term_id for row in rows if row.taxonomy == "post_tag" and row.count > 0]


def test_long_texts_are_declined() -> None:
    rows = [TermRow(1, "a" * 600, "a" * 600, "a", 1, "post_tag"), *_terms(60, 50, start=2)]
    assert term_listing_order(rows, Listing("post_tag", "name", limit=10)) is None
