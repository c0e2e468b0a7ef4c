"""JSON paths: rendering, generalisation for noise (`[3]` -> `[*]`) and ignore patterns."""

from __future__ import annotations

import functools
import re

Token = str | int

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_PATTERN_TOKEN = re.compile(r"\.\.|\.([A-Za-z0-9_*-]+)|\[(\*|\d+)\]|\[\"((?:[^\"\\]|\\.)*)\"\]")
RECURSIVE = "**"


def render(tokens: tuple[Token, ...]) -> str:
    out = "$"
    for token in tokens:
        if isinstance(token, int):
            out += f"[{token}]"
        elif _IDENT.match(token):
            out += "." + token
        else:
            out += '["' + token.replace("\\", "\\\\").replace('"', '\\"') + '"]'
    return out


def generalise(path: str) -> str:
    """Array positions do not identify a JSON field: `$[3].date` and `$[7].date` are the same field.
    Other paths (`html[12]`, `headers.x`) stay as they are."""
    if not path.startswith("$"):
        return path
    return re.sub(r"\[\d+\]", "[*]", path)


def is_noise(path: str, noise: frozenset[str]) -> bool:
    general = generalise(path)
    return any(general == n or general.startswith((n + ".", n + "[")) for n in noise)


@functools.lru_cache(maxsize=512)
def parse_pattern(pattern: str) -> tuple[Token, ...]:
    """`$..a[*].b` -> ("**", "a", "*", "b"); `*` matches one key or index, `**` any depth."""
    if not pattern.startswith("$"):
        raise ValueError(f"JSON path patterns start with '$': {pattern!r}")
    tokens: list[Token] = []
    rest = pattern[1:]
    position = 0
    while position < len(rest):
        match = _PATTERN_TOKEN.match(rest, position)
        if match is None:
            raise ValueError(f"cannot parse JSON path {pattern!r} at {rest[position:]!r}")
        text = match.group(0)
        if text == "..":
            tokens.append(RECURSIVE)
            name = re.match(r"[A-Za-z0-9_*-]+", rest[match.end() :])
            if name:
                tokens.append(name.group(0))
                position = match.end() + name.end()
                continue
        elif match.group(1) is not None:
            tokens.append(match.group(1))
        elif match.group(2) is not None:
            tokens.append("*" if match.group(2) == "*" else int(match.group(2)))
        else:
            tokens.append(match.group(3).replace('\\"', '"').replace("\\\\", "\\"))
        position = match.end()
    return tuple(tokens)


def matches(pattern: tuple[Token, ...], path: tuple[Token, ...]) -> bool:
    """Whether `path` is the pattern's location or inside it."""
    if not pattern:
        return True
    head, rest = pattern[0], pattern[1:]
    if head == RECURSIVE:
        return any(matches(rest, path[i:]) for i in range(len(path) + 1))
    if not path:
        return False
    if head == "*" or head == path[0] or (isinstance(path[0], int) and head == str(path[0])):
        return matches(rest, path[1:])
    return False


def ignored(patterns: tuple[str, ...], path: tuple[Token, ...]) -> bool:
    return any(matches(parse_pattern(p), path) for p in patterns)
