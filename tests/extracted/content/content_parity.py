"""Asking WordPress and the content service the same requests and comparing the answers."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import httpx

from proxy.parity import HttpResponse, ParityResult, ParityRules, compare_responses, detect_noise
from proxy.parity.ties import SORT_KEYS_HEADER, tie_rules

# Headers that must match exactly (Date, Server, Content-Length and the transfer framing may differ).
HEADERS = ("content-type", "x-wp-total", "x-wp-totalpages", "link", "allow", "x-robots-tag",
           "access-control-expose-headers", "vary")  # fmt: skip
RULES = ParityRules(headers=HEADERS)
# Where MariaDB breaks ties arbitrarily (filesort): orders with many equal keys, a post's terms (by
# name) and term listings (by name) when two terms share a name.
TIE_PRONE = re.compile(r"orderby=(author|parent|menu_order|term_group|count|description)\b")
TERM_LISTS = re.compile(r"\.(categories|tags)\[\d+\]$")
RENDERED = re.compile(r"\.(content|excerpt)\.rendered$")
NOISE_ASKS = 8  # a random server (rand(0, 2)) is the same 8 times in a row once in 6,561


def _order_free(body: bytes) -> bytes:
    def normal(value: Any) -> Any:
        if isinstance(value, list) and all(isinstance(item, dict) and "id" in item for item in value):
            return sorted((normal(item) for item in value), key=lambda item: item["id"])
        if isinstance(value, dict):
            return {k: sorted(v) if k in ("categories", "tags") and isinstance(v, list) else normal(v)
                    for k, v in value.items()}  # fmt: skip
        return value

    try:
        return json.dumps(normal(json.loads(body)), sort_keys=True).encode()
    except ValueError:
        return body


@dataclass
class ParityReport:
    equal: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)
    failures: list[tuple[str, str]] = field(default_factory=list)
    #: equivalent by the proxy's own judgement: only items with equal sort keys in another order
    tie_order: Counter[str] = field(default_factory=Counter)
    #: equal only once this harness ignores the order of every list (tie-prone orders whose key no answer
    #: shows nor the service states, e.g. term_group): weaker than the proxy's judgement, counted apart
    unordered: Counter[str] = field(default_factory=Counter)
    unordered_cases: list[tuple[str, str]] = field(default_factory=list)
    #: requests that differ only in rendered HTML (gaps of the formatting library), by endpoint
    rendering_only: Counter[str] = field(default_factory=Counter)
    rendering_failures: list[tuple[str, str]] = field(default_factory=list)
    #: the service declined (503 with X-Strangler-Unavailable: content it cannot render): the proxy serves WordPress's
    fallback: Counter[str] = field(default_factory=Counter)
    fallback_reasons: list[tuple[str, str]] = field(default_factory=list)

    def add(self, endpoint: str, path: str, problem: str | None, *, kind: str = "") -> None:
        self.total[endpoint] += 1
        if problem is None:
            self.equal[endpoint] += 1
        elif kind == "tie-order":
            self.tie_order[endpoint] += 1
        elif kind == "unordered":
            self.unordered[endpoint] += 1
            self.unordered_cases.append((path, problem))
        elif kind == "fallback":
            self.fallback[endpoint] += 1
            self.fallback_reasons.append((path, problem))
        elif kind == "rendering":
            self.rendering_only[endpoint] += 1
            self.rendering_failures.append((path, problem))
        else:
            self.failures.append((path, problem))

    def summary(self) -> str:
        parts = []
        for name in self.total:
            extra = f" +{self.tie_order[name]} equivalent (tie order)" if self.tie_order[name] else ""
            extra += f" +{self.unordered[name]} equal as unordered lists" if self.unordered[name] else ""
            extra += f" +{self.rendering_only[name]} rendering-only" if self.rendering_only[name] else ""
            extra += f" +{self.fallback[name]} falling back to WordPress" if self.fallback[name] else ""
            parts.append(f"{name} {self.equal[name]}/{self.total[name]}{extra}")
        return ", ".join(parts)

    @property
    def all_equal(self) -> bool:
        return not self.failures


def _same_page_shape(legacy: HttpResponse, candidate: HttpResponse, differences: Iterable[Any]) -> bool:
    """A page cut out of more equal-key items than it holds: only status, headers and size can match."""
    if any(d.path == "status" or d.path.startswith("headers.") for d in differences):
        return False
    try:
        left, right = json.loads(legacy.body), json.loads(candidate.body)
    except ValueError:
        return False
    return isinstance(left, list) and isinstance(right, list) and len(left) == len(right)


def visitor_clients(components: dict[str, dict[str, Any]], service: str) -> tuple[httpx.Client, httpx.Client]:
    """Clients of WordPress and of the service that send what the proxy forwards: the visitor's ``Host``,
    the site's public one (WordPress's links to the request, e.g. the login link's ``redirect_to``, use it)."""
    public = {"Host": httpx.URL(components["proxy"]["url"]).netloc.decode()}
    wordpress = httpx.Client(base_url=components["wordpress"]["url"], headers=public, timeout=60)
    # as on the proxy's shadow copies: the service states the sort keys its answer may not show
    return wordpress, httpx.Client(base_url=service, headers={**public, SORT_KEYS_HEADER: "1"}, timeout=60)


