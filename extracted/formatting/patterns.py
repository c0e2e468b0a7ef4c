"""Regex building blocks spelled for speed: Python's regex engine scans quickly for a pattern's literal
first character or prefix, but tries a pattern starting with lookbehinds or alternatives at every position.

Each helper gives the same matches (same spans) as the plain spelling named in its docstring.
"""

from __future__ import annotations

import re


def at_start_or_after(needle: str, *before: str) -> str:
    """``(?:(?<!.)|(?<=B1)|(?<=B2)...)needle``: literal ``needle`` at the start of the text or right after one
    of ``before`` (fixed-width patterns), spelled needle first with its context as lookbehinds over it.

    Needs ``re.DOTALL`` (the start is "fewer characters before the needle's end than the needle plus one")."""
    literal = re.escape(needle)
    contexts = "".join(f"|(?<={context}{literal})" for context in before)
    return f"{literal}(?:(?<!.{{{len(needle) + 1}}}){contexts})"


def prefix_tree(words: list[str]) -> str:
    """``word1|word2|...`` with common prefixes factored out (``t(?:able|head|...)``), so that the engine
    branches on a character instead of trying every word in turn.

    Alternatives are tried in another order: equivalent where any word that matches gives the same overall
    match (a delimiter, ``[^>]*>`` or a lookahead follows), or where only whether there is a match counts."""
    branches = []
    for first in dict.fromkeys(word[0] for word in words):
        rests = [word[1:] for word in words if word[0] == first]
        longer = [rest for rest in rests if rest]
        if not longer:
            branches.append(re.escape(first))
            continue
        tree = prefix_tree(longer)
        grouped = tree if len(longer) == 1 and "|" not in tree and "(" not in tree else f"(?:{tree})"
        branches.append(re.escape(first) + (f"(?:{tree})?" if "" in rests else grouped))
    return "|".join(branches)
