"""PHP's json_encode and query strings (parse_str, add_query_arg, urlencode), byte for byte."""

from __future__ import annotations

from extracted.rest import JsonObject, add_query_arg, parse_str, php_json, php_rawurlencode, php_urlencode


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


def test_urlencode_like_php() -> None:
    assert php_urlencode("a b+c/é&=") == "a+b%2Bc%2F%C3%A9%26%3D"
    assert php_rawurlencode("a b~c/é") == "a%20b~c%2F%C3%A9"


def test_urlencode_encodes_the_tilde_like_php() -> None:
    assert php_urlencode("a~b") == "a%7Eb"