def _response(answer: httpx.Response) -> HttpResponse:
    return HttpResponse(answer.status_code, tuple(answer.headers.multi_items()), answer.content)


def _with_noise(
    wordpress: httpx.Client,
    url: str,
    legacy: HttpResponse,
    candidate: HttpResponse,
    *,
    rules: ParityRules,
    learned: set[str],
) -> ParityResult:
    """WordPress's own randomness, learned as the proxy learns it: by asking WordPress again, and kept
    for the rest of the run (a random Gravatar server may come out the same a few times in a row)."""
    result = compare_responses(legacy, candidate, replace(rules, noise=frozenset(learned)))
    for _ in range(NOISE_ASKS if not result.match else 0):
        learned |= detect_noise(legacy, _response(wordpress.get(url)), RULES)
        result = compare_responses(legacy, candidate, replace(rules, noise=frozenset(learned)))
        if result.match:
            break
    return result


def compare(
    wordpress: httpx.Client, service: httpx.Client, matrix: dict[str, list[str]], *, rest_route: Iterable[str] = ()
) -> ParityReport:
    """Every path of ``matrix`` (relative to /wp-json) on both; ``rest_route`` paths also via ?rest_route=."""
    report = ParityReport()
    via_query = set(rest_route)
    learned: set[str] = set()  # noise entries, as the proxy keeps them
    for endpoint, paths in matrix.items():
        for path in paths:
            urls = ["/wp-json" + path]
            if path in via_query:
                route, _, query = path.partition("?")
                urls.append(f"/?rest_route={route}" + (f"&{query}" if query else ""))
            for url in urls:
                legacy, candidate = _response(wordpress.get(url)), _response(service.get(url))
                declined = dict(candidate.headers).get("x-strangler-unavailable")
                if candidate.status == 503 and declined:
                    report.add(endpoint, url, f"{declined}: {candidate.body[:300]!r}", kind="fallback")
                    continue
                # the proxy's own judgement first: ties of the collection's sort key, as MariaDB compares them
                rules = replace(RULES, order=tie_rules(url))
                result = _with_noise(wordpress, url, legacy, candidate, rules=rules, learned=learned)
                if result.equivalent:
                    report.add(endpoint, url, _describe([d.to_dict() for d in result.reordered][:3]), kind="tie-order")
                    continue
                if result.match:
                    report.add(endpoint, url, None)
                    continue
                problem = _describe([d.to_dict() for d in result.differences][:3])
                unordered = compare_responses(
                    HttpResponse(legacy.status, legacy.headers, _order_free(legacy.body)),
                    HttpResponse(candidate.status, candidate.headers, _order_free(candidate.body)),
                    RULES,
                )
                ties_possible = (
                    TIE_PRONE.search(url)
                    or endpoint in ("categories", "tags")
                    or all(TERM_LISTS.search(d.path) for d in result.differences)
                )
                cut_from_ties = TIE_PRONE.search(url) and _same_page_shape(legacy, candidate, result.differences)
                if (unordered.match and ties_possible) or cut_from_ties:
                    report.add(endpoint, url, problem, kind="unordered")
                elif all(RENDERED.search(d.path) for d in result.differences):
                    report.add(endpoint, url, problem, kind="rendering")
                else:
                    report.add(endpoint, url, problem)
    return report


def _describe(differences: list[dict[str, object]]) -> str:
    """The differences, strings shown from where they part (rendered HTML is long)."""
    shown = []
    for difference in differences:
        values = [str(v) for k, v in difference.items() if k not in ("path", "kind")]
        if len(values) == 2 and all(len(v) > 200 for v in values):
            first, second = values
            at = next((i for i, (a, b) in enumerate(zip(first, second, strict=False)) if a != b), len(first))
            values = [f"...{v[max(0, at - 60) : at + 140]!r} (at {at})" for v in values]
        shown.append(f"{difference.get('path')}: {' / '.join(values)}")
    return "; ".join(shown)[:900]
