"""Searches compare as MariaDB's utf8mb4_unicode_520_ci: the classes, the folding, LIKE over SQLite."""

from __future__ import annotations

import pytest
from sqlalchemy import column, create_engine, literal, select

from extracted.content.collation import collated_like, fold, fold_pattern
from extracted.content.query_text import like_pattern


@pytest.mark.parametrize(("left", "right"), [("é", "e"), ("É", "e"), ("Ｅ", "e"), ("ø", "o"), ("Straße", "STRAßE")])
def test_characters_of_equal_weight_fold_alike(left: str, right: str) -> None:
    assert fold(left) == fold(right)


@pytest.mark.parametrize(("left", "right"), [("ß", "ss"), ("æ", "ae"), ("a", "b"), ("e", "ë\u0301")])
def test_characters_of_different_weight_stay_apart(left: str, right: str) -> None:
    assert fold(left) != fold(right)


def test_control_characters_have_no_weight_and_equal_each_other() -> None:
    assert fold("\x01") == fold("\x02") != fold("a")


def test_a_folded_pattern_keeps_its_wildcards_and_folds_its_literals() -> None:
    assert fold_pattern("%é\\%_") == "%" + fold("e") + "\\" + fold("%") + "_"
    assert fold("％") == fold("%") not in ("%", "_", "\\")  # a literal percent never turns into a wildcard


@pytest.mark.parametrize(
    ("text", "term", "matches"),
    [("Un café noir", "cafe", True), ("Un cafe noir", "CAFÉ", True), ("100% sure", "100%", True),
     ("100 sure", "100%", False), ("Straße", "strasse", False), ("a_b", "a_b", True), ("axb", "a_b", False)],
)  # fmt: skip
def test_like_on_sqlite_matches_as_mariadb_would(text: str, term: str, matches: bool) -> None:
    with create_engine("sqlite://").connect() as connection:
        like = collated_like(connection)
        found = connection.execute(select(like(literal(text), like_pattern(term)))).scalar_one()
    assert bool(found) is matches


def test_other_databases_fall_back_to_lower() -> None:
    class Dialect:
        name = "postgresql"

    class Connection:
        dialect = Dialect()

    like = collated_like(Connection())  # type: ignore[arg-type]
    assert "lower" in str(like(column("title"), "%a%"))
