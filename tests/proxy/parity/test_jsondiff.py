"""Arrays of items aligned by id (proxy/parity/jsondiff.py): the items that stay in order are a longest
common subsequence, so only a minimal set of items is reported as moved."""

from __future__ import annotations

from random import Random

from hypothesis import given
from hypothesis import strategies as st

from proxy.parity.jsondiff import diff_json


def _lcs_length(left: list[int], right: list[int]) -> int:
    table = [[0] * (len(right) + 1) for _ in range(len(left) + 1)]
    for i, a in enumerate(left):
        for j, b in enumerate(right):
            table[i + 1][j + 1] = table[i][j] + 1 if a == b else max(table[i][j + 1], table[i + 1][j])
    return table[-1][-1]


@given(st.lists(st.integers(0, 30), unique=True, max_size=15), st.randoms(use_true_random=False))
def test_moved_items_are_the_fewest_possible(ids: list[int], random: Random) -> None:
    candidate_ids = ids[:]
    random.shuffle(candidate_ids)
    candidate_ids = [*candidate_ids[: max(0, len(candidate_ids) - 1)], 99]  # one missing, one added
    legacy = [{"id": n} for n in ids]
    candidate = [{"id": n} for n in candidate_ids]
    kinds = [difference.kind for _, difference in diff_json(legacy, candidate)]
    common = [n for n in ids if n in candidate_ids]
    assert kinds.count("moved") == len(common) - _lcs_length(common, [n for n in candidate_ids if n in ids])
    assert kinds.count("missing") == len(ids) - len(common)
    assert kinds.count("extra") == 1
