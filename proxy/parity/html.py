"""HTML normalisation: a token stream insensitive to whitespace layout, attribute order and comments."""

from __future__ import annotations

import difflib
import re
from html.parser import HTMLParser

from proxy.parity.types import Difference

_SPACE = re.compile(r"\s+")
MAX_HTML_DIFFERENCES = 20


class _Tokenizer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        rendered = " ".join(f'{k}="{_SPACE.sub(" ", v).strip()}"' if v is not None else k for k, v in sorted(attrs))
        self.tokens.append(f"<{tag} {rendered}>" if rendered else f"<{tag}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.tokens.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        text = _SPACE.sub(" ", data).strip()
        if text:
            self.tokens.append(text)

    def handle_decl(self, decl: str) -> None:
        self.tokens.append(f"<!{decl.lower()}>")


def normalise_html(text: str) -> list[str]:
    parser = _Tokenizer()
    parser.feed(text)
    parser.close()
    return parser.tokens


def diff_html(legacy: str, candidate: str) -> list[Difference]:
    left, right = normalise_html(legacy), normalise_html(candidate)
    out: list[Difference] = []
    matcher = difflib.SequenceMatcher(a=left, b=right, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        out.append(Difference(f"html[{a1}]", "html", " ".join(left[a1:a2])[:500], " ".join(right[b1:b2])[:500]))
        if len(out) >= MAX_HTML_DIFFERENCES:
            break
    return out
