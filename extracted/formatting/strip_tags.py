"""PHP's ``strip_tags``, whose exact behaviour on broken markup decides what an excerpt contains.

A small state machine over the text: plain text, inside a tag (quotes and nested ``<`` counted),
inside ``<?...?>``, inside ``<!...>`` and inside a comment. Everything but plain text is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .php import PHP_TRIM, ascii_lower

C_SPACE = frozenset(" \t\n\x0b\x0c\r")
TEXT, TAG, PROCESSING, DECLARATION, COMMENT = range(5)
# The characters each state reacts to; the others are kept (plain text) or dropped, in one slice.
SIGNIFICANT = (
    re.compile(r"[<>\0]"),
    re.compile(r"[<>\"'!?]"),
    re.compile(r"[()>\"'lL]"),
    re.compile(r"[>\"'\-eE]"),
    re.compile(r">"),
)
# A whole ordinary tag after its "<": no "<" anywhere (not even quoted: "<!" would switch state),
# quotes balanced, not "<!" or "<?". The state machine would walk it quote by quote to the same end.
SIMPLE_TAG = re.compile(r"""(?![!?])(?:[^<>"']|"[^"<]*"|'[^'<]*')*>""")


class _Stripper:
    def __init__(self, text: str) -> None:
        self.text = text
        self.output: list[str] = []
        self.state = TEXT
        self.depth = 0
        self.quote = ""
        self.last = ""  # the last significant character inside <? ... ?>
        self.brackets = 0
        self.xml = False

    def before(self, index: int, count: int = 1) -> str:
        return self.text[index - count] if index >= count else ""

    def space_after(self, index: int) -> bool:
        return index + 1 < len(self.text) and self.text[index + 1] in C_SPACE

    def toggle_quote(self, character: str) -> None:
        if not self.quote or character == self.quote:
            self.quote = "" if self.quote else character

    def run(self) -> str:
        steps = (self.in_text, self.in_tag, self.in_processing, self.in_declaration, self.in_comment)
        text, index = self.text, 0
        while index < len(text):
            found = SIGNIFICANT[self.state].search(text, index)
            end = found.start() if found else len(text)
            if self.state == TEXT:
                self.output.append(text[index:end])
            if found is None:
                break
            was_text = self.state == TEXT
            steps[self.state](end, text[end])
            index = end + 1
            if was_text and self.state == TAG and not (self.depth or self.xml or self.quote):  # past a "<"
                tag = SIMPLE_TAG.match(text, index)
                if tag is not None:
                    self.state, index = TEXT, tag.end()
        return "".join(self.output)

    def in_text(self, index: int, character: str) -> None:
        if character == "\0":
            return
        if character == "<":
            if self.space_after(index):
                self.output.append(character)
            else:
                self.state = TAG
        elif character == ">" and self.depth:
            self.depth -= 1
        else:
            self.output.append(character)

    def in_tag(self, index: int, character: str) -> None:
        if character == "<":
            if not self.quote and not self.space_after(index):
                self.depth += 1
        elif character == ">":
            if self.depth:
                self.depth -= 1
            elif not self.quote and not (self.xml and self.before(index) == "-"):
                self.state, self.quote, self.xml = TEXT, "", False
        elif character in "\"'":
            if index:
                self.toggle_quote(character)
        elif character == "!" and self.before(index) == "<":
            self.state = DECLARATION
        elif character == "?" and self.before(index) == "<":
            self.state, self.brackets = PROCESSING, 0

    def in_processing(self, index: int, character: str) -> None:
        if character in "()":
            if self.last not in "\"'" or not self.last:
                self.last = character
                self.brackets += 1 if character == "(" else -1
        elif character == ">":
            if self.depth:
                self.depth -= 1
            elif not self.quote and not self.brackets and self.last != '"' and self.before(index) == "?":
                self.state, self.quote = TEXT, ""
        elif character in "\"'":
            if index and self.before(index) != "\\":
                if self.last == character:
                    self.last = ""
                elif self.last != "\\":
                    self.last = character
            if index:
                self.toggle_quote(character)
        elif character in "lL" and index > 4 and self.text[index - 4 : index].lower() == "<?xm":
            self.state, self.xml = TAG, True

    def in_declaration(self, index: int, character: str) -> None:
        if character == ">":
            if self.depth:
                self.depth -= 1
            elif not self.quote:
                self.state = TEXT
        elif character in "\"'":
            if index and self.before(index) != "\\":
                self.toggle_quote(character)
        elif character == "-" and index >= 2 and self.text[index - 2 : index] == "!-":
            self.state = COMMENT
        elif character in "eE" and index > 6 and self.text[index - 6 : index].lower() == "doctyp":
            self.state = TAG

    def in_comment(self, index: int, character: str) -> None:
        if character == ">" and not self.quote and index >= 2 and self.text[index - 2 : index] == "--":
            self.state, self.quote = TEXT, ""


# An ordinary tag, from its "<" (not followed by a space, which keeps the "<" as text).
WHOLE_SIMPLE_TAG = re.compile(r"<(?![ \t\n\x0b\x0c\r])" + SIMPLE_TAG.pattern)
LESS_THAN_AND_SPACE = re.compile(r"<[ \t\n\x0b\x0c\r]")


def strip_tags(text: str) -> str:
    """PHP's ``strip_tags($text)`` (no allowed tags)."""
    if "<" not in text and ">" not in text and "\0" not in text:
        return text
    if "\0" not in text:
        # Markup of ordinary tags only (every "<" opens one, or is followed by a space): the state machine
        # would only drop the tags, as this does in one pass.
        stripped, tags = WHOLE_SIMPLE_TAG.subn("", text)
        if tags + len(LESS_THAN_AND_SPACE.findall(text)) == text.count("<"):
            return stripped
    return _Stripper(text).run()


CODE_ELEMENTS = ("script", "style")


def code_spans(text: str, *, with_start_tag: bool) -> Iterator[tuple[int, int]]:
    """Where ``<(script|style).*?</\\1>`` matches (``<(script|style)[^>]*?>.*?</\\1>`` with the start tag),
    case-insensitively: found with ``str.find`` (the regex would rescan the rest of the text from each
    unclosed start, which takes seconds on a comment of unclosed ``<script``\\s)."""
    lowered = ascii_lower(text)
    closable = set(CODE_ELEMENTS)
    position = 0
    while closable:
        found = [(index, name) for name in closable if (index := lowered.find("<" + name, position)) >= 0]
        if not found:
            return
        start, name = min(found)
        body = start + 1 + len(name)
        if with_start_tag:
            body = lowered.find(">", body) + 1
            if body == 0:  # no ">" is left for any start tag
                return
        close = lowered.find(f"</{name}>", body)
        if close < 0:
            closable.discard(name)  # nor for any later one of this name
            position = start + 1
            continue
        position = close + len(name) + 3
        yield start, position


def strip_all_tags(text: str) -> str:
    """``wp_strip_all_tags``: scripts and styles with their content, then every tag (PHP's ``strip_tags``)."""
    pieces: list[str] = []
    position = 0
    for start, end in code_spans(text, with_start_tag=True):
        pieces.append(text[position:start])
        position = end
    pieces.append(text[position:])
    return strip_tags("".join(pieces)).strip(PHP_TRIM)
