"""What reproducing MariaDB's tie order costs an uncached term listing (``extracted/content/terms_order``).

A content read model (SQLite, as the service runs it) of a site with 5,000 terms (4,000 tags, 1,000
categories, many equal names and counts) built from CDC events; each listing rendered uncached through
the service's own ``render`` (what a request does after a commit emptied the answer cache), with the
simulation and without it (``MOST_TERMS_SORTED_HERE = 0``: SQL's order, ties by ``term_id``).

    python bench/content/bench_terms_order.py [--terms 5000] [--rounds 15]

Prints a Markdown table for the README: median and p90 CPU milliseconds per request (all of it is
in this process: SQLite, SQLAlchemy, the simulation).
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from cdc.events import ChangeEvent, encode
from extracted.content import ContentProjection, terms_api
from extracted.content.app import render
from extracted.rest import parse_str
from extracted.runtime import Record, Store, apply_batch, open_engine

LISTINGS = [
    "/wp/v2/tags?per_page=10",
    "/wp/v2/tags?per_page=100&page=7",
    "/wp/v2/tags?orderby=count&order=desc&per_page=10",
    "/wp/v2/categories?per_page=100",
]
_offsets = itertools.count()


def _event(table: str, row: dict[str, Any]) -> Record:
    key_column = next(k for k in ("option_id", "term_taxonomy_id", "term_id") if k in row)
    change = ChangeEvent(f"wordpress.wordpress.{table}", {key_column: row[key_column]}, "r", None, row,
                         {"table": table, "ts_ms": 1}, 1)  # fmt: skip
    key, value = encode(change)
    return Record(change.topic, 0, next(_offsets), key, value)


def build(path: Path, count: int) -> Store:
    store = Store(open_engine(f"sqlite:///{path}"), ContentProjection().metadata)
    store.create()
    site = {"home": "http://example.test", "siteurl": "http://example.test", "permalink_structure": "/%postname%/"}
    records = [_event("wp_options", {"option_id": i, "option_name": name, "option_value": value, "autoload": "yes"})
               for i, (name, value) in enumerate(site.items(), 1)]  # fmt: skip
    words = ["php", "PHP", "python", "Python", "rust", "go", "kafka", "notes", "café", "cafe"]
    for term_id in range(1, count + 1):
        name = f"{words[term_id % len(words)]} {term_id % 97}"  # ~50 terms share each name (ignoring case)
        taxonomy = "category" if term_id % 5 == 0 else "post_tag"
        records.append(_event("wp_terms", {"term_id": term_id, "name": name, "slug": f"t-{term_id}", "term_group": 0}))
        records.append(_event("wp_term_taxonomy", {
            "term_taxonomy_id": term_id + 10, "term_id": term_id, "taxonomy": taxonomy, "description": "",
            "parent": 0, "count": term_id % 7}))  # fmt: skip
    for start in range(0, len(records), 2000):
        result = apply_batch(store, ContentProjection(), records[start : start + 2000], lambda letters: None)
        assert not result.dead, result.dead[:1]
    return store


def _time(store: Store, route: str, query: str, rounds: int) -> list[float]:
    spent = []
    for _ in range(rounds):
        with store.engine.connect() as connection:
            started = time.process_time()  # CPU time: this shared machine's load changes wall time 3×
            reply = render(connection, route, parse_str(query))
            spent.append((time.process_time() - started) * 1000)
        assert reply.status == 200, reply.body[:200]
    return spent


def _simulated(store: Store, route: str, query: str) -> bool:
    """Whether the service ordered this listing by the simulation (else it kept SQL's order)."""
    simulate = terms_api._simulated_page
    answered: list[bool] = []

    def watched(*args: Any, **kwargs: Any) -> Any:
        page = simulate(*args, **kwargs)
        answered.append(page is not None)
        return page

    terms_api._simulated_page = watched
    try:
        _time(store, route, query, 1)
    finally:
        terms_api._simulated_page = simulate
    return any(answered)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terms", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=15)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        store = build(Path(home) / "content.db", options.terms)
        print(f"| listing ({options.terms} terms, uncached) | simulated? | with simulation p50 / p90 CPU ms "
              "| SQL order p50 / p90 CPU ms | cost |")  # fmt: skip
        print("|---|---|--:|--:|--:|")
        limit = terms_api.MOST_TERMS_SORTED_HERE
        for listing in LISTINGS:
            route, _, query = listing.partition("?")
            terms_api.MOST_TERMS_SORTED_HERE = max(limit, options.terms)
            _time(store, route, query, 2)  # warm: imports, the site's options
            simulated = sorted(_time(store, route, query, options.rounds))
            terms_api.MOST_TERMS_SORTED_HERE = 0
            plain = sorted(_time(store, route, query, options.rounds))
            terms_api.MOST_TERMS_SORTED_HERE = limit
            with_p50, plain_p50 = statistics.median(simulated), statistics.median(plain)
            p90 = int(0.9 * (options.rounds - 1))
            print(f"| `{listing}` | {'yes' if _simulated(store, route, query) else 'no (SQL order)'} "
                  f"| {with_p50:.1f} / {simulated[p90]:.1f} | {plain_p50:.1f} / {plain[p90]:.1f} "
                  f"| +{with_p50 - plain_p50:.1f} ms |")  # fmt: skip


if __name__ == "__main__":
    main()
