"""Query strings as PHP reads them and WordPress writes them: ``parse_str``, ``urlencode``,
``build_query`` and ``add_query_arg`` — one implementation for the REST layer's links and the themes'
pagination blocks (which keep the request's own arguments this way).

Decoded text keeps bytes that are not UTF-8 as surrogates (``surrogateescape``), so that encoding it
again gives PHP's bytes back. A parsed value is a string or a PHP array (an ordered dict whose keys
are strings; PHP's integer keys are their digits).

:func:`wp_add_query_arg` is WordPress's function as it is (values already encoded, ``None`` removes);
:func:`add_query_arg` and :func:`build_query` take plain values and encode them first, as WordPress's
REST server does with ``urlencode_deep`` for its links.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote_plus

from .types import Query, QueryValue

__all__ = [
    "INTEGER_KEY",
    "add_query_arg",
    "build_encoded_query",
    "build_query",
    "parse_str",
    "php_rawurlencode",
    "php_urlencode",
    "urldecode",
    "urlencode_deep",
    "wp_add_query_arg",
]

INTEGER_KEY = re.compile(r"-?[1-9][0-9]*|0")
NAME_CHARACTERS = re.compile(r"[ .\[]")
WHITESPACE = frozenset(" \t\n\v\f\r")


def php_urlencode(text: str) -> str:
    """PHP's ``urlencode``: all but letters, digits and ``-_.`` escaped, spaces as ``+``."""
    encoded = quote(text, safe="-_.", errors="surrogateescape")
    return encoded.replace("~", "%7E").replace("%20", "+")


def urldecode(text: str) -> str:
    return unquote_plus(text, errors="surrogateescape")


def _next_index(array: dict[str, QueryValue]) -> str:
    numbers = [int(key) for key in array if INTEGER_KEY.fullmatch(key)]
    return str(max(numbers) + 1 if numbers else 0)


def _name_and_indexes(key: str) -> tuple[str, list[str]]:
    """``php_register_variable_ex``: a variable's name (spaces and dots made ``_``) and its array indexes."""
    key = key.split("\0", 1)[0].lstrip(" ")
    bracket = key.find("[")
    if bracket < 0:
        return NAME_CHARACTERS.sub("_", key), []
    if bracket == 0:  # no name: PHP registers nothing
        return "", []
    name, rest = NAME_CHARACTERS.sub("_", key[:bracket]), key[bracket:]
    if "]" not in rest:  # not an index: a plain name, the bracket and what follows it made safe too
        return name + NAME_CHARACTERS.sub("_", rest), []
    indexes: list[str] = []
    while rest.startswith("["):
        end = rest.find("]")
        if end < 0:
            break
        index = rest[1:end]
        indexes.append("" if index in WHITESPACE else index)  # "[ ]" appends, as "[]" does
        rest = rest[end + 1 :]
    return name, indexes


def parse_str(query: str) -> Query:
    """PHP's ``parse_str`` (WordPress's ``wp_parse_str``): ``a[]=1&a[b]=2`` make arrays."""
    result: Query = {}
    for pair in query.split("&"):
        if not pair:
            continue
        raw_key, _, raw_value = pair.partition("=")
        name, indexes = _name_and_indexes(urldecode(raw_key))
        if not name:
            continue
        value = urldecode(raw_value)
        if not indexes:
            result[name] = value
            continue
        container = result.get(name)
        if not isinstance(container, dict):
            container = result[name] = {}
        for depth, index in enumerate(indexes):
            key = index if index != "" else _next_index(container)
            if depth == len(indexes) - 1:
                container[key] = value
                break
            child = container.get(key)
            if not isinstance(child, dict):
                child = container[key] = {}
            container = child
    return result


def urlencode_deep(query: Query) -> Query:
    """WordPress's ``urlencode_deep``: every value encoded, keys as they are."""
    return {
        key: php_urlencode(value) if isinstance(value, str) else urlencode_deep(value) for key, value in query.items()
    }


def _pairs(value: QueryValue, prefix: str) -> list[str]:
    if isinstance(value, dict):  # an array under the key "0" loses it (PHP's ``empty($key)``)
        wrap = prefix not in ("", "0")
        return [pair for key, item in value.items() for pair in _pairs(item, f"{prefix}%5B{key}%5D" if wrap else key)]
    return [f"{prefix}={value}"]


def build_encoded_query(query: Query) -> str:
    """WordPress's ``build_query``: ``key=value`` joined with ``&``, nothing encoded (nested keys as ``%5B…%5D``)."""
    return "&".join(pair for key, value in query.items() for pair in _pairs(value, key))


def wp_add_query_arg(uri: str, updates: dict[str, QueryValue | None]) -> str:
    """WordPress's ``add_query_arg($updates, $uri)``: the URI's query re-encoded, ``updates`` set in it (as
    given: already encoded), ``None`` (PHP's ``false``) removing an argument; ``=`` of empty values dropped."""
    fragment = ""
    if "#" in uri:
        uri, fragment = uri[: uri.index("#")], uri[uri.index("#") :]
    protocol = next((p for p in ("http://", "https://") if uri[: len(p)].lower() == p), "")
    uri = uri[len(protocol) :]
    if "?" in uri:
        base, query = uri.split("?", 1)
        base += "?"
    elif protocol or "=" not in uri:
        base, query = uri + "?", ""
    else:
        base, query = "", uri
    arguments = urlencode_deep(parse_str(query))
    for key, value in updates.items():
        if value is None:
            arguments.pop(key, None)
        else:
            arguments[key] = value
    built = re.sub(r"=(&|$)", r"\1", build_encoded_query(arguments).strip("?"))
    return (protocol + base + built + fragment).rstrip("?").replace("?#", "#")


def php_rawurlencode(text: str) -> str:
    """PHP's ``rawurlencode`` (RFC 3986: spaces as ``%20``, ``~`` kept)."""
    return quote(text, safe="-_.~", errors="surrogateescape")


def build_query(query: Query) -> str:
    """``build_query(urlencode_deep($query))`` followed by ``add_query_arg``'s ``=`` trimming."""
    return re.sub(r"=(&|$)", r"\1", build_encoded_query(urlencode_deep(query)))


def add_query_arg(url: str, updates: Query) -> str:
    """``add_query_arg(urlencode_deep($updates), $url)``: plain values, encoded as WordPress's links have them."""
    return wp_add_query_arg(url, dict(urlencode_deep(updates)))
