"""``esc_url``, ``esc_url_raw`` and ``wp_kses_bad_protocol``: Python against the installed WordPress.

One implementation serves the formatters (links in rendered content), kses (URL attributes) and the
comments service (the commenter's URL and its cookie); the inputs go after what once differed between
three copies: ``feed:`` wrapping another scheme, ``\\0`` and control characters, upper-case schemes
(WordPress answers the scheme as ``wp_kses_bad_protocol`` lower-cases it), entities spelling a colon,
brackets after the host, newline octets that leave nothing.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from kses_comment_inputs import URL_MATRIX
from kses_random_inputs import url_ish, url_parts_ish

from extracted.formatting import WordPressFatalError
from extracted.formatting.urls import bad_protocol, esc_url, sanitize_url
from wordpress.phpeval import PhpEvalError, PhpFormatter

pytestmark = pytest.mark.php

FATAL = "<PHP fatal error>"
FUNCTIONS: dict[str, Callable[[str], str]] = {
    "esc_url": esc_url,
    "esc_url_raw": sanitize_url,
    "wp_kses_bad_protocol": bad_protocol,
}

TRICKY = [
    "feed:http://example.test/feed/",
    "feed:javascript:alert(1)",
    "feed:feed:feed:http://x.test/",
    "feed:feed:http://x.test/",
    "feed:0",
    "feed:",
    "FEED:HTTP://X.TEST/",
    "HTTP://Example.Test/Path",
    "HtTpS://example.test/?a=1&b='2'",
    "java\\0script:alert(1)",
    "java\0script:alert(1)",
    "jav\tascript:alert(1)",
    "http\\00://x.test/",
    "javascript&#58;alert(1)",
    "javascript&#x3A;alert(1)",
    "javascript&colon;alert(1)",
    "javascript&#58alert(1)",
    "&#104;ttp://x.test/",
    "&#x68;ttp://x.test/",
    "mailto:someone@example.test?subject=%0d%0aBcc:x",
    "http://x.test/%0%0d%0ada",
    "%0d%0a",
    "http://[::1]:8080/a[b]?c[]=d",
    "//x.test/[a]",
    "/relative/[a]",
    "user:pass@host.test",
    "index.php?x=1",
    "example.test/page",
    "#fragment",
    "?query",
    "  http://x.test/ with spaces",
    "http://x.test/é?q=ü",
    "data:text/html,<b>x</b>",
    "tel:+1-555-0100",
    "urn:isbn:0451450523",
    "1e1:http://x.test/",
    "http://x.test/a/?b:c",
    "http:/?x",
]


def _python(function: Callable[[str], str], text: str) -> str:
    try:
        return function(text)
    except WordPressFatalError:
        return FATAL


def _compare(php: PhpFormatter, name: str, texts: list[str]) -> list[tuple[str, str, str]]:
    requests = [{"fn": name, "text": text} for text in texts]
    differences = []
    for text, expected in zip(texts, _php_answers(php, requests), strict=True):
        actual = _python(FUNCTIONS[name], text)
        if actual != expected:
            differences.append((text, expected, actual))
    return differences


def _php_answers(php: PhpFormatter, requests: list[dict[str, object]]) -> list[str]:
    answers = []
    for request in requests:
        try:
            answers.append(php.evaluate_many([request])[0])
        except PhpEvalError as error:
            if "fatal" not in str(error).lower() and "TypeError" not in str(error):
                raise
            answers.append(FATAL)
    return answers


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_tricky_urls_equal_wordpress(php: PhpFormatter, name: str) -> None:
    assert _compare(php, name, TRICKY + URL_MATRIX) == []


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_random_urls_equal_wordpress(php: PhpFormatter, name: str) -> None:
    rng = random.Random(f"urls-{name}")
    texts = [url_ish(rng) for _ in range(400)] + [url_parts_ish(rng) for _ in range(400)]
    assert _compare(php, name, texts) == []
