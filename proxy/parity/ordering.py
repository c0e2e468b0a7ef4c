"""WordPress collections' sort semantics, and answers that differ only in the order of tied items.

WordPress sorts a REST collection by one SQL key (`ORDER BY post_date DESC`, `ORDER BY t.name ASC`, …)
with no tie-breaker, so MariaDB returns items with equal keys in an order that depends on the plan and
even on the database's history (it changes between two fresh imports of the same export). A service
cannot reproduce that order in general. Two answers that hold the same items, agree on the sort key
sequence, and differ only in how items with equal keys are arranged are *equivalent*: the difference is
WordPress's own undefined order, not the service's. A tie that straddles the page boundary may even put
different items on the page; that too is equivalent, as long as the differing items sit in the tied
run at the edge of the page.

Pure: the sort key of a request is read from its path and query alone (the proxy owns this knowledge;
it imports no service). Where the answer does not carry the key (a search by relevance, ``_fields``
without it), the key is the one the service states for its items: see ``ties``. Comments are not
here: WP_Comment_Query always adds `comment_ID` as a tie-breaker, so their order is defined.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

__all__ = ["ABSENT", "SortSpec", "collated", "key_at", "order_equivalent", "rest_route", "sort_spec"]

Item = dict[str, Any]
ItemsEqual = Callable[[Item, Item], bool]
KeyOf = Callable[[Any], Any]

# Per collection: the REST field that carries each `orderby` value's SQL key, the default `orderby`,
# the default `order`. `()`: the key is not in the answer, only the service's statement of it can show
# ties (relevance: `ties`). `None`: no key to judge ties by (term_group, registered_date…, which the
# service does not state either), so nothing is declared equivalent.
_POSTS_KEYS: dict[str, tuple[str, ...] | None] = {
    "date": ("date",),
    "modified": ("modified",),
    "title": ("title", "rendered"),  # post_title; equal raw titles render equal (the reverse is rare)
    "slug": ("slug",),
    "id": ("id",),
    "author": ("author",),
    "parent": ("parent",),
    "menu_order": ("menu_order",),
    "include": None,
    "include_slugs": None,
    "relevance": (),  # (CASE title/excerpt/content LIKE …) then post_date: stated by the service
}
_TERMS_KEYS: dict[str, tuple[str, ...] | None] = {
    "name": ("name",),
    "slug": ("slug",),
    "count": ("count",),
    "description": ("description",),
    "id": ("id",),
    "term_group": None,
    "include": None,
    "include_slugs": None,
}
_USERS_KEYS: dict[str, tuple[str, ...] | None] = {
    "name": ("name",),  # display_name
    "slug": ("slug",),  # user_nicename
    "url": ("url",),
    "id": ("id",),
    "registered_date": None,
    "email": None,
    "include": None,
    "include_slugs": None,
}
_COLLECTIONS: dict[str, tuple[dict[str, tuple[str, ...] | None], str]] = {
    "/wp/v2/posts": (_POSTS_KEYS, "date"),
    "/wp/v2/pages": (_POSTS_KEYS, "date"),
    "/wp/v2/categories": (_TERMS_KEYS, "name"),
    "/wp/v2/tags": (_TERMS_KEYS, "name"),
    "/wp/v2/users": (_USERS_KEYS, "name"),
}
_DEFAULT_PER_PAGE = 10
#: orders by a list, and the parameter that holds the list
_LISTS = {"include": "include", "include_slugs": "slug"}


@dataclass(frozen=True)
class SortSpec:
    """How one request's collection is sorted and paged."""

    collection: str
    key: tuple[str, ...]  # path of the sort key inside each item; () when the answer never carries it
    first_page: bool  # nothing precedes this page (page 1, no offset)
    per_page: int


def rest_route(target: str) -> tuple[str, dict[str, str]]:
    """The REST route (`/wp/v2/posts`) and the query (PHP's last value wins) of a request target."""
    parts = urlsplit(target)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    path = parts.path
    if path.startswith("/wp-json/"):
        return path[len("/wp-json") :].rstrip("/"), query
    return query.get("rest_route", "").rstrip("/"), query


