"""Where WordPress redirects after a registration (``wp_safe_redirect``), ours against the installed PHP.

The posted ``redirect_to`` decides: kept when it stays on the site (PHP's ``parse_url`` splits it, its host
must be the home URL's), made absolute from the request's directory when relative, else the admin page.
Random URL-like strings (hypothesis), each batch one call of the rule evaluator.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from registration_harness import RuleEvaluator

from extracted.formatting.urls import parse_url
from extracted.users.registration import SiteUrls, registered_location

pytestmark = pytest.mark.php

SITES = [
    {"siteurl": "http://example.test", "home": "http://example.test"},
    {"siteurl": "http://Example.test:8080/wp", "home": "http://example.test:8080"},
]
REQUEST_URIS = ["/wp-login.php?action=register", "/blog/wp-login.php?action=register", "//x/wp-login.php", "/", ""]
URL_ALPHABET = "htps:/?#@[]%0aAxX.-_~+=&;,!*()' \\\"é\tEXAMPLE.test8"
url_like = st.one_of(
    st.text(alphabet=URL_ALPHABET, max_size=30),
    st.builds(lambda scheme, host, rest: f"{scheme}{host}{rest}",
              st.sampled_from(["", "http://", "https://", "//", "HTTP://", "ftp://", "javascript:", "http:", ":"]),
              st.sampled_from(["", "example.test", "EXAMPLE.test", "evil.test", "example.test:8080", "u:p@example.test",
                               "example.test@evil.test", "[::1]", "example.test:99999", "example.test:0"]),
              st.text(alphabet=URL_ALPHABET, max_size=12)),
)  # fmt: skip


def compare(php: RuleEvaluator, targets: list[str]) -> None:
    requests, ours = [], []
    for index, target in enumerate(targets):
        options = SITES[index % len(SITES)]
        request_uri = REQUEST_URIS[index % len(REQUEST_URIS)]
        requests.append({"fn": "safe_redirect", "text": target, "request_uri": request_uri, "options": options})
        urls = SiteUrls(options["siteurl"], options["home"])
        ours.append(registered_location(target, urls=urls, request_uri=request_uri))
    answers = php.evaluate(requests)
    assert [(t, o, a) for t, o, a in zip(targets, ours, answers, strict=True) if o != a] == []


def test_known_targets(offline_rules: RuleEvaluator) -> None:
    compare(offline_rules, ["", "0", "/x", "x", "?q", "#f", "http://example.test/", "http://evil.test", "//evil.test",
                            "http://example.test:8080/", "https://example.test:0/", "http://a:b@example.test",
                            "mailto:x@example.test", "http:/example.test", "http:example.test/x", ":8080/x",
                            "example.test:80/x", "/a\\b'c\"d", "/%0D%0Ax", "/%0%0d%0aa"])  # fmt: skip


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(url_like, min_size=50, max_size=50))
def test_random_targets(offline_rules: RuleEvaluator, targets: list[str]) -> None:
    compare(offline_rules, targets)


def as_php_array(text: str) -> object:
    parts = parse_url(text)
    if parts is None:
        return False
    names = {"scheme": parts.scheme, "host": parts.host, "port": parts.port, "user": parts.user,
             "pass": parts.password, "path": parts.path, "query": parts.query, "fragment": parts.fragment}  # fmt: skip
    found = {name: value for name, value in names.items() if value is not None}
    return found or []  # PHP's empty array is a JSON list


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(url_like, min_size=100, max_size=100))
def test_parse_url(offline_rules: RuleEvaluator, texts: list[str]) -> None:
    """``parse_url`` itself (on ASCII: a sanitized redirect has nothing else)."""
    texts = [t.encode("ascii", "ignore").decode() for t in texts]
    (answers,) = offline_rules.evaluate([{"fn": "parse_url", "text": texts}])
    assert [(t, as_php_array(t), a) for t, a in zip(texts, answers, strict=True) if as_php_array(t) != a] == []
