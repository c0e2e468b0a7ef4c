"""Generated request matrices for the content service's parity tests.

Values come from what WordPress itself shows (ids, slugs, dates of the current data), plus invalid
ones; every parameter alone, then seeded random combinations of two or three.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

BAD_INTS = ["abc", "-1", "1.5"]


@dataclass(frozen=True)
class Facts:
    """What the site holds, as an anonymous visitor sees it through WordPress."""

    posts: list[dict[str, Any]]
    pages: list[dict[str, Any]]
    categories: list[dict[str, Any]]
    tags: list[dict[str, Any]]
    users: list[dict[str, Any]]
    hidden_ids: list[int]  # ids of drafts, private, trashed... posts (from the database side)


def _all(client: httpx.Client, route: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for page in range(1, 50):
        answer = client.get(
            "/wp-json" + route,
            params={
                "per_page": 100,
                "page": page,
                "_fields": "id,slug,date,modified,parent,author,menu_order,categories,tags,count,title,featured_media",
            },
        )
        if answer.status_code != 200 or not answer.json():
            break
        items += answer.json()
        if page >= int(answer.headers.get("X-WP-TotalPages", "1")):
            break
    return items


def gather(wordpress_url: str, hidden_ids: Iterable[int] = ()) -> Facts:
    with httpx.Client(base_url=wordpress_url, timeout=30) as client:
        return Facts(
            _all(client, "/wp/v2/posts"), _all(client, "/wp/v2/pages"), _all(client, "/wp/v2/categories"),
            _all(client, "/wp/v2/tags"), _all(client, "/wp/v2/users"), list(hidden_ids),
        )  # fmt: skip


def _ids(items: list[dict[str, Any]], rng: random.Random, k: int = 2) -> list[str]:
    ids = [str(item["id"]) for item in items]
    picks = rng.sample(ids, min(k, len(ids))) if ids else []
    return [*picks, ",".join(picks), "999999"]


def _slugs(items: list[dict[str, Any]], rng: random.Random) -> list[str]:
    slugs = [str(item["slug"]) for item in items]
    picks = rng.sample(slugs, min(2, len(slugs))) if slugs else []
    return [*picks, ",".join(picks), "no-such-slug"]


def _dates(items: list[dict[str, Any]], rng: random.Random) -> list[str]:
    dates = sorted({str(item["date"]) for item in items})
    picks = [dates[len(dates) // 3], dates[len(dates) // 2]] if dates else []
    return [*picks, *(p + "Z" for p in picks[:1]), *(p + "+02:00" for p in picks[:1]), "xyz", "2024-01-01"]


def common(rng: random.Random) -> dict[str, list[str]]:
    return {
        "page": ["1", "2", "3", "50", "0", *BAD_INTS[:1]],
        "per_page": ["1", "5", "100", "0", "101", *BAD_INTS],
        "context": ["view", "embed", "edit", "foo"],
        "_fields": ["id", "id,title", "title.rendered,link", "id,_links", "_links.self,id", "name,slug,id"],
        "_embed": ["1", "author", "wp:term", "up"],
        "_envelope": ["1"],
        "order": ["asc", "desc", "up"],
    }


def post_values(facts: Facts, post_type: str, rng: random.Random) -> dict[str, list[str]]:
    items = facts.posts if post_type == "post" else facts.pages
    users = facts.users
    values = {
        **common(rng),
        "search": ["demo", "notes", '"weekly notes"', "-demo python", "a", "the", "weekly -python", "x y z"],
        "offset": ["0", "3", "x"],
        "author": _ids(users, rng), "author_exclude": _ids(users, rng),
        "include": _ids(items, rng, 3), "exclude": _ids(items, rng),
        "slug": _slugs(items, rng),
        "orderby": ["author", "date", "id", "include", "modified", "parent", "relevance", "slug", "include_slugs",
                    "title", "menu_order", "foo"],
        "before": _dates(items, rng), "after": _dates(items, rng),
        "modified_before": _dates(items, rng)[:2], "modified_after": _dates(items, rng)[:2],
        "status": ["publish", "draft", "publish,private"],
    }  # fmt: skip
    if post_type == "post":
        values |= {
            "categories": [*_ids(facts.categories, rng), "x"],
            "categories_exclude": _ids(facts.categories, rng),
            "tags": [*_ids(facts.tags, rng), "x"],
            "tags_exclude": _ids(facts.tags, rng),
            "tax_relation": ["AND", "OR", "X"],
            "sticky": ["true", "false", "1", "0", "maybe"],
        }
    else:
        values |= {
            "parent": [*_ids(items, rng), "0"],
            "parent_exclude": _ids(items, rng),
            "menu_order": ["0", "1", "x"],
        }
    return values


def term_values(facts: Facts, base: str, rng: random.Random) -> dict[str, list[str]]:
    items = facts.categories if base == "categories" else facts.tags
    values = {
        **common(rng),
        "search": ["py", "a", "kafka"],
        "include": _ids(items, rng, 3), "exclude": _ids(items, rng),
        "orderby": ["id", "include", "name", "slug", "include_slugs", "term_group", "count", "description"],
        "hide_empty": ["true", "false", "x"],
        "post": [str(p["id"]) for p in facts.posts[:2]] + ["999999", "x"],
        "slug": _slugs(items, rng),
    }  # fmt: skip
    if base == "categories":
        values["parent"] = ["0", *(str(i["id"]) for i in items[:2]), "x"]
    else:
        values["offset"] = ["0", "2", "x"]
    return values


def user_values(facts: Facts, rng: random.Random) -> dict[str, list[str]]:
    return {
        **common(rng),
        "search": ["a", "alice", "1", "*"],
        "include": _ids(facts.users, rng), "exclude": _ids(facts.users, rng),
        "offset": ["0", "1", "x"],
        "orderby": ["id", "include", "name", "registered_date", "slug", "include_slugs", "email", "url", "foo"],
        "slug": _slugs(facts.users, rng),
        "roles": ["author"], "who": ["authors", "x"],
    }  # fmt: skip


def _query(pairs: Iterable[tuple[str, str]]) -> str:
    return "&".join(f"{quote(k)}={quote(v, safe=',')}" for k, v in pairs)


TIE_PRONE = {"author", "parent", "menu_order", "term_group", "count", "description"}


def combinations(values: dict[str, list[str]], rng: random.Random, extra: int, per_param: int) -> list[str]:
    """Up to ``per_param`` values of each parameter alone, then ``extra`` random combinations; orders with
    ties ask for everything at once (the comparison then ignores the order of equal keys, which MariaDB
    leaves undefined)."""
    singles = [
        [(name, value)]
        for name, options in values.items()
        for value in rng.sample(options, min(per_param, len(options)))
    ]
    names = list(values)
    combined = [
        [(name, rng.choice(values[name])) for name in rng.sample(names, rng.choice((2, 3)))] for _ in range(extra)
    ]
    queries = [""]
    for pairs in singles + combined:
        whole = [(n, v) for n, v in pairs if n not in ("per_page", "page", "offset")] + [("per_page", "100")]
        tied = any(name == "orderby" and value in TIE_PRONE for name, value in pairs)
        queries.append(_query(whole if tied else pairs))
    return list(dict.fromkeys(queries))


def request_matrix(
    facts: Facts, seed: int = 5, extra: int = 60, per_param: int = 99, singles: int = 999
) -> dict[str, list[str]]:
    """endpoint name -> paths with queries (relative to /wp-json); ``per_param`` values of each parameter
    alone, ``extra`` random combinations, ``singles`` single items per endpoint (plus hidden and missing)."""
    rng = random.Random(seed)
    matrix: dict[str, list[str]] = {}
    for post_type, base in (("post", "posts"), ("page", "pages")):
        route = f"/wp/v2/{base}"
        matrix[base] = [f"{route}?{q}" for q in combinations(post_values(facts, post_type, rng), rng, extra, per_param)]
        items = facts.posts if post_type == "post" else facts.pages
        visible = [i["id"] for i in items]
        ids = rng.sample(visible, min(singles, len(visible))) + facts.hidden_ids + [999999, 0]
        other = (facts.pages if post_type == "post" else facts.posts)[:2]
        items_paths = [f"{route}/{i}" for i in ids] + [f"{route}/{o['id']}" for o in other]
        items_paths += [f"{route}/{rng.choice(ids)}?{q}" for q in
                    ("context=embed", "context=edit", "_fields=id,link", "_embed=1", "_envelope=1", "password=nope",
                     "password=open-sesame", "password=members", "context=foo")]  # fmt: skip
        featured = [str(i["id"]) for i in items if i.get("featured_media")][:4]
        items_paths += [f"{route}/{i}?_embed=wp:featuredmedia" for i in featured]
        matrix[f"{base}/{{id}}"] = items_paths
        if featured:  # the embedded media items of a whole page, in one request
            matrix[base].append(f"{route}?include={','.join(featured)}&_embed=1")
    for base in ("categories", "tags"):
        route = f"/wp/v2/{base}"
        items = facts.categories if base == "categories" else facts.tags
        matrix[base] = [f"{route}?{q}" for q in combinations(term_values(facts, base, rng), rng, extra // 2, per_param)]
        chosen = rng.sample(items, min(singles, len(items)))
        matrix[f"{base}/{{id}}"] = [f"{route}/{i['id']}" for i in chosen] + [f"{route}/999999", f"{route}/1?_embed=1"]
    matrix["users"] = ["/wp/v2/users?" + q for q in combinations(user_values(facts, rng), rng, extra // 2, per_param)]
    matrix["users/{id}"] = [f"/wp/v2/users/{u['id']}" for u in facts.users] + ["/wp/v2/users/999999"]
    return matrix
