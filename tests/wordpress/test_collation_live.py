"""The collation classes the content service searches with are MariaDB's own, and LIKE over folded
text matches as MariaDB's LIKE does (differential, on random accented text)."""

from __future__ import annotations

import json
import random
from importlib import resources
from typing import Any

import pymysql
import pytest
from sqlalchemy import create_engine, literal, select

from extracted.content.collation import collated_like
from extracted.content.query_text import like_pattern
from tests.stack_fixture import StackHandle
from wordpress.collation import COLLATION, read_classes

pytestmark = pytest.mark.stack
ALPHABET = "aeiouAEIOU éèêëÉÈÊËøØåÅæÆœßssçÇñÑıİłŁđĐþðÞ%_\\ＡＥｅ０0\u00a0\u200d\x01ﬁfi"


def _mariadb(stack: StackHandle) -> pymysql.connections.Connection[Any]:
    db = stack.components["mariadb"]
    return pymysql.connect(host=db["host"], port=int(db["port"]), user=db["root_user"],
                           password=db["root_password"], database=db["database"], charset="utf8mb4")  # fmt: skip


def test_the_committed_classes_are_what_mariadb_says(stack: StackHandle) -> None:
    committed = json.loads(resources.files("extracted.rest").joinpath("unicode_520_ci.json").read_text())
    with _mariadb(stack) as connection:
        current = read_classes(connection)
    assert committed["collation"] == current["collation"] == COLLATION
    # regenerate with `python -m wordpress.collation` when this fails on a newer MariaDB
    assert (committed["classes"], committed["ignorable"]) == (current["classes"], current["ignorable"])


def test_like_matches_as_mariadb_like_does(stack: StackHandle) -> None:
    generator = random.Random(520)
    cases = []
    for _ in range(600):
        text = "".join(generator.choices(ALPHABET, k=generator.randint(0, 8)))
        term = "".join(generator.choices(ALPHABET, k=generator.randint(1, 3)))
        if text and generator.random() < 0.5:  # a piece of the text, one character swapped: near misses
            start = generator.randrange(len(text))
            piece = list(text[start : start + 3])
            piece[generator.randrange(len(piece))] = generator.choice(ALPHABET)
            term = "".join(piece)
        cases.append((text, like_pattern(term)))
    with _mariadb(stack) as connection, connection.cursor() as cursor:
        expected = []
        for text, pattern in cases:
            cursor.execute(f"SELECT %s LIKE %s COLLATE {COLLATION}", (text, pattern))
            (row,) = cursor.fetchall()
            expected.append(bool(row[0]))
    with create_engine("sqlite://").connect() as sqlite:
        like = collated_like(sqlite)
        ours = [bool(sqlite.execute(select(like(literal(text), pattern))).scalar_one()) for text, pattern in cases]
    outcomes = zip(cases, expected, ours, strict=True)
    wrong = [(text, pattern, want) for (text, pattern), want, got in outcomes if want != got]
    print(f"\ncollated LIKE: {len(cases) - len(wrong)} of {len(cases)} as MariaDB, {sum(expected)} matches")
    assert not wrong, wrong[:10]
