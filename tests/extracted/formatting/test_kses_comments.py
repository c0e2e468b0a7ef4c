"""What WordPress stores of an anonymous visitor's comment fields, Python against the installed WordPress.

The runner applies the real ``pre_comment_*`` filters (no user logged in, slashed data as
``wp_new_comment`` gets it, unslashed as ``wp_insert_comment`` stores it) to: a hand-written matrix of
tricky inputs, thousands of seeded random HTML-ish strings, Hypothesis-generated ones (shrinkable), and
the comments (and, as richer HTML, the post contents) of the shared WXR corpus.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable, Iterator
from functools import partial

import pytest
from formatting_corpus import CORPUS, exports
from formatting_harness import WORDPRESS_OPTIONS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kses_comment_inputs import AUTHOR_MATRIX, EMAIL_MATRIX, HOME, MATRIX, URL_MATRIX
from kses_random_inputs import TEXT_ATOMS, block_ish, email_ish, html_ish, url_ish, url_parts_ish

from extracted.formatting import (
    WordPressFatalError,
    filter_comment_author,
    filter_comment_author_email,
    filter_comment_author_url,
    filter_comment_content,
    wp_kses,
)
from extracted.formatting.urls import parse_url
from wordpress.phpeval import PhpEvalError, PhpFormatter, php_available

pytestmark = pytest.mark.php

FATAL = "<PHP fatal error>"
BALANCED = "pre_comment_content+use_balanceTags"
FILTERS: dict[str, Callable[[str], str]] = {
    "pre_comment_content": partial(filter_comment_content, home_url=HOME),
    BALANCED: partial(filter_comment_content, home_url=HOME, use_balance_tags=True),
    "pre_comment_author_name": filter_comment_author,
    "pre_comment_author_email": filter_comment_author_email,
    "pre_comment_author_url": filter_comment_author_url,
}


@pytest.fixture(scope="module")
def php() -> Iterator[PhpFormatter]:
    reason = php_available()
    if reason is not None:
        pytest.skip(f"the PHP differential harness needs php-cli and WordPress: {reason}")
    with PhpFormatter(WORDPRESS_OPTIONS) as formatter:
        yield formatter


def _wordpress(php: PhpFormatter, field: str, text: str) -> str:
    request: dict[str, object] = {"fn": field, "text": text}
    if field == BALANCED:
        request = {"fn": "pre_comment_content", "text": text, "options": {"use_balanceTags": "1"}}
    try:
        return php.evaluate_many([request])[0]
    except PhpEvalError as error:
        if not str(error).startswith(("TypeError", "Error", "fatal error")):
            raise
        php.restart()  # the exception left WordPress's filter stack half-run
        return FATAL


def _python(field: str, text: str) -> str:
    try:
        return FILTERS[field](text)
    except WordPressFatalError:
        return FATAL


def _differences(php: PhpFormatter, field: str, texts: Iterable[str]) -> tuple[int, list[str]]:
    """How many texts were compared, and a line per text whose stored value differs."""
    count, different = 0, []
    for text in texts:
        count += 1
        expected, actual = _wordpress(php, field, text), _python(field, text)
        if expected != actual:
            different.append(f"{field} {text[:300]!r}\n  WordPress {expected[:300]!r}\n  Python    {actual[:300]!r}")
    return count, different


def _assert_equal(php: PhpFormatter, field: str, texts: Iterable[str]) -> int:
    count, different = _differences(php, field, texts)
    assert not different, f"{len(different)} of {count} differ:\n" + "\n".join(different[:10])
    return count


@pytest.mark.parametrize("field", list(FILTERS))
def test_matrix(php: PhpFormatter, field: str) -> None:
    """Every hand-written input through every field's filters (the content matrix too: all must hold)."""
    texts = MATRIX + AUTHOR_MATRIX + EMAIL_MATRIX + URL_MATRIX
    assert _assert_equal(php, field, texts) == len(texts)


def test_fatal_error_of_wordpress(php: PhpFormatter) -> None:
    """A numeric reference beyond PHP's int in a website's scheme kills WordPress (``chr()``)."""
    assert _wordpress(php, "pre_comment_author_url", "&#99999999999999999999;:x") == FATAL
    with pytest.raises(WordPressFatalError):
        filter_comment_author_url("&#99999999999999999999;:x")


GENERATED = [
    ("pre_comment_content", html_ish, 4000),
    ("pre_comment_content", block_ish, 2000),
    (BALANCED, html_ish, 1000),
    ("pre_comment_author_name", html_ish, 1000),
    ("pre_comment_author_email", email_ish, 1000),
    ("pre_comment_author_url", url_ish, 1000),
]


