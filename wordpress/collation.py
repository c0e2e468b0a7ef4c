"""MariaDB's ``utf8mb4_unicode_520_ci`` (WordPress's table collation) as character classes.

WordPress searches with ``LIKE '%term%'``; MariaDB compares each character of a LIKE by its collation
weights, so ``é`` matches ``e`` and ``Ｅ``, ``ø`` matches ``o``, but ``ß`` does not match ``ss`` (its
weights are two, a character's are compared whole). Characters with equal weights form a class;
characters with no weight at all (controls, format characters) all equal one another. This module
asks a running MariaDB for every code point's ``WEIGHT_STRING`` and writes the classes of more than
one member, which the services' searches read (``extracted/rest/unicode_520_ci.json``)::

    python -m wordpress.collation --host 127.0.0.1 --port 13306 --user root --password-file F OUT
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pymysql

COLLATION = "utf8mb4_unicode_520_ci"
_WEIGHTS = (
    "SELECT seq, HEX(WEIGHT_STRING(CONVERT(CHAR(seq USING utf32) USING utf8mb4) COLLATE {collation})) "
    "FROM seq_0_to_1114111 WHERE seq NOT BETWEEN 55296 AND 57343"  # UTF-16 surrogates are not characters
)


def weight_classes(rows: list[tuple[int, str]]) -> dict[str, Any]:
    """``(code point, hex weights)`` rows → the document: classes of equal weights, and the ignorables."""
    by_weight: dict[str, list[int]] = defaultdict(list)
    ignorable: list[int] = []
    for code_point, weights in rows:
        (by_weight[weights] if weights else ignorable).append(int(code_point))
    classes = sorted(sorted(members) for members in by_weight.values() if len(members) > 1)
    return {"collation": COLLATION, "classes": classes, "ignorable": sorted(ignorable)}


def read_classes(connection: pymysql.connections.Connection[Any]) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute(_WEIGHTS.format(collation=COLLATION))
        rows = [(int(code_point), str(weights or "")) for code_point, weights in cursor.fetchall()]
        cursor.execute("SELECT VERSION()")
        (version,) = cursor.fetchone() or ("",)
    return {**weight_classes(rows), "server": str(version)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m wordpress.collation", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3306)
    parser.add_argument("--user", default="root")
    parser.add_argument("--database", default="wordpress", help="any database: the SEQUENCE engine needs one")
    parser.add_argument("--password-file", type=Path, required=True)
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    password = args.password_file.read_text().strip()
    with pymysql.connect(
        host=args.host, port=args.port, user=args.user, password=password, database=args.database, charset="utf8mb4"
    ) as db:
        document = read_classes(db)
    args.out.write_text(json.dumps(document, separators=(",", ":")) + "\n")
    print(f"{args.out}: {len(document['classes'])} classes, {len(document['ignorable'])} ignorable code points")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
