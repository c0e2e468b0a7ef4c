"""Comparison outcomes and the parity percentages every view computes from them."""

from __future__ import annotations

from proxy.outcomes import Outcome, outcome_of, parity_percentages
from proxy.parity.types import Difference, ParityResult

VALUE = Difference("$[0].title", "value", "a", "b")


def test_outcome_of_a_result() -> None:
    assert outcome_of(ParityResult(())) is Outcome.MATCH
    assert outcome_of(ParityResult((), noise=(VALUE,))) is Outcome.NOISE
    assert outcome_of(ParityResult((), reordered=(VALUE,))) is Outcome.EQUIVALENT
    assert outcome_of(ParityResult((), noise=(VALUE,), reordered=(VALUE,))) is Outcome.EQUIVALENT
    assert outcome_of(ParityResult((VALUE,), reordered=(VALUE,))) is Outcome.MISMATCH


def test_percentages_count_every_equal_outcome_and_leave_out_the_uncompared() -> None:
    counts = {"match": 6, "equivalent": 2, "noise": 1, "mismatch": 1, "error": 5, "skipped": 3}
    assert parity_percentages(counts) == {
        "compared": 10,
        "match_percent": 90.0,
        "noise_percent": 10.0,
        "equivalent_percent": 20.0,
    }
    assert parity_percentages({"error": 2})["match_percent"] is None
    assert parity_percentages({"match": 2, "mismatch": 1}, digits=None)["match_percent"] == 200 / 3
