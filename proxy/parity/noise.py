"""Noise: what differs between two answers of WordPress itself to the same request.

A noisy field used to be excluded whole. Some of WordPress's randomness is a small part of a value: in
6.1 the Gravatar host of an empty email hash is `rand(0, 2)`, so `http://0.gravatar.com/avatar/?s=24…`
and `http://2.gravatar.com/avatar/?s=24…` are both right, while `…?s=48…` would be a real difference.
For such a string the noise entry keeps the parts both of WordPress's answers share, as a *template*
(`$[*].avatar_urls["24"] ~ ["http://", ".gravatar.com/avatar/?s=24&d=mm&r=g", 1]`): a later difference at
that path is noise only when both values fit it, with a varying middle no longer than learned (plus
slack). Other fields stay whole-path entries, as before. Entries are plain strings, so the store, the
admin API and the dashboard keep them as they did.
"""

from __future__ import annotations

import functools
import json

from proxy.parity.paths import generalise, is_noise
from proxy.parity.types import Difference

__all__ = ["is_noise_difference", "noise_entry"]

_SEPARATOR = " ~ "
MIN_SHARED = 4  # characters both values share around the middle: less says nothing about the value
MAX_MIDDLE = 16  # a longer varying middle is a different value, not a random part of one
_SLACK = 2  # a middle may vary in length a little (0..9 then 10..99)


def _common_prefix(left: str, right: str) -> str:
    """The characters both strings start with."""
    length = next((i for i, (a, b) in enumerate(zip(left, right, strict=False)) if a != b), min(len(left), len(right)))
    return left[:length]


def _split(left: str, right: str) -> tuple[str, str, int] | None:
    """Shared prefix, shared suffix (not overlapping) and the longer varying middle's length."""
    prefix = _common_prefix(left, right)
    rest_left, rest_right = left[len(prefix) :], right[len(prefix) :]
    suffix = _common_prefix(rest_left[::-1], rest_right[::-1])[::-1]
    middle = max(len(rest_left), len(rest_right)) - len(suffix)
    if len(prefix) + len(suffix) < MIN_SHARED or middle > MAX_MIDDLE:
        return None
    return prefix, suffix, middle


def noise_entry(difference: Difference) -> str:
    """What to remember of one difference between WordPress's own two answers."""
    path = generalise(difference.path)
    if difference.kind == "value" and isinstance(difference.legacy, str) and isinstance(difference.candidate, str):
        split = _split(difference.legacy, difference.candidate)
        if split is not None:
            return path + _SEPARATOR + json.dumps(list(split), ensure_ascii=False)
    return path


def _fits(value: object, prefix: str, suffix: str, middle: int) -> bool:
    if not isinstance(value, str) or not value.startswith(prefix) or not value.endswith(suffix):
        return False
    return len(prefix) + len(suffix) <= len(value) <= len(prefix) + len(suffix) + middle + _SLACK


@functools.lru_cache(maxsize=64)  # one set per route, asked for each difference
def _templates(noise: frozenset[str]) -> tuple[frozenset[str], dict[str, list[tuple[str, str, int]]]]:
    plain: set[str] = set()
    templates: dict[str, list[tuple[str, str, int]]] = {}
    for entry in noise:
        path, separator, template = entry.partition(_SEPARATOR)
        if not separator:
            plain.add(entry)
            continue
        try:
            prefix, suffix, middle = json.loads(template)
        except (ValueError, TypeError):
            plain.add(path)  # an entry this version cannot read: the whole field, as before
            continue
        templates.setdefault(path, []).append((str(prefix), str(suffix), int(middle)))
    return frozenset(plain), templates


def is_noise_difference(difference: Difference, noise: frozenset[str]) -> bool:
    """Whether a difference between WordPress and the service is explained by WordPress's own noise."""
    if not noise:
        return False
    plain, templates = _templates(noise)
    if is_noise(difference.path, plain):
        return True
    candidates = templates.get(generalise(difference.path), ())
    return any(
        _fits(difference.legacy, *template) and _fits(difference.candidate, *template) for template in candidates
    )
