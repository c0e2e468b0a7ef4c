"""Links from bare URLs, www./ftp. hosts and e-mail addresses in text: WordPress's ``make_clickable``."""

from __future__ import annotations

import re

from .html import escape_attribute
from .urls import esc_url

TAG = re.compile(r"(<[^<>]+>)")
CODE_START = re.compile(r"<(?:code|pre|script|style)[\s>]", re.IGNORECASE | re.ASCII)
CODE_END = frozenset({"</code>", "</pre>", "</script>", "</style>"})
URL_IN_TAG = re.compile(r"<\s*\w{1,20}+://", re.ASCII)
_URL_CHAR = r"[\w\x80-\U0010ffff#%~/@\[\]*(+=&$-]"
URL = re.compile(
    r"([\s(<.,;:!?])"  # leading whitespace or punctuation
    rf"(\w{{1,20}}+://(?=\S{{1,2000}}\s){_URL_CHAR}*+(?:['.,;:!?)]{_URL_CHAR}++)*)"  # punctuation only inside
    r"(\)?)",
    re.ASCII,
)
WEB_OR_FTP_HOST = re.compile(r"([\s>])((www|ftp)\.[\w\x80-\U0010ffff#$%&~/.\-;:=,?@\[\]+]+)", re.I | re.S | re.A)
EMAIL = re.compile(r"([\s>])([.0-9a-z_+-]+)@(([0-9a-z-]+\.)+[0-9a-z]{2,})", re.IGNORECASE | re.ASCII)
NESTED_LINK = re.compile(r"(<a([ \r\n\t]+[^>]+?>|>))<a [^>]+?>([^>]+?)</a></a>", re.IGNORECASE)
WHITESPACE = " \t\n\r\x0b\x0c"


def _link(url: str, rel: str, suffix: str) -> str:
    return f'<a href="{url}" rel="{escape_attribute(rel)}">{url}</a>{suffix}'


def _split_at_whitespace(text: str, goal: int) -> list[str]:
    """Chunks of about ``goal`` characters, each ending at whitespace where there is some."""
    chunks = []
    while len(text) > goal:
        position = max(text.rfind(space, 0, goal + 1) for space in WHITESPACE)
        if position < 0:
            later = [p for p in (text.find(space, goal + 1) for space in WHITESPACE) if p >= 0]
            if not later:
                break
            position = min(later)
        chunks.append(text[: position + 1])
        text = text[position + 1 :]
    if text and text != "0":
        chunks.append(text)
    return chunks


def _linkify(piece: str, rel: str) -> str:
    def url(match: re.Match[str]) -> str:
        address, suffix = match.group(2), match.group(3)
        if suffix == ")" and address.find("(") > 0:
            address, suffix = address + suffix, ""
        while address.count("(") < address.count(")"):
            cut = address.rfind(")")
            address, suffix = address[:cut], address[cut:] + suffix
        escaped = esc_url(address)
        return match.group(1) + _link(escaped, rel, suffix) if escaped else match.group(0)

    def host(match: re.Match[str]) -> str:
        destination, trailing = "http://" + match.group(2), ""
        if destination[-1] in ".,;:)":
            destination, trailing = destination[:-1], destination[-1]
        escaped = esc_url(destination)
        return match.group(1) + _link(escaped, rel, trailing) if escaped else match.group(0)

    def email(match: re.Match[str]) -> str:
        address = f"{match.group(2)}@{match.group(3)}"
        return f'{match.group(1)}<a href="mailto:{address}">{address}</a>'

    padded = f" {piece} "
    padded = URL.sub(url, padded)
    padded = WEB_OR_FTP_HOST.sub(host, padded)
    padded = EMAIL.sub(email, padded)
    return padded[1:-1]


def make_clickable(text: str, *, rel: str = "nofollow") -> str:
    """Turn URLs, hosts and e-mail addresses outside tags and code into links (``rel`` as WordPress sets it)."""
    output = []
    inside_code = 0
    for piece in TAG.split(text):
        if CODE_START.match(piece):
            inside_code += 1
        elif inside_code and piece.lower() in CODE_END:
            inside_code -= 1
        if inside_code or not piece or piece == "0" or (piece[0] == "<" and not URL_IN_TAG.match(piece)):
            output.append(piece)
        elif len(piece.encode()) > 10000:
            for chunk in _split_at_whitespace(piece, 2100):
                output.append(chunk if len(chunk.encode()) > 2101 else make_clickable(chunk, rel=rel))
        else:
            output.append(_linkify(piece, rel))
    return NESTED_LINK.sub(r"\1\3</a>", "".join(output))
