"""Seeded generators for the differential tests of the comment filters: HTML-ish text (tags allowed and
not, attributes in every form, comments, entities, schemes, slashes), block delimiters with odd JSON,
websites, emails, and URLs for ``parse_url``."""

from __future__ import annotations

import json
import random

from kses_comment_inputs import MATRIX

TAG_NAMES = ["a", "A", "b", "i", "em", "strong", "code", "cite", "q", "blockquote", "abbr", "del", "s", "strike"]
TAG_NAMES += ["p", "div", "span", "script", "style", "img", "x-y", "br", "Q", "acronym", "iframe"]
ATTRIBUTE_NAMES = ["href", "HREF", "title", "cite", "datetime", "target", "rel", "onclick", "style", "class", "x:y"]
VALUES = [
    "http://x.test/",
    "http://example.test/p",
    "https://EXAMPLE.TEST",
    "javascript:alert(1)",
    "&#106;avascript:x",
    "java&#x09;script:x",
    "feed:javascript:x",
    "_blank",
    "nofollow external",
    "it's",
    'say "hi"',
    "a > b",
    "<b>",
    "x\\y",
    "é",
    "",
    "/path",
    "//x.test",
    "mailto:a@b.test",
    "javascript&#58;x",
]
TEXT_ATOMS = [
    " ",
    "\n",
    "\r\n",
    "\r",
    "\x0c",
    "\t",
    "word",
    "é",
    "🙂",
    "<",
    ">",
    "&",
    "&amp;",
    "&bogus;",
    "&#106;",
    "&#150;",
    "&#x41;",
    "&apos;",
    "&nbsp;",
    "'",
    '"',
    "\\",
    '\\"',
    "\\'",
    "\\0",
    "\0",
    "\x01",
    "\x0b",
    "%41",
    ":",
    "=",
    "/",
    "--",
    "-->",
    "<!--",
    "--->",
    "<!-- c -->",
    "<!-- wp:paragraph -->",
    "<!-- /wp:paragraph -->",
    '<!-- wp:x {"a":"<b>"} /-->',
    "target",
    "<a ",
    "</a>",
    "< b",
    "<b",
    "</",
]


def _value(rng: random.Random) -> str:
    value = rng.choice(VALUES)
    if rng.random() < 0.3:
        value += rng.choice(TEXT_ATOMS)
    return value


def _attribute(rng: random.Random) -> str:
    name = rng.choice(ATTRIBUTE_NAMES)
    form = rng.randrange(7)
    value = _value(rng)
    return [
        f'{name}="{value}"',
        f"{name}='{value}'",
        f"{name}={value.replace(' ', '')}",
        name,
        f'{name} = "{value}"',
        f'{name}="{value}',
        rng.choice(TEXT_ATOMS),
    ][form]


def _tag(rng: random.Random) -> str:
    name = rng.choice(TAG_NAMES)
    if rng.random() < 0.3:
        return f"</{name}>"
    attributes = "".join(rng.choice([" ", "  ", "\n", ""]) + _attribute(rng) for _ in range(rng.randrange(4)))
    return f"<{name}{attributes}{rng.choice(['>', '>', ' />', '/>', ''])}"


def _block(rng: random.Random) -> str:
    attributes = rng.choice([{}, {"a": _value(rng)}, {_value(rng): 1, "n": [1.5, None, True]}, {"0": "x", "1": "y"}])
    body = json.dumps(attributes, ensure_ascii=rng.random() < 0.5) + " " if attributes else ""
    return f"<!-- wp:{rng.choice(['paragraph', 'core/group', 'x/y'])} {body}{rng.choice(['', '/'])}-->"


def html_ish(rng: random.Random) -> str:
    """A random mix of text, tags, attributes, comments, entities and block delimiters."""
    pieces = []
    for _ in range(rng.randrange(1, 14)):
        kind = rng.random()
        if kind < 0.45:
            pieces.append(_tag(rng))
        elif kind < 0.9:
            pieces.append(rng.choice(TEXT_ATOMS))
        elif kind < 0.95:
            pieces.append(_block(rng))
        else:
            pieces.append(rng.choice(MATRIX[:60]))
    return "".join(pieces)


