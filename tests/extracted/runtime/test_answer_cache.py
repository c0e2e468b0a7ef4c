"""The per-generation answer cache: kept while the read model is unchanged, dropped when it moved,
never kept when the store changed while the answer was made, bounded."""

from __future__ import annotations

from extracted.runtime.answer_cache import Generation, GenerationCache


def test_an_answer_is_kept_until_the_generation_moves() -> None:
    generation = Generation()
    cache: GenerationCache[str, str] = GenerationCache(lambda: generation.value)
    made: list[str] = []

    def make() -> str:
        made.append("x")
        return f"answer {len(made)}"

    assert cache.answer("k", make) == "answer 1"
    assert cache.answer("k", make) == "answer 1" and cache.get("k") == "answer 1"
    generation.bump()
    assert cache.get("k") is None
    assert cache.answer("k", make) == "answer 2" and len(made) == 2


def test_an_answer_made_while_the_store_changed_is_not_kept() -> None:
    generation = Generation()
    cache: GenerationCache[str, int] = GenerationCache(lambda: generation.value)

    def made_during_a_commit() -> int:
        generation.bump()  # the consumer committed a batch while this answer read the store
        return 1

    assert cache.answer("k", made_during_a_commit) == 1
    assert cache.get("k") is None
    before = cache.generation()
    generation.bump()
    cache.put("k", 2, before)
    assert cache.get("k") is None


def test_answers_keep_says_no_to_are_not_kept_and_a_full_cache_starts_again() -> None:
    cache: GenerationCache[int, int] = GenerationCache(lambda: 0, limit=3)
    assert cache.answer(1, lambda: 503, keep=lambda value: value != 503) == 503
    assert cache.get(1) is None
    for key in range(3):
        cache.answer(key, lambda: 200)
    assert len(cache) == 3
    cache.answer(3, lambda: 200)
    assert len(cache) == 1 and cache.get(3) == 200
