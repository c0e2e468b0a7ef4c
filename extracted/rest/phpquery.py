"""Query strings as PHP reads and writes them: ``parse_str`` (``a[]=1&a[b]=2`` become arrays) and
WordPress's ``add_query_arg``/``build_query`` (values ``urlencode``d, nested keys as ``%5B…%5D``)."""

from __future__ import annotations

import re
from urllib.parse import quote, unquote_plus

from .types import Query, QueryValue

#: a PHP array key that PHP stores as an integer
INTEGER_KEY = re.compile(r"-?[1-9][0-9]*|0")


def php_urlencode(text: str) -> str:
    """PHP's ``urlencode``: spaces as ``+`` and ``~`` as ``%7E`` (Python's ``quote`` always keeps ``~``)."""
    return quote(text, safe="-_.").replace("%20", "+").replace("~", "%7E")


def php_rawurlencode(text: str) -> str:
    """PHP's ``rawurlencode`` (RFC 3986: spaces as ``%20``, ``~`` kept)."""
    return quote(text, safe="-_.~")


def _next_index(array: dict[str, QueryValue]) -> str:
    numbers = [int(key) for key in array if INTEGER_KEY.fullmatch(key)]
    return str(max(numbers) + 1 if numbers else 0)


def _split_key(raw: str) -> tuple[str, list[str]] | None:
    bracket = raw.find("[")
    if bracket <= 0:
        name = raw
        return (re.sub(r"[ .]", "_", name), []) if name else None
    name, rest = raw[:bracket], raw[bracket:]
    parts: list[str] = []
    while rest.startswith("["):
        end = rest.find("]")
        if end < 0:
            break
        parts.append(rest[1:end])
        rest = rest[end + 1 :]
    if not parts:  # "a[b" is the plain key "a_b" in PHP
        return re.sub(r"[ .\[]", "_", raw), []
    return re.sub(r"[ .\[]", "_", name), parts


def parse_str(query: str) -> Query:
    """PHP's ``parse_str`` of a raw query string (``+`` and ``%XX`` decoded, brackets as arrays)."""
    result: Query = {}
    for pair in query.split("&"):
        if not pair:
            continue
        raw_key, _, raw_value = pair.partition("=")
        split = _split_key(unquote_plus(raw_key))
        if split is None:
            continue
        name, path = split
        value = unquote_plus(raw_value)
        if not path:
            result[name] = value
            continue
        container = result.get(name)
        if not isinstance(container, dict):
            container = {}
            result[name] = container
        for depth, part in enumerate(path):
            key = part if part != "" else _next_index(container)
            if depth == len(path) - 1:
                container[key] = value
                break
            child = container.get(key)
            if not isinstance(child, dict):
                child = {}
                container[key] = child
            container = child
    return result


def _pairs(value: QueryValue, prefix: str) -> list[str]:
    if isinstance(value, dict):
        return [pair for key, item in value.items() for pair in _pairs(item, f"{prefix}%5B{key}%5D")]
    return [f"{prefix}={php_urlencode(value)}"]


def build_query(query: Query) -> str:
    """``build_query(urlencode_deep($query))`` followed by ``add_query_arg``'s ``=`` trimming."""
    text = "&".join(pair for key, value in query.items() for pair in _pairs(value, key))
    return re.sub(r"=(&|$)", r"\1", text)


def add_query_arg(url: str, updates: Query) -> str:
    """``add_query_arg($updates, $url)``: the URL's query parsed, updated and built again."""
    base, _, query = url.partition("?")
    merged = parse_str(query)
    merged.update(updates)
    built = build_query(merged)
    return f"{base}?{built}" if built else base