def _integer(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def sort_spec(target: str) -> SortSpec | None:
    """The sort semantics of a collection request, or None where ties cannot be recognised."""
    route, query = rest_route(target)
    known = _COLLECTIONS.get(route)
    if known is None:  # (with _fields the key may be dropped: then only a stated key can show ties)
        return None
    keys, default = known
    orderby = query.get("orderby", default)
    if keys is _TERMS_KEYS and orderby in _LISTS and not query.get(_LISTS[orderby]):
        orderby = "name"  # WP_Term_Query orders by FIELD() only with the list given, else by t.name
    key = keys.get(orderby, None)
    if key is None:
        return None
    page = _integer(query.get("page"), 1)
    offset = _integer(query.get("offset"), 0)
    per_page = _integer(query.get("per_page"), _DEFAULT_PER_PAGE)
    return SortSpec(route, key, first_page=page <= 1 and offset <= 0, per_page=per_page)


#: the key of an item that has none (never a tie, not even with another such item)
ABSENT: Any = object()


def key_at(item: Any, path: tuple[str, ...]) -> Any:
    """The value at ``path`` inside ``item`` as the collation compares it, or :data:`ABSENT`."""
    value = item
    for name in path:
        if not isinstance(value, dict) or name not in value:
            return ABSENT
        value = value[name]
    return collated(value) if path else ABSENT


def collated(value: Any) -> Any:
    """A text sort key as WordPress's tables compare it (utf8mb4_unicode_520_ci: case, accents and
    trailing spaces do not count, so "Parent Page" and "Parent page" tie). An approximation by Unicode
    decomposition, on the strict side for letters MariaDB folds without a decomposition (ø, ł):
    those stay apart, and their answers stay mismatches rather than being excused."""
    if isinstance(value, list | tuple):
        return tuple(collated(part) for part in value)
    if not isinstance(value, str):
        return value
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower().rstrip(" ")


def _runs(items: Sequence[Item], key: KeyOf) -> list[tuple[Any, list[Item]]]:
    """Consecutive items with equal sort keys (as MariaDB compares them), in order."""
    runs: list[tuple[Any, list[Item]]] = []
    for item in items:
        value = key(item)
        if runs and value is not ABSENT and runs[-1][0] == value:
            runs[-1][1].append(item)
        else:
            runs.append((value, [item]))
    return runs


def _same_items(left: list[Item], right: list[Item], items_equal: ItemsEqual, *, exact: bool) -> bool:
    """Items of two runs matched by id: all of them (`exact`), or at least those both runs hold."""
    by_id = {item.get("id"): item for item in right}
    if len(by_id) != len(right):
        return False
    shared = 0
    for item in left:
        other = by_id.get(item.get("id"))
        if other is None:
            if exact:
                return False
            continue
        if not items_equal(item, other):
            return False
        shared += 1
    return not exact or shared == len(right)


def order_equivalent(
    legacy: Any, candidate: Any, spec: SortSpec, items_equal: ItemsEqual, key: KeyOf | None = None
) -> bool:
    """Whether two collection answers differ only in the order of items with equal sort keys.

    Both must be lists of objects with ids, sorted the same way (the same sequence of key values);
    within each run of equal keys the candidate holds the same items, field for field per
    ``items_equal``. The first run (on a page that has predecessors) and the last run (on a full
    page) may hold other items too: the tie continues beyond the page.
    """
    if not (isinstance(legacy, list) and isinstance(candidate, list)) or len(legacy) != len(candidate):
        return False
    if not all(isinstance(item, dict) and "id" in item for item in (*legacy, *candidate)):
        return False
    key = key or (lambda item: key_at(item, spec.key))
    left, right = _runs(legacy, key), _runs(candidate, key)
    if len(left) != len(right) or any(value is ABSENT for value, _ in left):
        return False
    full_page = len(legacy) >= spec.per_page
    last = len(left) - 1
    for index, ((left_key, left_items), (right_key, right_items)) in enumerate(zip(left, right, strict=True)):
        if left_key != right_key or len(left_items) != len(right_items):
            return False
        at_edge = (index == 0 and not spec.first_page) or (index == last and full_page)
        if not _same_items(left_items, right_items, items_equal, exact=not at_edge):
            return False
    return True
