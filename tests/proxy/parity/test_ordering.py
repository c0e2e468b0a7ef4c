"""Answers that differ only in the order of items with equal sort keys (proxy/parity/ordering.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from proxy.parity import HttpResponse, ParityRules, compare_responses
from proxy.parity.ordering import SortSpec, order_equivalent, sort_spec
from proxy.parity.ties import tie_rules


def _equal(left: dict[str, Any], right: dict[str, Any]) -> bool:
    return left == right


def _post(post_id: int, date: str, title: str = "t") -> dict[str, Any]:
    return {"id": post_id, "date": date, "title": {"rendered": title}}


@pytest.mark.parametrize(
    ("target", "key", "first_page", "per_page"),
    [
        ("/wp-json/wp/v2/posts", ("date",), True, 10),
        ("/wp-json/wp/v2/posts?orderby=title&order=asc", ("title", "rendered"), True, 10),
        ("/wp-json/wp/v2/pages?orderby=menu_order&per_page=5&page=2", ("menu_order",), False, 5),
        ("/?rest_route=/wp/v2/categories&orderby=count", ("count",), True, 10),
        ("/index.php?rest_route=/wp/v2/tags/&offset=3", ("name",), False, 10),
        ("/wp-json/wp/v2/users", ("name",), True, 10),
        ("/wp-json/wp/v2/posts?orderby=id&orderby=slug", ("slug",), True, 10),  # PHP: the last value wins
        ("/wp-json/wp/v2/categories?orderby=include_slugs", ("name",), True, 10),  # no slugs: by name
        ("/wp-json/wp/v2/tags?orderby=include", ("name",), True, 10),
    ],
)
def test_sort_spec_reads_the_collection_and_its_key(
    target: str, key: tuple[str, ...], first_page: bool, per_page: int
) -> None:
    spec = sort_spec(target)
    assert spec is not None
    assert (spec.key, spec.first_page, spec.per_page) == (key, first_page, per_page)


@pytest.mark.parametrize(
    "target",
    [
        "/wp-json/wp/v2/comments",  # comment_ID breaks ties: the order is defined
        "/wp-json/wp/v2/posts/1",  # not a collection
        "/wp-json/wp/v2/posts?orderby=include&include=3,1",
        "/wp-json/wp/v2/tags?orderby=term_group",  # the key is not in the answer, nor stated
        "/wp-json/wp/v2/tags?orderby=include&include=3,1",  # by the list: no ties
        "/wp-json/wp/v2/media",
    ],
)
def test_no_spec_where_ties_cannot_be_judged(target: str) -> None:
    assert sort_spec(target) is None


@pytest.mark.parametrize(
    "target", ["/wp-json/wp/v2/posts?orderby=relevance&search=x", "/wp-json/wp/v2/posts?orderby=title&_fields=id"]
)
def test_keys_the_answer_may_not_show_leave_a_spec_for_stated_keys(target: str) -> None:
    spec = sort_spec(target)
    assert spec is not None and spec.key == (() if "relevance" in target else ("title", "rendered"))


SPEC = SortSpec("/wp/v2/posts", ("date",), first_page=True, per_page=10)


def test_tied_items_in_another_order_are_equivalent() -> None:
    legacy = [_post(3, "2024-01-02"), _post(1, "2024-01-01"), _post(2, "2024-01-01"), _post(4, "2023-12-31")]
    candidate = [legacy[0], legacy[2], legacy[1], legacy[3]]
    assert order_equivalent(legacy, candidate, SPEC, _equal)


def test_untied_items_in_another_order_stay_different() -> None:
    legacy = [_post(3, "2024-01-02"), _post(1, "2024-01-01")]
    assert not order_equivalent(legacy, [legacy[1], legacy[0]], SPEC, _equal)


def test_a_field_difference_inside_a_tie_is_not_hidden() -> None:
    legacy = [_post(1, "2024-01-01", "a"), _post(2, "2024-01-01", "b")]
    candidate = [_post(2, "2024-01-01", "b"), _post(1, "2024-01-01", "changed")]
    assert not order_equivalent(legacy, candidate, SPEC, _equal)


def test_other_items_inside_a_tie_are_a_difference_away_from_the_page_edges() -> None:
    legacy = [_post(5, "2024-02-01"), _post(1, "2024-01-01"), _post(2, "2024-01-01"), _post(6, "2023-01-01")]
    candidate = [_post(5, "2024-02-01"), _post(1, "2024-01-01"), _post(7, "2024-01-01"), _post(6, "2023-01-01")]
    assert not order_equivalent(legacy, candidate, SPEC, _equal)


def test_a_tie_straddling_the_end_of_a_full_page_may_hold_other_items() -> None:
    spec = SortSpec("/wp/v2/pages", ("menu_order",), first_page=True, per_page=3)
    legacy = [{"id": 9, "menu_order": -1}, {"id": 1, "menu_order": 0}, {"id": 2, "menu_order": 0}]
    candidate = [{"id": 9, "menu_order": -1}, {"id": 4, "menu_order": 0}, {"id": 1, "menu_order": 0}]
    assert order_equivalent(legacy, candidate, spec, _equal)
    # on a page that is not full the run is complete: the same items are required
    assert not order_equivalent(legacy, candidate, SortSpec("/wp/v2/pages", ("menu_order",), True, 10), _equal)


def test_a_tie_straddling_the_start_of_a_later_page_may_hold_other_items() -> None:
    spec = SortSpec("/wp/v2/pages", ("menu_order",), first_page=False, per_page=10)
    legacy = [{"id": 1, "menu_order": 0}, {"id": 2, "menu_order": 0}, {"id": 3, "menu_order": 5}]
    candidate = [{"id": 8, "menu_order": 0}, {"id": 2, "menu_order": 0}, {"id": 3, "menu_order": 5}]
    assert order_equivalent(legacy, candidate, spec, _equal)


def test_a_shared_item_at_the_edge_must_still_be_equal() -> None:
    spec = SortSpec("/wp/v2/pages", ("menu_order",), first_page=False, per_page=2)
    legacy = [{"id": 1, "menu_order": 0, "x": 1}, {"id": 2, "menu_order": 0, "x": 1}]
    candidate = [{"id": 2, "menu_order": 0, "x": 2}, {"id": 3, "menu_order": 0, "x": 1}]
    assert not order_equivalent(legacy, candidate, spec, _equal)


@pytest.mark.parametrize(
    ("legacy", "candidate"),
    [
        ({"id": 1}, {"id": 1}),  # not lists
        ([{"id": 1, "date": "d"}], [{"id": 1, "date": "d"}, {"id": 2, "date": "d"}]),  # lengths differ
        ([{"date": "d"}, {"date": "d"}], [{"date": "d"}, {"date": "d"}]),  # no ids
        ([{"id": 1}, {"id": 2}], [{"id": 2}, {"id": 1}]),  # no sort key in the items
        ([_post(1, "d"), _post(2, "d")], [_post(1, "d"), _post(1, "d")]),  # an item twice
    ],
)
def test_shapes_that_are_never_equivalent(legacy: Any, candidate: Any) -> None:
    assert not order_equivalent(legacy, candidate, SPEC, _equal)


def _answer(items: list[dict[str, Any]]) -> HttpResponse:
    return HttpResponse(200, (("Content-Type", "application/json"),), json.dumps(items).encode())


def test_compare_reports_a_tie_in_another_order_as_equivalent() -> None:
    legacy = [_post(1, "2024-01-01"), _post(2, "2024-01-01")]
    rules = ParityRules(order=tie_rules("/wp-json/wp/v2/posts"))
    result = compare_responses(_answer(legacy), _answer(legacy[::-1]), rules)
    assert result.match and result.equivalent and result.reordered
    assert not compare_responses(_answer(legacy), _answer(legacy[::-1])).match  # without the order: a mismatch


def test_compare_keeps_real_differences_beside_a_reordered_tie() -> None:
    legacy = [_post(1, "2024-01-01"), _post(2, "2024-01-01")]
    candidate = [_post(2, "2024-01-01"), _post(1, "2024-01-01", "other")]
    rules = ParityRules(order=tie_rules("/wp-json/wp/v2/posts"))
    assert not compare_responses(_answer(legacy), _answer(candidate), rules).match


def test_compare_ignored_and_noisy_fields_do_not_break_a_tie() -> None:
    legacy = [{**_post(1, "d"), "guid": "a", "n": 1}, {**_post(2, "d"), "guid": "b", "n": 1}]
    candidate = [{**_post(2, "d"), "guid": "x", "n": 2}, {**_post(1, "d"), "guid": "y", "n": 3}]
    rules = ParityRules(ignore=("$[*].guid",), noise=frozenset({"$[*].n"}), order=tie_rules("/wp-json/wp/v2/posts"))
    assert compare_responses(_answer(legacy), _answer(candidate), rules).equivalent


def test_same_order_different_bytes_stays_a_mismatch() -> None:
    items = [_post(1, "d/e"), _post(2, "d/e")]
    escaped = HttpResponse(200, (("Content-Type", "application/json"),), json.dumps(items).replace("/", "\\/").encode())
    rules = ParityRules(order=tie_rules("/wp-json/wp/v2/posts"))
    result = compare_responses(_answer(items), escaped, rules)
    assert not result.match and not result.reordered


TITLES = SortSpec("/wp/v2/pages", ("title", "rendered"), first_page=True, per_page=10)


@pytest.mark.parametrize(("first", "second"), [("Parent Page", "Parent page"), ("Café", "cafe"), ("Page ", "page")])
def test_titles_equal_under_the_tables_collation_are_a_tie(first: str, second: str) -> None:
    legacy = [_post(9, "d", "Zebra"), _post(6, "d", first), _post(10, "d", second), _post(3, "d", "Apple")]
    candidate = [legacy[0], legacy[2], legacy[1], legacy[3]]
    assert order_equivalent(legacy, candidate, TITLES, _equal)


def test_titles_that_differ_under_the_collation_stay_different() -> None:
    legacy = [_post(6, "d", "Parent Page"), _post(10, "d", "Parent Pages")]
    assert not order_equivalent(legacy, [legacy[1], legacy[0]], TITLES, _equal)
