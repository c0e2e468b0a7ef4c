"""MariaDB's order of equal sort keys in WordPress's term listings vs ``tie_order``/``terms_order``.

Random ``wp_terms``/``wp_term_taxonomy`` tables (WordPress's own definitions) with many equal names,
counts, descriptions and ``term_group``s, ids passing 2^8 and 2^16, ``term_taxonomy_id`` sometimes
unlike ``term_id``, statistics fresh from ``ANALYZE TABLE`` or as InnoDB leaves them; for each, the
queries ``WP_Term_Query`` sends for ``/wp/v2/tags`` (``LIMIT offset,number``) and ``/wp/v2/categories``
(no ``LIMIT``). ``ANALYZE FORMAT=JSON`` tells the plan. Two measures:

* the sorts alone: for every plan that filesorts a table before the join, the simulation with the
  server's own weights (``WEIGHT_STRING``) and the sort mode it reports must give its order exactly;
* the service's model: where :func:`term_listing_order` answers (it predicts the plan, keys by the read
  model's ``name_key``) it must be right; the share it answers is measured.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pymysql
import pytest

from extracted.content.projection import collation_key
from extracted.content.terms_order import Listing, TermRow, term_listing_order
from extracted.content.tie_order import addon_order, bounded_queue_order, innodb_rowid, rowid_order
from tests.stack_fixture import StackHandle

pytestmark = pytest.mark.stack

DATABASE = "strangler_tie_order"
TABLES = [
    """CREATE TABLE wp_terms (
 term_id bigint(20) unsigned NOT NULL auto_increment, name varchar(200) NOT NULL default '',
 slug varchar(200) NOT NULL default '', term_group bigint(10) NOT NULL default 0,
 PRIMARY KEY (term_id), KEY slug (slug(191)), KEY name (name(191))
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci""",
    """CREATE TABLE wp_term_taxonomy (
 term_taxonomy_id bigint(20) unsigned NOT NULL auto_increment, term_id bigint(20) unsigned NOT NULL default 0,
 taxonomy varchar(32) NOT NULL default '', description longtext NOT NULL,
 parent bigint(20) unsigned NOT NULL default 0, count bigint(20) NOT NULL default 0,
 PRIMARY KEY (term_taxonomy_id), UNIQUE KEY term_id_taxonomy (term_id,taxonomy), KEY taxonomy (taxonomy)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci""",
]
TAXONOMIES = ["post_tag", "category", "nav_menu", "post_format"]
COLUMNS = {"name": "t.name", "slug": "t.slug", "term_group": "t.term_group", "count": "tt.count",
           "description": "tt.description"}  # fmt: skip
SIZES = [5, 8, 12, 20, 30, 45, 60, 90, 130, 200, 300, 400, 500]


Keys = dict[int, dict[str, bytes]]


@dataclass
class Tally:
    queries: int = 0
    direct: int = 0
    reproduced: int = 0
    answered: int = 0
    right: int = 0
    temporary: int = 0
    priority_queues: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def db(stack: StackHandle) -> Iterator[Any]:
    settings = stack.components["mariadb"]
    connection = pymysql.connect(
        host=settings["host"], port=settings["port"], user=settings["root_user"],
        password=settings["root_password"], charset="utf8mb4", autocommit=True,
    )  # fmt: skip
    with connection, connection.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE IF NOT EXISTS {DATABASE}")
        cursor.execute(f"USE {DATABASE}")
        try:
            yield cursor
        finally:
            cursor.execute(f"DROP DATABASE {DATABASE}")


def random_terms(rnd: random.Random) -> list[dict[str, Any]]:
    size = rnd.choice([*SIZES, rnd.randint(5, 500)])
    weights = [rnd.random() for _ in TAXONOMIES]
    if rnd.random() < 0.5:  # real sites: one taxonomy, tags or categories, holds most terms
        weights[rnd.choice([0, 1])] += rnd.choice([1, 3, 10, 30])
    pad = rnd.choice([0, 0, 10, 40, 120])  # longer rows: more pages in the table scan's cost
    names = [f"Name {k} " + "x" * rnd.randint(0, pad) for k in range(rnd.choice([1, 2, 3, 5, 10, 30]))]
    term_id = rnd.choice([0, 0, 40, 200, 250, 65500])
    rows, slugs = [], set()
    for _ in range(size):
        term_id += rnd.choice([1, 1, 1, 2, 3, 7])
        name = rnd.choice(names)
        name = name.upper() if rnd.random() < 0.2 else name
        name = name + " " if rnd.random() < 0.1 else name  # PAD SPACE: equal to the name without it
        taxonomy = rnd.choices(TAXONOMIES, weights)[0]
        slug = f"slug-{term_id}" if rnd.random() < 0.7 else rnd.choice("abc") + "-slug"
        while (slug, taxonomy) in slugs:
            slug += "x"
        slugs.add((slug, taxonomy))
        rows.append({
            "term_id": term_id, "tt_id": term_id, "name": name, "slug": slug, "taxonomy": taxonomy,
            "term_group": rnd.choice([0, 0, 0, 1]), "description": rnd.choice(["", "", "d", "D", "e"]),
            "count": rnd.choice([0, 0, 1, 2, 3, 5]),
        })  # fmt: skip
    if rnd.random() < 0.25:
        shuffled = [row["term_id"] for row in rows]
        rnd.shuffle(shuffled)
        for row, tt_id in zip(rows, shuffled, strict=True):
            row["tt_id"] = tt_id
    return rows


def load(cursor: Any, rows: list[dict[str, Any]], *, analyze: bool) -> None:
    cursor.execute("DROP TABLE IF EXISTS wp_terms, wp_term_taxonomy")
    for statement in TABLES:
        cursor.execute(statement)
    cursor.executemany(
        "INSERT INTO wp_terms (term_id, name, slug, term_group) VALUES (%s, %s, %s, %s)",
        [(r["term_id"], r["name"], r["slug"], r["term_group"]) for r in rows],
    )
    cursor.executemany(
        "INSERT INTO wp_term_taxonomy (term_taxonomy_id, term_id, taxonomy, description, count)"
        " VALUES (%s, %s, %s, %s, %s)",
        [(r["tt_id"], r["term_id"], r["taxonomy"], r["description"], r["count"]) for r in rows],
    )
    if analyze:
        cursor.execute("ANALYZE TABLE wp_terms, wp_term_taxonomy")
        cursor.fetchall()


def server_keys(cursor: Any) -> Keys:
    """Each term's sort keys as the server weighs them, trailing space weights dropped (PAD SPACE)."""
    cursor.execute("SELECT HEX(WEIGHT_STRING(' ' COLLATE utf8mb4_unicode_520_ci))")
    space = bytes.fromhex(cursor.fetchone()[0])

    def trimmed(hex_weights: str) -> bytes:
        weights = bytes.fromhex(hex_weights or "")
        while space and weights.endswith(space):
            weights = weights[: -len(space)]
        return weights

    cursor.execute(
        "SELECT t.term_id, HEX(WEIGHT_STRING(t.name)), HEX(WEIGHT_STRING(t.slug)), HEX(WEIGHT_STRING(tt.description))"
        " FROM wp_terms t JOIN wp_term_taxonomy tt ON tt.term_id = t.term_id"
    )
    return {
        term_id: {"name": trimmed(name), "slug": trimmed(slug), "description": trimmed(description)}
        for term_id, name, slug, description in cursor.fetchall()
    }


def plan_of(cursor: Any, sql: str) -> dict[str, Any]:
    """The first table, whether a temporary table sits before the sort, the sort mode and queue."""
    cursor.execute("ANALYZE FORMAT=JSON " + sql)
    block = json.loads(cursor.fetchone()[0])["query_block"]
    if "filesort" in block:  # sorting the join's temporary table
        sort, first = block["filesort"], None
    else:
        sort = block["nested_loop"][0]["read_sorted_file"]["filesort"]
        first = sort["table"]["table_name"]
    return {"table": first, "temporary": first is None, "mode": sort["r_sort_mode"],
            "queue": sort["r_used_priority_queue"]}  # fmt: skip


def listings(rnd: random.Random) -> Iterator[Listing]:
    for orderby in COLUMNS:
        for _ in range(2):
            taxonomy = rnd.choice(["post_tag", "category"])
            descending = rnd.random() < 0.5
            if taxonomy == "category":  # hierarchical: WordPress neither limits nor filters counts in SQL
                yield Listing(taxonomy, orderby, descending)
                continue
            per_page = rnd.choice([10, 10, 10, 1, 2, 5, 20, 50, 100])
            offset = rnd.choice([0, 0, 0, per_page, 2 * per_page, rnd.randint(0, 50)])
            yield Listing(taxonomy, orderby, descending, rnd.random() < 0.3, per_page, offset)


def sql_of(listing: Listing) -> str:
    where = f"tt.taxonomy IN ('{listing.taxonomy}')" + (" AND tt.count > 0" if listing.hide_empty else "")
    limit = ""
    if listing.limit is not None:
        limit = f" LIMIT {listing.offset},{listing.limit}" if listing.offset else f" LIMIT {listing.limit}"
    direction = "DESC" if listing.descending else "ASC"
    return (
        "SELECT t.term_id FROM wp_terms AS t INNER JOIN wp_term_taxonomy AS tt ON t.term_id = tt.term_id"
        f" WHERE {where} ORDER BY {COLUMNS[listing.orderby]} {direction}{limit}"
    )


def simulated(rows: list[dict[str, Any]], keys: Keys, listing: Listing, plan: dict[str, Any]) -> list[int]:
    """The order from the sort the server reports, with its own weights: the sorted table's rows in scan
    (primary key) order, those of ``tt`` filtered first, by reference bytes or by quicksort."""
    table = plan["table"]
    column: Callable[[dict[str, Any]], Any] = (
        (lambda row: row[listing.orderby]) if listing.orderby in ("count", "term_group")
        else (lambda row: keys[row["term_id"]][listing.orderby])
    )  # fmt: skip
    primary = "term_id" if table == "t" else "tt_id"

    def kept(row: dict[str, Any]) -> bool:
        return row["taxonomy"] == listing.taxonomy and (row["count"] > 0 or not listing.hide_empty)

    scanned = sorted(rows, key=lambda row: row[primary])
    if table == "tt":
        scanned = [row for row in scanned if kept(row)]
    if plan["mode"].endswith("rowid"):
        ordered = rowid_order(scanned, column, lambda row: innodb_rowid(row[primary]), descending=listing.descending)
    else:
        ordered = addon_order(scanned, column, descending=listing.descending)
    ids = [row["term_id"] for row in ordered if kept(row)]
    end = None if listing.limit is None else listing.offset + listing.limit
    return ids[listing.offset : end]


def term_rows(rows: list[dict[str, Any]]) -> list[TermRow]:
    return [
        TermRow(r["term_id"], r["name"], collation_key(r["name"]), r["slug"], r["tt_id"], r["taxonomy"],
                r["description"], r["count"], r["term_group"])
        for r in rows
    ]  # fmt: skip


def measure(cursor: Any, rows: list[dict[str, Any]], rnd: random.Random, tally: Tally) -> None:
    keys = server_keys(cursor)
    for listing in listings(rnd):
        sql = sql_of(listing)
        plan = plan_of(cursor, sql)
        cursor.execute(sql)
        result = [term_id for (term_id,) in cursor.fetchall()]
        tally.queries += 1
        if plan["temporary"]:
            tally.temporary += 1
        else:
            tally.direct += 1
            tally.reproduced += simulated(rows, keys, listing, plan) == result
            if plan["queue"]:
                tally.priority_queues.append(sql)
        predicted = term_listing_order(term_rows(rows), listing)
        if predicted is not None:
            tally.answered += 1
            tally.right += predicted == result
            if predicted != result:
                tally.wrong.append(f"{sql} ({len(rows)} terms): {plan}")


def test_tie_order_matches_mariadb(db: Any) -> None:
    rnd = random.Random(13)
    tally = Tally()
    for config in range(160):
        rows = random_terms(rnd)
        load(db, rows, analyze=config % 2 == 0)
        measure(db, rows, rnd, tally)
    print(
        f"\ntie order reproduced in {tally.reproduced} of {tally.direct} queries whose plan filesorts a table"
        f" ({tally.temporary} of {tally.queries} went through a temporary table: memory-address order)"
        f"\nterms_order answered {tally.answered} of {tally.queries} queries, right in {tally.right}"
    )
    assert not tally.priority_queues, tally.priority_queues[:3]  # a join never passes LIMIT to filesort
    assert tally.reproduced == tally.direct
    assert tally.right == tally.answered, tally.wrong[:3]
    assert tally.answered >= 0.4 * tally.queries  # measured: 48% of these listings (1,600 queries)


def test_priority_queue_matches_mariadb(db: Any) -> None:
    """A single table sorted for ``LIMIT`` (as posts are): the queue's order of ties, which no term
    listing needs but a ``wp_posts`` query sorted by filesort gets."""
    rnd = random.Random(5)
    queues = reproduced = queries = 0
    for config in range(60):
        rows = random_terms(rnd)
        for row in rows:
            row["term_group"] = rnd.randrange(rnd.choice([1, 2, 3, 10]))
        load(db, rows, analyze=config % 2 == 1)
        for _ in range(12):
            limit, descending = rnd.choice([1, 2, 5, 10, 10, 20, 50, 100]), rnd.random() < 0.5
            offset = rnd.choice([0, 0, limit, rnd.randint(0, 40)])
            direction = "DESC" if descending else "ASC"
            sql = f"SELECT term_id FROM wp_terms ORDER BY term_group {direction} LIMIT {offset},{limit}"
            db.execute("ANALYZE FORMAT=JSON " + sql)
            sort = json.loads(db.fetchone()[0])["query_block"]["nested_loop"][0]["read_sorted_file"]["filesort"]
            db.execute(sql)
            result = [term_id for (term_id,) in db.fetchall()]

            def group(row: dict[str, Any]) -> int:
                return int(row["term_group"])

            if sort["r_used_priority_queue"]:
                queues += 1
                ordered = bounded_queue_order(rows, group, offset + limit, descending=descending)[offset:]
            else:
                ordered = addon_order(rows, group, descending=descending)[offset : offset + limit]
            queries += 1
            reproduced += [row["term_id"] for row in ordered] == result
    print(f"\npriority queue: tie order reproduced in {reproduced} of {queries} queries ({queues} used the queue)")
    assert reproduced == queries
    assert queues >= 0.9 * queries
