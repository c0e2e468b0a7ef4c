"""The differential: the installed WordPress 6.1's wp-comments-post.php and our rules, over every case.

For each submission both sides must give the same decision, stored row, HTTP status, headers (cookies,
``Location``), page and questions to the store, and read the same ``$_POST`` and ``$_COOKIE``. The cases
marked ``deferred`` are the ones the rules leave to WordPress (a logged-in visitor, a multipart body,
an array cookie WordPress dies on): there, ours must be ``Deferred``.
"""

from __future__ import annotations

import pytest
from comment_submission_cases import CASES
from comment_submission_compare import Result, differences, run_cases
from comment_submission_harness import OfflineCommentsWordPress

from extracted.comments.submission import Deferred


@pytest.fixture(scope="module")
def results(offline_comments: OfflineCommentsWordPress) -> list[Result]:
    return run_cases(offline_comments, CASES)


def test_the_cases_are_many_and_distinct() -> None:
    names = [case.name for case in CASES]
    assert len(names) == len(set(names))
    assert len(names) >= 150


def test_every_submission_is_answered_as_wordpress_answers_it(results: list[Result]) -> None:
    compared = [result for result in results if not result.case.deferred]
    failures = []
    for result in compared:
        if isinstance(result.ours, Deferred):
            failures.append(f"{result.case.name}: deferred ({result.ours.reason})")
        elif not result.equal:
            failures.append(f"{result.case.name}:\n    " + "\n    ".join(differences(result.ours, result.theirs)))
    equal = len(compared) - len(failures)
    print(f"\ncomment submission differential: {equal}/{len(compared)} equal")
    assert not failures, f"{len(failures)} of {len(compared)} differ:\n" + "\n".join(failures)


def test_what_the_rules_leave_to_wordpress(results: list[Result]) -> None:
    for result in results:
        if result.case.deferred:
            assert isinstance(result.ours, Deferred), result.case.name
