"""Ties whose key the answer does not carry, and ties inside items.

Three WordPress orders have keys that an anonymous REST answer does not show:

* a post's ``categories`` and ``tags``: term ids in ``wp_get_object_terms``'s order, by term *name*;
* a search ordered by relevance: ``WP_Query::parse_search_order``'s ``CASE`` (sentence in the title, all
  words in the title, any word, sentence in the excerpt, in the content) then ``post_date``;
* a collection whose ``_fields`` drops the sort key (``?_fields=id&orderby=title``).

For those the comparison uses the keys the **service states** for what it returned: the proxy asks for
them on the copies it sends (request header ``X-Strangler-Sort-Keys: 1``; a visitor's own is dropped,
and the answer header is stripped before any visitor sees one), and the service answers with
``X-Strangler-Sort-Keys: {"order": [key, …], "terms": {"12": "PHP", …}}`` (JSON, ASCII): ``order`` holds
one key per item of its top-level list (an envelope's ``body``) in its own order, a key being a scalar
or an array of scalars; ``terms`` the name of every term id in its posts' ``categories``/``tags``.

Why a statement and not WordPress's own keys: names of a post's terms would cost WordPress a request per
comparison, and the raw title, excerpt and content that relevance compares are not readable anonymously
at all. A statement is sound because it can only *excuse* an order WordPress's answer agrees with: both
answers are cut into runs of consecutive items with equal keys (text compared as the tables' collation
does, as for visible keys), and they are equivalent only if the runs follow each other in the same
sequence and differ only in the order inside a run. A reordering across keys that are not tied, a
WordPress order that interleaves keys, or any field difference stays a mismatch; a statement that is
missing, malformed or of another length is not used. Where the answer does carry the key (an embedded
term's ``name``, a listing's ``date``), the visible key is used and the statement is not.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from proxy.parity.ordering import ABSENT, KeyOf, SortSpec, collated, key_at, rest_route, sort_spec
from proxy.parity.types import HttpResponse

__all__ = ["SORT_KEYS_HEADER", "StatedKeys", "TieRules", "listing_of", "stated_keys", "tie_rules", "untied"]

#: request header (value ``1``) asking for the statement, and the answer header carrying it
SORT_KEYS_HEADER = "x-strangler-sort-keys"
#: post routes whose items carry term ids ordered by name
_POST_ROUTE = re.compile(r"/wp/v2/posts(?:/\d+)?")
_TERM_ARRAYS = ("categories", "tags")


@dataclass(frozen=True)
class TieRules:
    """What of one request's answer WordPress orders with possible ties."""

    listing: SortSpec | None  # the collection's order (None: a single item, or no key to judge by)
    term_ids: bool = False  # posts: ``categories``/``tags`` by name, and ``_embedded["wp:term"]`` lists
    envelope: bool = False  # ``_envelope``: the answer is ``{"body": …, "status": …, "headers": …}``


def tie_rules(target: str) -> TieRules | None:
    """The tie rules of a request target, None where nothing in its answer can tie."""
    route, query = rest_route(target)
    listing = sort_spec(target)
    term_ids = _POST_ROUTE.fullmatch(route) is not None
    if listing is None and not term_ids:
        return None
    return TieRules(listing, term_ids, envelope="_envelope" in query)


@dataclass(frozen=True)
class StatedKeys:
    """The service's statement of its sort keys, collated (empty when there is none)."""

    order: tuple[Any, ...] | None = None
    terms: Mapping[str, Any] = field(default_factory=dict)


def _scalar_or_array(value: Any) -> bool:
    if isinstance(value, list):
        return all(_scalar_or_array(part) and not isinstance(part, list) for part in value)
    return value is None or isinstance(value, str | int | float)


