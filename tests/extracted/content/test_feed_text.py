"""The feed-only filters against WordPress's own functions (``wp-includes/formatting.php`` evaluated by
php-cli: ``ent2ncr``, ``wp_staticize_emoji``, and the tables ``feed_entities.json`` copies), and the
pure parts of the feed: the loop's content, category names, conditional GET."""

from __future__ import annotations

import json
import subprocess

import pytest

from extracted.content.feed_items import FeedUnavailableError
from extracted.content.feed_text import (
    TABLES,
    UndecodableError,
    decode_category_name,
    ent2ncr,
    feed_content,
    staticize_emoji,
)
from extracted.content.feeds import FeedAnswer, is_not_modified
from wordpress.phpeval import DEFAULT_ABSPATH, php_available

#: evaluates the named functions of formatting.php (only they are loaded, with a no-op apply_filters)
PHP = r"""<?php
function apply_filters( $name, $value ) { return $value; }
$source = file_get_contents( $argv[1] );
foreach ( array( '_wp_emoji_list', 'wp_encode_emoji', 'wp_staticize_emoji', 'ent2ncr' ) as $name ) {
	preg_match( '/function ' . $name . '\(.*?\n}\n/s', $source, $found );
	eval( $found[0] );
}
preg_match( '/\$to_ncr = array\(.*?\);/s', $source, $table );
eval( $table[0] );
$inputs = json_decode( file_get_contents( 'php://stdin' ), true );
echo json_encode( array(
	'entities' => _wp_emoji_list( 'entities' ), 'partials' => _wp_emoji_list( 'partials' ),
	'ent2ncr' => array_map( null, array_keys( $to_ncr ), array_values( $to_ncr ) ),
	'staticized' => array_map( 'wp_staticize_emoji', $inputs ), 'numbered' => array_map( 'ent2ncr', $inputs ),
), JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE );
"""
INPUTS = [
    "", "plain ascii", "Party 🎉 time ™ and 👨‍💻 coder", "<code>🎉 kept</code> 🎉 <pre>🙂</pre>",
    '<img alt="🙂" /> 🙂', "flag 🇫🇷 keycap 1️⃣ ©", "“quotes” – dash … é", "&#x1f642; as an entity",
    "a | b &hellip; &amp; &nbsp; &copy; &bogus;", "<p>multi\nline 🎉</p>\n<textarea>🎉</textarea>x🎉",
    "stray \ufe0f selector ❤️ heart", "<b>😀</b><script>😀</script>😀",
]  # fmt: skip


@pytest.fixture(scope="module")
def wordpress(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[object]]:
    reason = php_available()
    if reason:
        pytest.skip(reason)
    script = tmp_path_factory.mktemp("feed-text") / "evaluate.php"
    script.write_text(PHP)
    answer = subprocess.run(
        ["php", str(script), str(DEFAULT_ABSPATH / "wp-includes" / "formatting.php")],
        input=json.dumps(INPUTS), capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    result: dict[str, list[object]] = json.loads(answer.stdout)
    return result


def test_the_tables_are_wordpress_s(wordpress: dict[str, list[object]]) -> None:
    copied = json.loads(TABLES.read_text(encoding="utf-8"))
    for name in ("entities", "partials", "ent2ncr"):
        assert copied[name] == wordpress[name], name


def test_staticize_emoji_and_ent2ncr_are_wordpress_s(wordpress: dict[str, list[object]]) -> None:
    assert [staticize_emoji(text) for text in INPUTS] == wordpress["staticized"]
    assert [ent2ncr(text) for text in INPUTS] == wordpress["numbered"]


def test_the_loop_shows_the_whole_first_page() -> None:
    assert feed_content(7, "plain") == "plain"
    assert feed_content(7, "tease<!--more Read on-->rest") == 'tease<span id="more-7"></span>rest'
    assert feed_content(7, "<!--noteaser-->tease<!--more-->rest") == '<span id="more-7"></span>rest'
    assert feed_content(7, "one\n<!--nextpage-->\ntwo") == "one"
    blocks = "<!-- wp:more -->\n<!--more-->\n<!-- /wp:more -->after"
    assert feed_content(7, blocks) == '\n<span id="more-7"></span>\nafter'


def test_category_names_decode_the_entities_wordpress_writes() -> None:
    assert decode_category_name("Cats &amp; Dogs &lt;3 &quot;x&quot; &#233;&#x263a;") == 'Cats & Dogs <3 "x" é☺'
    for odd in ("&#039;quoted&#039;", "&eacute;", "&#1;"):
        with pytest.raises(UndecodableError):
            decode_category_name(odd)


def test_conditional_get_follows_send_headers() -> None:
    answer = FeedAnswer("Tue, 08 Dec 2026 02:02:14 GMT", "<x>", "application/rss+xml; charset=UTF-8")
    later, earlier = "Tue, 08 Dec 2026 02:02:15 GMT", "Tue, 08 Dec 2026 02:02:13 GMT"
    assert is_not_modified(answer, answer.etag, None) and is_not_modified(answer, None, answer.last_modified)
    assert is_not_modified(answer, None, later) and not is_not_modified(answer, None, earlier)
    assert not is_not_modified(answer, '"other"', later)  # both given: both must hold
    assert is_not_modified(answer, "0", later) and not is_not_modified(answer, None, "0")  # PHP-falsy values
    assert not is_not_modified(answer, None, None)
    for odd in ("yesterday", "Wed, 08 Dec 2026 02:02:14 GMT", "Tue, 8 Dec 2026 02:02:14 GMT"):
        with pytest.raises(FeedUnavailableError):
            is_not_modified(answer, None, odd)
