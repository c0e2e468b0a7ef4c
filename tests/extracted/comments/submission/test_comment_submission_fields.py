"""The ``pre_comment_*`` filters (``fields``) against the installed WordPress's, over many field values.

WordPress's side is ``wordpress/phpeval``'s runner: ``wp_unslash(apply_filters($filter, wp_slash($text)))``,
what ``wp_new_comment`` stores of a visitor's field. Ours takes the same slashed text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import product

import pytest

from extracted.formatting.kses_comments import (
    pre_comment_author_email,
    pre_comment_author_name,
    pre_comment_author_url,
    pre_comment_content,
)
from extracted.formatting.php import addslashes, stripslashes
from wordpress.phpeval import PhpFormatter, php_available

OPTIONS = {"siteurl": "http://example.test", "home": "http://example.test", "blog_charset": "UTF-8",
           "use_smilies": "1", "template": "twentytwentythree", "stylesheet": "twentytwentythree"}  # fmt: skip

_PIECES = [
    "Ada",
    " ",
    "O'Brien",
    '"q"',
    "\\",
    "&",
    "&amp;",
    "&apos;",
    "&#128;",
    "&#x41;",
    "&bogus;",
    "<",
    ">",
    "<b>",
    "</i>",
    "%41",
    "%zz",
    "\t\n",
    "é",
    "日本",
    "\x07",
    "\x00",
    "#",
    "0",
    "javascript:",
    "http://x.ex/",
]
TEXTS = sorted({a + b + c for a, b, c in product(_PIECES[:14], _PIECES, ["", "z", " <u>end"])})
EMAILS = [
    "ada@example.com",
    " ada@example.com ",
    "o'brien@example.com",
    "a&b@example.com",
    "Ada <ada@ex.com>",
    "ada@@example.com",
    "a..b@example..com",
    "ada@-ex-.com",
    "ada@localhost",
    "x@y.z",
    "\\ada@ex.com",
    'a"b@ex.com',
    "ada@ex.com.",
    ".ada@ex.com",
    "é@ex.com",
    "ada@éx.com",
    "a+b%c@ex.com",
    "",
    "0",
    "@ex.com",
    "ada@ex_ample.com",
    "ada@ex.c-o-m",
    "a b@ex.com",
]
URLS = [
    "http://ada.example/",
    "ada.example",
    "https://a.ex/?a=1&b=2",
    "javascript:alert(1)",
    "JaVaScRiPt:x",
    "java\tscript:x",
    "feed:http://a.ex/",
    "feed:feed:feed:x",
    "feed:javascript:x",
    "mailto:ada@ex.com",
    "//a.ex/x",
    "/path",
    "#frag",
    "?q=1",
    "index.php?x",
    "x.php",
    "http://a.ex/a b",
    "http://a.ex/'q'\"",
    "http://[::1]/a[1]",
    "http://u:p@a.ex:8080/p[x]",
    "<b>http://a.ex/</b>",
    "http://a.ex/%0d%0aX",
    "",
    "http://a.ex/é",
    "ftp://a.ex",
    "tel:+123",
    "urn:isbn:1",
    "data:text/html,x",
    "http&#58;//a.ex",
    "javascript&#x3a;x",
    "http://a.ex/&amp;&bogus;",
    " http://a.ex/ ",
    "\\http://a.ex",
    "http:\\\\a.ex",
]


@pytest.fixture(scope="module")
def php() -> Iterator[PhpFormatter]:
    reason = php_available()
    if reason is not None:
        pytest.skip(f"the fields differential needs php-cli and WordPress: {reason}")
    with PhpFormatter(OPTIONS) as formatter:
        yield formatter


def _compare(php: PhpFormatter, filter_name: str, ours: Callable[[str], str], texts: list[str]) -> None:
    theirs = php.evaluate_many([{"fn": filter_name, "text": text} for text in texts])
    differing = [(text, mine, wordpress) for text, mine, wordpress in
                 zip(texts, (stripslashes(ours(addslashes(text))) for text in texts), theirs, strict=True)
                 if mine != wordpress]  # fmt: skip
    print(f"\n{filter_name}: {len(texts) - len(differing)}/{len(texts)} equal")
    assert not differing, differing[:10]


def test_author_names(php: PhpFormatter) -> None:
    _compare(php, "pre_comment_author_name", pre_comment_author_name, TEXTS)


def test_email_addresses(php: PhpFormatter) -> None:
    _compare(php, "pre_comment_author_email", pre_comment_author_email, EMAILS + TEXTS[:200])


def test_urls(php: PhpFormatter) -> None:
    _compare(php, "pre_comment_author_url", pre_comment_author_url, URLS + TEXTS[:200])


def test_content(php: PhpFormatter) -> None:
    _compare(php, "pre_comment_content", lambda text: pre_comment_content(text, home_url="http://example.test"), TEXTS)
