"""Ties whose key the answer does not show, judged by the keys the service states (proxy/parity/ties.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from proxy.headers import downstream_response_headers, upstream_request_headers
from proxy.parity import HttpResponse, ParityRules, compare_responses
from proxy.parity.ties import SORT_KEYS_HEADER, stated_keys, tie_rules

HEADERS = (("Content-Type", "application/json"),)


def _answer(body: Any, stated: dict[str, Any] | None = None) -> HttpResponse:
    headers = HEADERS + (((SORT_KEYS_HEADER, json.dumps(stated)),) if stated is not None else ())
    return HttpResponse(200, headers, json.dumps(body).encode())


def _compare(target: str, legacy: Any, candidate: Any, stated: dict[str, Any] | None) -> Any:
    return compare_responses(_answer(legacy), _answer(candidate, stated), ParityRules(order=tie_rules(target)))


def _post(post_id: int, categories: list[int], **fields: Any) -> dict[str, Any]:
    return {"id": post_id, "date": "2024-01-01T00:00:00", "categories": categories, **fields}


# a post's term ids, ordered by names the answer does not carry ("PHP" and "php" tie under the collation)
TERMS = {"terms": {"3": "PHP", "7": "php", "5": "Python"}}


@pytest.mark.parametrize("target", ["/wp-json/wp/v2/posts/1", "/wp-json/wp/v2/posts?per_page=5"])
def test_term_ids_with_equal_stated_names_in_another_order_are_equivalent(target: str) -> None:
    legacy: Any = _post(1, [3, 7, 5])
    candidate: Any = _post(1, [7, 3, 5])
    if "?" in target:
        legacy, candidate = [legacy], [candidate]
    result = _compare(target, legacy, candidate, TERMS)
    assert result.match and result.equivalent


def test_term_ids_whose_names_are_not_tied_stay_a_mismatch() -> None:
    result = _compare("/wp-json/wp/v2/posts/1", _post(1, [3, 5]), _post(1, [5, 3]), TERMS)
    assert not result.match


def test_a_wordpress_order_that_interleaves_the_stated_keys_stays_a_mismatch() -> None:
    # WordPress: PHP, Python, php — not ordered by the stated names, so the statement excuses nothing
    result = _compare("/wp-json/wp/v2/posts/1", _post(1, [3, 5, 7]), _post(1, [3, 7, 5]), TERMS)
    assert not result.match


def test_without_a_statement_the_order_of_term_ids_stays_a_mismatch() -> None:
    assert not _compare("/wp-json/wp/v2/posts/1", _post(1, [3, 7]), _post(1, [7, 3]), None).match
    malformed = compare_responses(
        _answer(_post(1, [3, 7])),
        HttpResponse(200, (*HEADERS, (SORT_KEYS_HEADER, "{not json")), json.dumps(_post(1, [7, 3])).encode()),
        ParityRules(order=tie_rules("/wp-json/wp/v2/posts/1")),
    )
    assert not malformed.match


def test_a_field_difference_beside_tied_term_ids_is_not_hidden() -> None:
    result = _compare("/wp-json/wp/v2/posts/1", _post(1, [3, 7]), _post(1, [7, 3], date="2025-01-01T00:00:00"), TERMS)
    assert not result.match


def test_embedded_terms_with_equal_visible_names_are_equivalent() -> None:
    def with_terms(order: list[int]) -> dict[str, Any]:
        names = {3: "PHP", 7: "php", 5: "Python"}
        terms = [{"id": i, "name": names[i]} for i in order]
        return {**_post(1, [3, 7, 5]), "_embedded": {"wp:term": [terms, []]}}

    stated = TERMS
    assert _compare("/wp-json/wp/v2/posts/1?_embed=1", with_terms([3, 7, 5]), with_terms([7, 3, 5]), stated).equivalent
    assert not _compare("/wp-json/wp/v2/posts/1?_embed=1", with_terms([3, 7, 5]), with_terms([3, 5, 7]), stated).match


def _found(post_id: int, date: str) -> dict[str, Any]:
    return {"id": post_id, "date": date, "title": {"rendered": f"t{post_id}"}}


SEARCH = "/wp-json/wp/v2/posts?search=kafka&orderby=relevance"


def test_a_search_whose_stated_relevance_and_date_tie_is_equivalent() -> None:
    legacy = [_found(1, "d1"), _found(2, "d2"), _found(3, "d2"), _found(4, "d0")]
    candidate = [legacy[0], legacy[2], legacy[1], legacy[3]]
    stated = {"order": [[1, "d1"], [3, "d2"], [3, "d2"], [5, "d0"]]}
    assert _compare(SEARCH, legacy, candidate, stated).equivalent


def test_a_search_reordered_across_relevance_classes_stays_a_mismatch() -> None:
    legacy = [_found(1, "d"), _found(2, "d")]
    # the service puts 2 first and states its class as better: WordPress's order disagrees
    assert not _compare(SEARCH, legacy, legacy[::-1], {"order": [[1, "d"], [2, "d"]]}).match
    # a statement of another length than the answer is not used
    assert not _compare(SEARCH, legacy, legacy[::-1], {"order": [[1, "d"]]}).match


def test_a_listing_whose_fields_drop_the_key_uses_the_stated_one_also_without_ids() -> None:
    target = "/wp-json/wp/v2/tags?_fields=link"
    legacy = [{"link": "/tag/php/"}, {"link": "/tag/php-2/"}, {"link": "/tag/rust/"}]
    candidate = [legacy[1], legacy[0], legacy[2]]
    assert _compare(target, legacy, candidate, {"order": ["php", "PHP", "Rust"]}).equivalent
    assert not _compare(target, legacy, candidate, {"order": ["php", "Python", "Rust"]}).match


def test_a_visible_key_wins_over_a_stated_one() -> None:
    legacy = [_found(1, "2024-01-02"), _found(2, "2024-01-01")]
    # the dates are in the answer and not tied: a statement saying they tie changes nothing
    assert not _compare("/wp-json/wp/v2/posts", legacy, legacy[::-1], {"order": [0, 0]}).match


def test_an_envelope_is_judged_by_its_body() -> None:
    target = "/wp-json/wp/v2/posts/1?_envelope=1"

    def enveloped(ids: list[int], status: int = 200) -> dict[str, Any]:
        return {"body": _post(1, ids), "status": status, "headers": {"Allow": "GET"}}

    assert _compare(target, enveloped([3, 7]), enveloped([7, 3]), TERMS).equivalent
    listing = "/wp-json/wp/v2/tags?_fields=link&_envelope"
    body = [{"link": "a"}, {"link": "b"}]
    left, right = {"body": body, "status": 200}, {"body": body[::-1], "status": 200}
    assert _compare(listing, left, right, {"order": ["x", "x"]}).equivalent
    assert not _compare(listing, left, {**right, "status": 201}, {"order": ["x", "x"]}).match


def test_stated_keys_are_read_collated_and_checked() -> None:
    keys = stated_keys(_answer([], {"order": [["Café", 1], 2], "terms": {"3": "PHP", "4": 5}}))
    assert keys.order == (("cafe", 1), 2) and dict(keys.terms) == {"3": "php"}
    assert stated_keys(_answer([], {"order": [{"nested": 1}]})).order is None
    assert stated_keys(_answer([])).order is None


def test_the_statement_never_reaches_a_visitor_nor_comes_from_one() -> None:
    header = SORT_KEYS_HEADER.encode()
    assert header not in {name for name, _ in upstream_request_headers([(b"host", b"x"), (header, b"1")], None, "http")}
    answer = downstream_response_headers([(b"content-type", b"application/json"), (b"X-Strangler-Sort-Keys", b"{}")])
    assert answer == [(b"content-type", b"application/json")]


def test_no_tie_rules_where_nothing_can_tie() -> None:
    assert tie_rules("/wp-json/wp/v2/comments") is None
    assert tie_rules("/wp-json/wp/v2/pages/4") is None
    rules = tie_rules("/?rest_route=/wp/v2/posts/4&_envelope=1")
    assert rules is not None and rules.term_ids and rules.envelope and rules.listing is None
