"""The PHP side of the formatting harness: WordPress loaded without a database, many answers per process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from wordpress.phpeval import PhpEvalError, PhpFormatter, php_available

pytestmark = pytest.mark.php
OPTIONS = {
    "siteurl": "http://example.test",
    "home": "http://example.test",
    "blog_charset": "UTF-8",
    "use_smilies": "1",
    "template": "twentytwentythree",
    "stylesheet": "twentytwentythree",
}


@pytest.fixture(scope="module")
def php() -> Iterator[PhpFormatter]:
    reason = php_available()
    if reason is not None:
        pytest.skip(f"needs php-cli and WordPress: {reason}")
    with PhpFormatter(OPTIONS) as formatter:
        yield formatter


def test_runs_wordpress_filters(php: PhpFormatter) -> None:
    assert php.evaluate("the_content", 'It\'s "here" :)') == "<p>It&#8217;s &#8220;here&#8221; \U0001f642</p>\n"
    assert php.evaluate("the_title", "a -- b") == "a &#8212; b"


def test_options_per_request(php: PhpFormatter) -> None:
    assert php.evaluate("convert_smilies", ":)", options={"use_smilies": "0"}) == ":)"
    assert php.evaluate("convert_smilies", ":)") == "\U0001f642"


def test_post_and_media_are_wordpress_data(php: PhpFormatter) -> None:
    post = {"ID": 5, "post_content": "[gallery]"}
    image = {
        "ID": 6,
        "post_type": "attachment",
        "post_mime_type": "image/png",
        "post_parent": 5,
        "post_title": "Pic",
        "guid": "http://example.test/pic.png",
    }
    html = php.evaluate("the_content", "[gallery]", post=post, posts=[image], isolated=True)
    assert "gallery-1" in html and "?attachment_id=6" in html and ">Pic</a>" in html


def test_isolated_requests_start_from_the_same_state(php: PhpFormatter) -> None:
    first = php.evaluate("the_content", '[audio src="http://x.test/a.mp3"]', isolated=True)
    second = php.evaluate("the_content", '[audio src="http://x.test/a.mp3"]', isolated=True)
    assert first == second and 'id="audio-0-1"' in first


def test_many_answers_in_order(php: PhpFormatter) -> None:
    requests = [{"fn": "wptexturize", "text": f"'n{n}'"} for n in range(200)]
    assert php.evaluate_many(requests) == [f"&#8216;n{n}&#8217;" for n in range(200)]


def test_errors_are_reported(php: PhpFormatter) -> None:
    with pytest.raises(PhpEvalError, match="unknown function"):
        php.evaluate("no_such_function", "x")
    assert php.evaluate("wptexturize", "still 'alive'") == "still &#8216;alive&#8217;"


def test_missing_wordpress_is_explained(tmp_path: object) -> None:
    from pathlib import Path

    assert php_available(Path("/nonexistent")) is not None
    with pytest.raises(PhpEvalError, match="not installed"):
        PhpFormatter(OPTIONS, abspath=Path("/nonexistent"))
