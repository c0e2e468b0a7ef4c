"""Noise learned from WordPress's own two answers, down to the random part of a value (proxy/parity/noise.py)."""

from __future__ import annotations

import json
from typing import Any

from proxy.parity import HttpResponse, ParityRules, compare_responses, detect_noise
from proxy.parity.noise import is_noise_difference, noise_entry
from proxy.parity.types import Difference

AVATAR = "http://{}.gravatar.com/avatar/?s=24&d=mm&r=g"


def _answer(body: Any) -> HttpResponse:
    return HttpResponse(200, (("Content-Type", "application/json"),), json.dumps(body).encode())


def _users(host: int, size: int = 24, name: str = "a") -> HttpResponse:
    return _answer([{"id": 1, "name": name, "avatar_urls": {"24": AVATAR.format(host).replace("24", str(size))}}])


def test_a_random_part_of_a_value_is_learned_as_a_template() -> None:
    noise = detect_noise(_users(0), _users(2))
    assert noise == {'$[*].avatar_urls["24"] ~ ["http://", ".gravatar.com/avatar/?s=24&d=mm&r=g", 1]'}
    result = compare_responses(_users(0), _answer(json.loads(_users(1).body)), ParityRules(noise=noise))
    assert result.match and result.noise  # another random host: noise


def test_a_real_difference_in_the_rest_of_the_value_stays_a_mismatch() -> None:
    noise = detect_noise(_users(0), _users(2))
    assert not compare_responses(_users(0), _users(1, size=48), ParityRules(noise=noise)).match
    assert not compare_responses(_users(0), _users(0, name="b"), ParityRules(noise=noise)).match  # other fields too


def test_values_without_a_shared_frame_stay_whole_path_noise() -> None:
    assert noise_entry(Difference("$[3].nonce", "value", "a1b2c3d4e5", "f6a7b8c9d0")) == "$[*].nonce"
    assert noise_entry(Difference("$.n", "value", 1, 2)) == "$.n"
    long_middle = Difference("$.x", "value", "id-" + "a" * 40 + "-end", "id-" + "b" * 40 + "-end")
    assert noise_entry(long_middle) == "$.x"


def test_whole_path_entries_still_cover_everything_under_them() -> None:
    difference = Difference("$[2].date", "value", "x", "y")
    assert is_noise_difference(difference, frozenset({"$[*].date"}))
    assert is_noise_difference(Difference("$[2].meta.a", "value", 1, 2), frozenset({"$[*].meta"}))
    assert not is_noise_difference(difference, frozenset())


def test_an_unreadable_template_counts_as_the_whole_field() -> None:
    assert is_noise_difference(Difference("$.a", "value", "x", "y"), frozenset({"$.a ~ not json"}))
