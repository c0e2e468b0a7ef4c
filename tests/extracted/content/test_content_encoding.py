"""WordPress's search terms and slugs, and the read model's collation key, as the content service uses them."""

from __future__ import annotations

from extracted.content.projection import collation_key
from extracted.content.query_text import search_terms, slug_for_query


def test_search_terms_slugs_and_collation() -> None:
    assert search_terms('"weekly notes" the -python a') == (["weekly notes", "-python"], 4)
    assert slug_for_query("Héllo World!") == "h%c3%a9llo-world"
    assert sorted(["b", "Ünïcödé", "a"], key=collation_key) == ["a", "b", "Ünïcödé"]