def stated_keys(response: HttpResponse) -> StatedKeys:
    raw = response.header(SORT_KEYS_HEADER)
    try:
        value = json.loads(raw) if raw is not None else None
    except ValueError:
        return StatedKeys()
    if not isinstance(value, dict):
        return StatedKeys()
    order, terms = value.get("order"), value.get("terms")
    stated_order = None
    if isinstance(order, list) and all(_scalar_or_array(key) for key in order):
        stated_order = tuple(collated(key) for key in order)
    stated_terms: dict[str, Any] = {}
    if isinstance(terms, dict):
        stated_terms = {str(k): collated(v) for k, v in terms.items() if isinstance(v, str)}
    return StatedKeys(stated_order, stated_terms)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _tied_runs_sorted(values: Sequence[Any], keys: Sequence[Any]) -> list[Any]:
    """``values`` with each run of consecutive equal ``keys`` in one canonical order (an :data:`ABSENT`
    key is a run of its own): the same for any arrangement inside the runs, different for any other."""
    out: list[Any] = []
    run: list[Any] = []
    previous: Any = ABSENT
    for value, key in zip(values, keys, strict=True):
        if key is ABSENT or previous is ABSENT or key != previous:
            out.extend(sorted(run, key=_canonical))
            run = []
        run.append(value)
        previous = key
    return [*out, *sorted(run, key=_canonical)]


def _term_name(item: Any) -> Any:
    return key_at(item, ("name",))


def _untied_item(item: Any, rules: TieRules, terms: Mapping[str, Any]) -> Any:
    if not rules.term_ids or not isinstance(item, dict):
        return item
    item = dict(item)
    for name in _TERM_ARRAYS:
        ids = item.get(name)
        if isinstance(ids, list) and all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
            item[name] = _tied_runs_sorted(ids, [terms.get(str(i), ABSENT) for i in ids])
    embedded = item.get("_embedded")
    if isinstance(embedded, dict) and isinstance(embedded.get("wp:term"), list):
        lists = [
            _tied_runs_sorted(terms, [_term_name(term) for term in terms]) if isinstance(terms, list) else terms
            for terms in embedded["wp:term"]
        ]
        item["_embedded"] = {**embedded, "wp:term": lists}
    return item


def listing_of(body: Any, rules: TieRules) -> tuple[list[Any] | None, Callable[[list[Any]], Any]]:
    """The answer's collection list (an envelope's ``body``), and how to put another list in its place."""
    if rules.envelope and isinstance(body, dict) and isinstance(body.get("body"), list):
        return body["body"], lambda items: {**body, "body": items}
    if isinstance(body, list):
        return body, lambda items: items
    return None, lambda items: body


def _listing_key(spec: SortSpec, legacy: list[Any], candidate: list[Any], stated: StatedKeys) -> KeyOf | None:
    """Items' sort keys: the visible one where every item carries it, else the stated one (found by the
    item's id, or, without ids, by the item's whole value), else None."""
    if spec.key and all(key_at(item, spec.key) is not ABSENT for item in (*legacy, *candidate)):
        return lambda item: key_at(item, spec.key)
    if stated.order is None or len(stated.order) != len(candidate):
        return None
    by_id: dict[str, Any] = {}
    by_value: dict[str, set[Any]] = {}
    for item, key in zip(candidate, stated.order, strict=True):
        if isinstance(item, dict) and "id" in item:
            by_id[str(item["id"])] = key
        by_value.setdefault(_canonical(item), set()).add(key)

    def key_of(item: Any) -> Any:
        if isinstance(item, dict) and "id" in item:
            return by_id.get(str(item["id"]), ABSENT)
        keys = by_value.get(_canonical(item), set())
        return next(iter(keys)) if len(keys) == 1 else ABSENT  # equal items stated with other keys: none

    return key_of


def untied(legacy: Any, candidate: Any, rules: TieRules, stated: StatedKeys) -> tuple[Any, Any, KeyOf | None]:
    """Both answers with every run of tied items in one canonical order, and the listing's key function."""
    left_items, left_rebuild = listing_of(legacy, rules)
    right_items, right_rebuild = listing_of(candidate, rules)
    if left_items is None or right_items is None:
        return _untied_single(legacy, rules, stated), _untied_single(candidate, rules, stated), None
    left = [_untied_item(item, rules, stated.terms) for item in left_items]
    right = [_untied_item(item, rules, stated.terms) for item in right_items]
    key = _listing_key(rules.listing, left, right, stated) if rules.listing is not None else None
    if key is not None:
        left, right = (_tied_runs_sorted(items, [key(item) for item in items]) for items in (left, right))
    return left_rebuild(left), right_rebuild(right), key


def _untied_single(body: Any, rules: TieRules, stated: StatedKeys) -> Any:
    """A single item's answer (an envelope's ``body``) with its tied arrays in canonical order."""
    if rules.envelope and isinstance(body, dict) and "body" in body:
        return {**body, "body": _untied_item(body["body"], rules, stated.terms)}
    return _untied_item(body, rules, stated.terms)