def url_ish(rng: random.Random) -> str:
    """A random website field: schemes, hosts, entities, brackets, spaces, tags."""
    atoms = [
        "http://",
        "https://",
        "//",
        "javascript:",
        "&#106;",
        "&#58;",
        ":",
        "x.test",
        "example.test",
        "/p",
        "?a=1",
        "&b=2",
        "#f",
        "[",
        "]",
        "@",
        "u:p@",
        ":80",
        " ",
        "%0a",
        "'",
        '"',
        "\\",
        "<b>",
        "</b>",
        "é",
        ";//",
        "feed:",
    ]
    return "".join(rng.choice(atoms) for _ in range(rng.randrange(1, 8)))


def email_ish(rng: random.Random) -> str:
    """A random email field."""
    atoms = ["a", "B", ".", "..", "@", "-", "example", "test", " ", "'", '"', "\\", "&", "<", ">", "é", "+", "_", "%"]
    return "".join(rng.choice(atoms) for _ in range(rng.randrange(1, 12)))


JSON_KEYS = ["a", "0", "1", "2", "-1", "01", "a&b", "<b>", "k\u2028", "x--y", "", "9223372036854775808", "1\x01"]
JSON_KEYS += ["&amp;", "a&", "é", "\\", '"', "1.5", "tagName"]
JSON_NUMBERS = ["1", "0", "-0", "-0.0", "1.0", "1.5", "0.1", "1e-5", "1e-4", "0.0001", "1e16", "1e17", "1e18"]
JSON_NUMBERS += ["12345678901234567890", "1e400", "-1e400", "3.14159e-300", "NaN", "2.5E+3", "9223372036854775808"]
JSON_STRINGS = ['"x"', '"<b>t</b>"', '"a&b"', '"\\u2028"', '"\\u0001"', '"/"', '"\\/"', '"--"', '"x\\\\"', '"b"']
JSON_STRINGS += ['"\\ud83d\\ude00"', '"\\ud800"', '"é"', '"javascript:x"', '"a > b"', '"\\""', '"script"']


def _json_value(rng: random.Random, depth: int = 0) -> str:
    kind = rng.random()
    if depth < 3 and kind < 0.25:
        pairs = (f"{json.dumps(rng.choice(JSON_KEYS))}:{_json_value(rng, depth + 1)}" for _ in range(rng.randrange(4)))
        return "{" + ",".join(pairs) + "}"
    if depth < 3 and kind < 0.4:
        return "[" + ",".join(_json_value(rng, depth + 1) for _ in range(rng.randrange(4))) + "]"
    if kind < 0.6:
        return rng.choice(JSON_NUMBERS)
    if kind < 0.65:
        return rng.choice(["true", "false", "null"])
    return rng.choice(JSON_STRINGS)


def block_ish(rng: random.Random) -> str:
    """Block delimiters whose JSON attributes PHP decodes, kses filters and PHP encodes back its own way
    (integer keys, lists, floats, escapes, duplicates, values PHP refuses)."""
    blocks = []
    for _ in range(rng.randrange(1, 3)):
        pairs = (f"{json.dumps(rng.choice(JSON_KEYS))}:{_json_value(rng)}" for _ in range(rng.randrange(4)))
        attributes = "{" + ",".join(pairs) + "}"
        name = rng.choice(["paragraph", "core/group", "x/y", "template-part"])
        if rng.random() < 0.5:
            blocks.append(f"<!-- wp:{name} {attributes} /-->")
        else:
            content = rng.choice(["", "x", "0", "<b>in</b>"])
            blocks.append(f"<!-- wp:{name} {attributes} -->{content}<!-- /wp:{name} -->")
    return "".join(blocks)


URL_PART_ATOMS = ["http", "HTTP", "file", "mailto", ":", "//", "/", "///", "@", "u", "p", ":80", ":0", ":65536"]
URL_PART_ATOMS += [":123456", ":8a", "?", "#", "[", "]", "::1", "x.test", " ", "\x01", "é", "+", ".", "-", "0", "c:"]
URL_PART_ATOMS += ["8", "日", "'", "&"]


def url_parts_ish(rng: random.Random) -> str:
    """Strings for PHP's ``parse_url``: schemes, ports, hosts, users, paths in odd orders."""
    return "".join(rng.choice(URL_PART_ATOMS) for _ in range(rng.randrange(1, 8)))
