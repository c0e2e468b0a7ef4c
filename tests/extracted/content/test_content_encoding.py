"""PHP's json_encode and query strings, and WordPress's list helpers, byte for byte."""

from __future__ import annotations

from extracted.content.phpjson import JsonObject, php_json
from extracted.content.phpquery import add_query_arg, parse_str
from extracted.content.projection import collation_key
from extracted.content.query_text import search_terms, slug_for_query


def test_json_like_php() -> None:
    value = {"a/b": "é 😀 <tag> \x7f", "empty": {}, "object": JsonObject(), "list": [1, True, None]}
    assert php_json(value) == (
        b'{"a\\/b":"\\u00e9 \\ud83d\\ude00 <tag> \x7f","empty":[],"object":{},"list":[1,true,null]}'
    )


def test_query_strings_like_php() -> None:
    assert parse_str("a[]=1&a[]=2&b[x]=3&c.d=4&e=5&e=6") == {"a": {"0": "1", "1": "2"}, "b": {"x": "3"},
                                                            "c_d": "4", "e": "6"}  # fmt: skip
    url = add_query_arg("http://h/wp-json/wp/v2/posts", {"s": "a b", "author": {"0": "3"}, "flag": ""})
    assert url == "http://h/wp-json/wp/v2/posts?s=a+b&author%5B0%5D=3&flag"
    assert add_query_arg(url, {"s": "c"}).startswith("http://h/wp-json/wp/v2/posts?s=c&")


def test_search_terms_slugs_and_collation() -> None:
    assert search_terms('"weekly notes" the -python a') == (["weekly notes", "-python"], 4)
    assert slug_for_query("Héllo World!") == "h%c3%a9llo-world"
    assert sorted(["b", "Ünïcödé", "a"], key=collation_key) == ["a", "b", "Ünïcödé"]
