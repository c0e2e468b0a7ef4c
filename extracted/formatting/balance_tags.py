"""Closing what was left open: WordPress's ``force_balance_tags`` for comments and excerpts."""

from __future__ import annotations

import re

TAG = re.compile(
    r"<(/?)((?:[a-z](?:[a-z0-9._]*)-(?:[a-z0-9._-]+)+)|(?:[\w:]+))(?:\s*(/?)|(\s+)([^>]*))>",
    re.ASCII,
)
DIGIT_AFTER_LT = re.compile(r"<([0-9])")
VOID_ELEMENTS = frozenset(
    {
        "area",
        "base",
        "basefont",
        "br",
        "col",
        "command",
        "embed",
        "frame",
        "hr",
        "img",
        "input",
        "isindex",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)
# An element that may hold one of its own kind; any other, opened twice in a row, closes the first.
NESTABLE_ELEMENTS = frozenset(
    {
        "article",
        "aside",
        "blockquote",
        "details",
        "div",
        "figure",
        "object",
        "q",
        "section",
        "span",
    }
)
PHP_TRIM = " \t\n\r\0\x0b"


class _Balancer:
    def __init__(self) -> None:
        self.stack: list[str] = []

    def closing(self, name: str) -> tuple[str, str]:
        """(closings to emit before the rest, the tag itself) for an end tag."""
        if not self.stack:
            return "", ""
        if self.stack[-1] == name:
            self.stack.pop()
            return "", f"</{name}>"
        if name in self.stack:
            # Close everything opened since the matching start tag, which closes too.
            depth = len(self.stack) - 1 - self.stack[::-1].index(name)
            queue = "".join(f"</{open_name}>" for open_name in reversed(self.stack[depth:]))
            del self.stack[depth:]
            return queue, ""
        return "", ""

    def opening(self, name: str, space: str, attributes: str) -> tuple[str, str]:
        queue = ""
        void = name in VOID_ELEMENTS
        if attributes.endswith("/"):
            if not void:
                attributes = attributes[:-1].strip(PHP_TRIM) + f"></{name}"
            else:
                space = " "
        elif void:
            space, attributes = " ", attributes + "/"
        else:
            if self.stack and name not in NESTABLE_ELEMENTS and self.stack[-1] == name:
                queue = f"</{self.stack.pop()}>"
            self.stack.append(name)
        tag = f"<{name}{space}{attributes}>"
        return (queue + tag, "") if queue else ("", tag)


def force_balance_tags(text: str) -> str:
    """Close unclosed elements, drop stray end tags, make void elements self-closing."""
    text = text.replace("< !--", "<    !--")
    text = DIGIT_AFTER_LT.sub(r"&lt;\1", text)
    balancer = _Balancer()
    output: list[str] = []
    queue = ""
    position = 0
    for match in TAG.finditer(text):
        output.append(queue)
        name = match.group(2).lower()
        if match.group(1):
            queue, tag = balancer.closing(name)
        else:
            attributes = match.group(5) if match.group(5) is not None else match.group(3)
            queue, tag = balancer.opening(name, match.group(4) or "", attributes.strip(PHP_TRIM))
        output.append(text[position : match.start()] + tag)
        position = match.end()
    output.append(queue)
    output.append(text[position:])
    output.extend(f"</{name}>" for name in reversed(balancer.stack))
    return "".join(output).replace("< !--", "<!--").replace("<    !--", "< !--")
