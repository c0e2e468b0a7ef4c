"""Response comparison: status, chosen headers (with their masks), body (JSON semantically and byte for byte, HTML
normalised, anything else raw), ignored paths and Diffy-style noise."""

from __future__ import annotations

import json
import re
import zlib
from typing import Any

from proxy.parity.html import diff_html
from proxy.parity.jsondiff import diff_json
from proxy.parity.noise import is_noise_difference, noise_entry
from proxy.parity.ordering import order_equivalent
from proxy.parity.paths import Token, ignored
from proxy.parity.ties import listing_of, stated_keys, untied
from proxy.parity.types import Difference, HttpResponse, ParityResult, ParityRules

_NOT_JSON = object()
SNIPPET = 80


def decoded_body(response: HttpResponse) -> bytes:
    """Body with gzip/deflate content-encoding undone (comparisons are about content)."""
    encoding = (response.header("content-encoding") or "").strip().lower()
    try:
        if encoding in ("gzip", "x-gzip"):
            return zlib.decompress(response.body, 16 + zlib.MAX_WBITS)
        if encoding == "deflate":
            return zlib.decompress(response.body)
    except zlib.error:
        return response.body
    return response.body


def _media_type(response: HttpResponse) -> str:
    return (response.header("content-type") or "").split(";")[0].strip().lower()


def _parse_json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return _NOT_JSON


def _byte_difference(legacy: bytes, candidate: bytes) -> Difference:
    offset = next(
        (i for i, (a, b) in enumerate(zip(legacy, candidate, strict=False)) if a != b),
        min(len(legacy), len(candidate)),
    )
    start = max(0, offset - SNIPPET // 2)
    return Difference(
        "body",
        "bytes",
        {
            "offset": offset,
            "length": len(legacy),
            "near": legacy[start : offset + SNIPPET].decode("utf-8", "replace"),
        },
        {
            "offset": offset,
            "length": len(candidate),
            "near": candidate[start : offset + SNIPPET].decode("utf-8", "replace"),
        },
    )


def _body_differences(
    legacy: HttpResponse, candidate: HttpResponse, rules: ParityRules
) -> tuple[list[Difference], int]:
    left, right = decoded_body(legacy), decoded_body(candidate)
    if left == right:
        return [], 0
    left_json, right_json = _parse_json(left), _parse_json(right)
    if left_json is not _NOT_JSON and right_json is not _NOT_JSON:
        found: list[Difference] = []
        skipped = 0
        for tokens, difference in diff_json(left_json, right_json):
            if ignored(rules.ignore, tokens):
                skipped += 1
            else:
                found.append(difference)
        if not found and not skipped:
            found.append(_byte_difference(left, right))  # same JSON, different encoding or key order
        return found, skipped
    if "html" in _media_type(legacy) and "html" in _media_type(candidate):
        return diff_html(left.decode("utf-8", "replace"), right.decode("utf-8", "replace")), 0
    return [_byte_difference(left, right)], 0


def _real(differences: Any, rules: ParityRules) -> bool:
    """Whether any of (token path, difference) pairs is neither ignored nor noise."""
    return any(
        not ignored(rules.ignore, tokens) and not is_noise_difference(difference, rules.noise)
        for tokens, difference in differences
    )


def _only_reordered(legacy: HttpResponse, candidate: HttpResponse, rules: ParityRules) -> bool:
    """Whether the two JSON answers differ only in the order of items with equal sort keys: equal once
    every run of tied items is in one canonical order (``ties``), or, for a tie at a page's edge, by
    ``order_equivalent``'s judgement of the listing's runs."""
    if rules.order is None:
        return False
    left, right = _parse_json(decoded_body(legacy)), _parse_json(decoded_body(candidate))
    if left is _NOT_JSON or right is _NOT_JSON or not _real(diff_json(left, right), rules):
        return False  # not JSON, or the same JSON: the difference is elsewhere (the bytes of the same JSON)
    left, right, key = untied(left, right, rules.order, stated_keys(candidate))
    if not _real(diff_json(left, right), rules):
        return True
    spec = rules.order.listing
    (left_items, _), (right_items, _) = listing_of(left, rules.order), listing_of(right, rules.order)
    if spec is None or key is None or left_items is None or right_items is None:
        return False
    if isinstance(left, dict) and isinstance(right, dict):  # an envelope: the rest of it as it is
        left_rest, right_rest = ({k: v for k, v in side.items() if k != "body"} for side in (left, right))
        if _real(diff_json(left_rest, right_rest), rules):
            return False
    position = {id(item): index for index, item in enumerate(left_items)}

    def items_equal(legacy_item: Any, candidate_item: Any) -> bool:
        prefix: tuple[Token, ...] = (position[id(legacy_item)],)  # paths as in the legacy answer
        return not _real(diff_json(legacy_item, candidate_item, prefix), rules)

    return order_equivalent(left_items, right_items, spec, items_equal, key)


MASK = "…"


def masked(values: list[str], patterns: tuple[str, ...]) -> list[str]:
    """``values`` with every match of ``patterns`` replaced by :data:`MASK` (the patterns were checked
    when the route was loaded)."""
    for pattern in patterns:
        values = [re.sub(pattern, MASK, value) for value in values]
    return values


def compare_responses(legacy: HttpResponse, candidate: HttpResponse, rules: ParityRules | None = None) -> ParityResult:
    rules = rules or ParityRules()
    found: list[Difference] = []
    if legacy.status != candidate.status:
        found.append(Difference("status", "status", legacy.status, candidate.status))
    masks = dict(rules.masks)
    for name in rules.headers:
        patterns = masks.get(name.lower(), ())
        left, right = masked(legacy.header_values(name), patterns), masked(candidate.header_values(name), patterns)
        if left != right:
            found.append(Difference(f"headers.{name.lower()}", "header", left, right))
    body, skipped = _body_differences(legacy, candidate, rules)
    reordered: tuple[Difference, ...] = ()
    if any(not is_noise_difference(d, rules.noise) for d in body) and _only_reordered(legacy, candidate, rules):
        reordered, body = tuple(body), []
    found.extend(body)
    noisy = [is_noise_difference(d, rules.noise) for d in found]
    real = tuple(d for d, is_noisy in zip(found, noisy, strict=True) if not is_noisy)
    noise = tuple(d for d, is_noisy in zip(found, noisy, strict=True) if is_noisy)
    return ParityResult(real, noise, skipped, reordered)


def detect_noise(first: HttpResponse, second: HttpResponse, rules: ParityRules | None = None) -> frozenset[str]:
    """Noise entries (generalised paths, or paths with a value template: see ``noise``) for what differs
    between two answers of the same system to the same request."""
    plain = ParityRules(headers=(rules or ParityRules()).headers, ignore=(rules or ParityRules()).ignore)
    paths = (noise_entry(d) for d in compare_responses(first, second, plain).differences)
    # A whole item of a list (`$[*]`: moved, missing or added) as noise would hide every field of every
    # item; WordPress's own two answers differing in their items is no field to learn.
    return frozenset(path for path in paths if not path.endswith("[*]"))