@pytest.mark.parametrize(("field", "generate", "count"), GENERATED, ids=[f"{f}-{g.__name__}" for f, g, _ in GENERATED])
def test_seeded_random_inputs(
    php: PhpFormatter, field: str, generate: Callable[[random.Random], str], count: int
) -> None:
    """Thousands of random HTML-ish strings (seeded: the same ones every run) in one PHP process."""
    rng = random.Random(f"kses-{field}-{generate.__name__}")
    assert _assert_equal(php, field, (generate(rng) for _ in range(count))) == count


# Allowed tags with value checks, required attributes, data-* and style (as a plugin could pass them).
CHECKED_TAGS = {
    "a": {"href": True, "title": {"maxlen": 5}, "target": {"values": ["_blank", "_self"]}},
    "span": {"class": {"minlen": 2}, "data-*": True, "style": True},
    "img": {"src": {"required": True}, "alt": True, "width": {"maxval": 500}, "height": {"minval": 10}},
    "b": {"title": {"valueless": "y"}},
    "p": {},
    "q": {"cite": {"valueless": "n"}},
}


@pytest.mark.parametrize("allowed_html", ["data", "checked"])
def test_wp_kses(php: PhpFormatter, allowed_html: str) -> None:
    """``wp_kses`` itself, with ``$allowedtags`` and with checked attributes."""
    allowed = CHECKED_TAGS if allowed_html == "checked" else None
    rng = random.Random(f"kses-wp-kses-{allowed_html}")
    texts = MATRIX + [html_ish(rng) for _ in range(2000)]
    texts += ['<img src="x" width="500" height="9"><img alt=a>', '<img width=" 12" src=x/>', "<b title>x</b>"]
    texts += ['<span data-x-y="1" data--z=2 class=a style="color: red; behavior: x">s</span>', "<q cite>q</q>"]
    extra = {"allowed_html": CHECKED_TAGS} if allowed else {}
    answers = php.evaluate_many({"fn": "wp_kses", "text": text, **extra} for text in texts)
    different = [
        (text, answer)
        for text, answer in zip(texts, answers, strict=True)
        if answer != (wp_kses(text, allowed) if allowed else wp_kses(text))
    ]
    assert not different, different[:5]


def _php_parse_url(url: str) -> object:
    """What ``json_encode(parse_url($url))`` decodes to, from our ``parse_url``."""
    parsed = parse_url(url)
    if parsed is None:
        return False
    names = {"password": "pass"}
    parts = ("scheme", "host", "port", "user", "password", "path", "query", "fragment")
    return {names.get(part, part): getattr(parsed, part) for part in parts if getattr(parsed, part) is not None}


def test_parse_url(php: PhpFormatter) -> None:
    """PHP's ``parse_url`` (which decides whether a link leaves the site, and how a website's brackets go)."""
    rng = random.Random("kses-parse-url")
    urls = [url_parts_ish(rng) for _ in range(3000)] + URL_MATRIX
    answers = php.evaluate_many({"fn": "parse_url", "text": url} for url in urls)
    different = [url for url, answer in zip(urls, answers, strict=True) if json.loads(answer) != _php_parse_url(url)]
    assert not different, different[:10]


HYPOTHESIS_TEXT = st.lists(
    st.one_of(
        st.sampled_from(TEXT_ATOMS),
        st.sampled_from(MATRIX[:100]),
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=6),
    ),
    max_size=10,
).map("".join)


@settings(
    max_examples=500,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(HYPOTHESIS_TEXT, st.sampled_from(list(FILTERS)))
def test_hypothesis_inputs(php: PhpFormatter, text: str, field: str) -> None:
    assert _python(field, text) == _wordpress(php, field, text)


def _corpus_fields() -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {name: [] for name in FILTERS}
    for export in exports():
        for post in export.posts:
            for comment in post.comments:
                fields["pre_comment_content"].append(comment.content)
                fields[BALANCED].append(comment.content)
                fields["pre_comment_author_name"].append(comment.author)
                fields["pre_comment_author_email"].append(comment.author_email)
                fields["pre_comment_author_url"].append(comment.author_url)
    return fields


@pytest.mark.parametrize("field", list(FILTERS))
def test_corpus_comments(php: PhpFormatter, field: str) -> None:
    """The comments of the shared corpus's exports, every field."""
    if not CORPUS.is_dir():
        pytest.skip(f"the shared test corpus is absent ({CORPUS}); it ships beside the repository in CI")
    texts = _corpus_fields()[field]
    assert texts, "the corpus has comments"
    assert _assert_equal(php, field, texts) == len(texts)


@pytest.mark.parametrize("field", ["pre_comment_content", BALANCED])
def test_corpus_posts_as_comments(php: PhpFormatter, field: str) -> None:
    """The corpus's post contents (real HTML: blocks, attributes, comments) as if a visitor wrote them."""
    if not CORPUS.is_dir():
        pytest.skip(f"the shared test corpus is absent ({CORPUS}); it ships beside the repository in CI")
    texts = [post.content for export in exports() for post in export.posts if post.content]
    assert _assert_equal(php, field, texts) == len(texts)
