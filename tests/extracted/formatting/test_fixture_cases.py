"""The fixture corpus: every case renders as WordPress rendered it (kept in fixtures/expected), and
WordPress still renders it so (``php``-marked)."""

from __future__ import annotations

import pytest
from formatting_fixtures import Case, expected_outputs, load_cases, php_answers, render
from formatting_harness import Differential

CASES = load_cases()
EXPECTED = expected_outputs()


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_python_renders_as_wordpress_did(case: Case) -> None:
    if case.id not in EXPECTED:
        pytest.fail(f"no expected output for {case.id}: run tests/extracted/formatting/formatting_fixtures.py")
    assert render(case) == EXPECTED[case.id]


@pytest.mark.php
def test_wordpress_still_renders_the_fixtures_so(differential: Differential) -> None:
    answers = php_answers(differential.php, CASES)
    changed = [case.id for case, answer in zip(CASES, answers, strict=True) if EXPECTED.get(case.id) != answer]
    assert not changed, f"WordPress's output changed for: {changed}"
