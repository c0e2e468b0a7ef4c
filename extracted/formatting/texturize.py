"""Smart typography: curly quotes, apostrophes, primes, dashes, ellipses and the times sign.

WordPress's ``wptexturize`` works on the text between HTML tags and shortcodes, leaves the inside of
``pre``, ``code``, ``kbd``, ``style``, ``script``, ``tt`` and ``[code]`` alone, and escapes stray ampersands.
"""

from __future__ import annotations

import re

from .shortcodes import REGISTERED_SHORTCODES

# WordPress's "spaces": whitespace, a no-break space, or its entity. A lookbehind must be fixed-width in
# Python, so "preceded by a space" is spelled as three lookbehinds.
SPACE = r"(?:[\r\n\t ]|\xa0|&nbsp;)"
AFTER_SPACE = r"(?<=[\r\n\t ])|(?<=\xa0)|(?<=&nbsp;)"
# PCRE's \Z also matches before a final newline; Python's does not.
END = r"(?=\n?\Z)"

OPENING_QUOTE = "&#8220;"
CLOSING_QUOTE = "&#8221;"
APOSTROPHE = "&#8217;"
PRIME = "&#8242;"
DOUBLE_PRIME = "&#8243;"
OPENING_SINGLE_QUOTE = "&#8216;"
CLOSING_SINGLE_QUOTE = "&#8217;"
EN_DASH = "&#8211;"
EM_DASH = "&#8212;"

# Placeholders keep decided quotes out of the way of later patterns (they look like HTML comments).
OPEN_QUOTE_FLAG = "<!--oq-->"
OPEN_SINGLE_QUOTE_FLAG = "<!--osq-->"
APOSTROPHE_FLAG = "<!--apos-->"
PRIME_OR_QUOTE_FLAG = "<!--wp-prime-or-quote-->"

NO_TEXTURIZE_TAGS = frozenset({"pre", "code", "kbd", "style", "script", "tt"})
NO_TEXTURIZE_SHORTCODES = frozenset({"code"})

_COCKNEY = ("'tain't", "'twere", "'twas", "'tis", "'twill", "'til", "'bout", "'nuff", "'round", "'cause", "'em")
LITERAL_REPLACEMENTS: tuple[tuple[str, str], ...] = (
    ("...", "&#8230;"),
    ("``", OPENING_QUOTE),
    ("''", CLOSING_QUOTE),
    (" (tm)", " &#8482;"),
    *((word, word.replace("'", APOSTROPHE)) for word in _COCKNEY),
)

_AFTER_NUMBER_END = rf"(?={END}|[.,:;!?)}}\-\]]|&gt;|{SPACE})"

APOSTROPHE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # '99' and '99" are abbreviated years at the end of a quotation.
    (re.compile(rf"'(\d\d)'{_AFTER_NUMBER_END}", re.ASCII), APOSTROPHE_FLAG + r"\1" + CLOSING_SINGLE_QUOTE),
    (re.compile(rf"'(\d\d)\"{_AFTER_NUMBER_END}", re.ASCII), APOSTROPHE_FLAG + r"\1" + CLOSING_QUOTE),
    # '99, '99s: an apostrophe; but never '9, '99%, '999 or '99.0.
    (re.compile(rf"'(?=\d\d(?:{END}|(?![%\d]|[.,]\d)))", re.ASCII), APOSTROPHE_FLAG),
    # Quoted numbers like '0.42'.
    (
        re.compile(rf"(?:(?<!.)|{AFTER_SPACE})'(\d[.,\d]*)'", re.ASCII | re.DOTALL),
        OPEN_SINGLE_QUOTE_FLAG + r"\1" + CLOSING_SINGLE_QUOTE,
    ),
    # An opening single quote at the start or after an opening bracket, a double quote, a dash or a space.
    (re.compile(rf"(?:(?<!.)|(?<=[(\[{{\"\-])|(?<=&lt;)|{AFTER_SPACE})'", re.DOTALL), OPEN_SINGLE_QUOTE_FLAG),
    # An apostrophe inside a word.
    (
        re.compile(rf"(?<![\r\n\t ])(?<!\xa0)(?<!&nbsp;)'(?!{END}|[.,:;!?\"'(){{}}\[\]\-]|&[lg]t;|{SPACE})"),
        APOSTROPHE_FLAG,
    ),
)

QUOTE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # Quoted numbers like "42".
    (
        re.compile(rf"(?:(?<!.)|{AFTER_SPACE})\"(\d[.,\d]*)\"", re.ASCII | re.DOTALL),
        OPEN_QUOTE_FLAG + r"\1" + CLOSING_QUOTE,
    ),
    # An opening double quote at the start or after an opening bracket, a dash or a space.
    (re.compile(rf"(?:(?<!.)|(?<=[(\[{{\-])|(?<=&lt;)|{AFTER_SPACE})\"(?!{SPACE})", re.DOTALL), OPEN_QUOTE_FLAG),
)

DASH_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"---"), EM_DASH),
    (re.compile(rf"(?:(?<!.)|{AFTER_SPACE})--(?=$|{SPACE})", re.DOTALL), EM_DASH),
    (re.compile(r"(?<!xn)--"), EN_DASH),
    (re.compile(rf"(?:(?<!.)|{AFTER_SPACE})-(?=$|{SPACE})", re.DOTALL), EN_DASH),
)

TIMES_CANDIDATE = re.compile(r"(?<=\d)x\d", re.ASCII)
# 9x9 becomes 9×9, but a hexadecimal 0x9999 stays.
TIMES = re.compile(r"\b((?:0[\d.,]+|[1-9][\d.,]*))x(\d[\d.,]*)\b", re.ASCII)
STRAY_AMPERSAND = re.compile(r"&(?!#(?:\d+|x[a-f0-9]+);|[a-z1-4]{1,8};)", re.IGNORECASE | re.ASCII)

_COMMENT = r"!(?:-(?!->)[^\-]*+)*+(?:-->)?"
_HTML = rf"<(?:(?=!--){_COMMENT}|(?!!--)[^>]*>?)"
_SHORTCODE = (
    r"\[[/\[]?(?:" + "|".join(map(re.escape, REGISTERED_SHORTCODES)) + r")(?=[\s\]/])"
    r"(?:[^\[\]<>]+|<[^\[\]>]*>)*+\]\]?"
)
SPLIT = re.compile(rf"({_HTML}|{_SHORTCODE})")
WHOLE_SHORTCODE = re.compile(rf"{_SHORTCODE}\Z")


def _apply(rules: tuple[tuple[re.Pattern[str], str], ...], text: str) -> str:
    for pattern, replacement in rules:
        text = pattern.sub(replacement, text)
    return text


class _PrimeRules:
    """The patterns deciding whether a quote mark (``'`` or ``"``) closes a quotation or is a prime."""

    def __init__(self, needle: str, prime: str, open_flag: str, close_quote: str) -> None:
        self.needle, self.prime, self.open_flag, self.close_quote = needle, prime, open_flag, close_quote
        self.quote_at_end = re.compile(re.escape(needle) + _AFTER_NUMBER_END)
        self.after_digit = re.compile(r"(?<=\d)" + re.escape(needle), re.ASCII)

    def apply(self, text: str) -> str:
        sentences = text.split(self.open_flag)
        for index, sentence in enumerate(sentences):
            if self.needle in sentence:
                sentences[index] = self._sentence(sentence, opened=index != 0)
        return self.open_flag.join(sentences)

    def _sentence(self, sentence: str, *, opened: bool) -> str:
        if opened and self.close_quote not in sentence:
            sentence = self._closing_unknown(sentence)
        else:
            sentence = self.quote_at_end.sub(self.close_quote, self.after_digit.sub(self.prime, sentence))
        return sentence.replace('"', self.close_quote) if self.needle == '"' else sentence

    def _closing_unknown(self, sentence: str) -> str:
        """An opened quotation not yet closed: find its closing mark among the candidates."""
        sentence, candidates = self.quote_at_end.subn(PRIME_OR_QUOTE_FLAG, sentence)
        if candidates > 1:
            sentence = _resolve_several_closings(sentence, self.close_quote)
            sentence = self.after_digit.sub(self.prime, sentence)
            sentence = FLAG_AFTER_DIGIT.sub(self.prime, sentence)
            return sentence.replace(PRIME_OR_QUOTE_FLAG, self.close_quote)
        if candidates == 1:
            sentence = sentence.replace(PRIME_OR_QUOTE_FLAG, self.close_quote)
        return self.after_digit.sub(self.prime, sentence)


FLAG_AFTER_DIGIT = re.compile(r"(?<=\d)" + PRIME_OR_QUOTE_FLAG, re.ASCII)
FLAG_NOT_AFTER_DIGIT = re.compile(r"(?<!\d)" + PRIME_OR_QUOTE_FLAG, re.ASCII)
SINGLE_PRIMES = _PrimeRules("'", PRIME, OPEN_SINGLE_QUOTE_FLAG, CLOSING_SINGLE_QUOTE)
DOUBLE_PRIMES = _PrimeRules('"', DOUBLE_PRIME, OPEN_QUOTE_FLAG, CLOSING_QUOTE)


def _resolve_several_closings(sentence: str, close_quote: str) -> str:
    sentence, closed = FLAG_NOT_AFTER_DIGIT.subn(close_quote, sentence)
    if closed:
        return sentence
    # Every candidate follows a digit: the rightmost one before a period, else the rightmost one, closes.
    position = sentence.rfind(PRIME_OR_QUOTE_FLAG + ".")
    if position < 0:
        position = sentence.rfind(PRIME_OR_QUOTE_FLAG)
    return sentence[:position] + close_quote + sentence[position + len(PRIME_OR_QUOTE_FLAG) :]


def texturize_text(text: str) -> str:
    """Texturize a run of plain text (no tags, no shortcodes)."""
    for literal, replacement in LITERAL_REPLACEMENTS:
        if literal in text:
            text = text.replace(literal, replacement)
    if "'" in text:
        text = _apply(APOSTROPHE_RULES, text)
        text = SINGLE_PRIMES.apply(text)
        text = text.replace(APOSTROPHE_FLAG, APOSTROPHE).replace(OPEN_SINGLE_QUOTE_FLAG, OPENING_SINGLE_QUOTE)
    if '"' in text:
        text = _apply(QUOTE_RULES, text)
        text = DOUBLE_PRIMES.apply(text)
        text = text.replace(OPEN_QUOTE_FLAG, OPENING_QUOTE)
    if "-" in text:
        text = _apply(DASH_RULES, text)
    if TIMES_CANDIDATE.search(text):
        text = TIMES.sub(r"\1&#215;\2", text)
    return STRAY_AMPERSAND.sub("&#038;", text)


def _element_name(delimiter: str) -> tuple[str, bool]:
    """The name of a tag or shortcode delimiter as WordPress reads it, and whether it opens."""
    opening = len(delimiter) > 1 and delimiter[1] != "/"
    offset = 1 if opening else 2
    space = delimiter.find(" ")
    name = delimiter[offset:space] if space >= 0 else delimiter[offset:-1]
    return name, opening


def _push_or_pop(delimiter: str, stack: list[str], disabled: frozenset[str]) -> None:
    name, opening = _element_name(delimiter)
    if not opening and not stack:
        return
    if name in disabled:
        if opening:
            stack.append(name)
        elif stack[-1] == name:
            stack.pop()


def wptexturize(text: str) -> str:
    """WordPress's ``wptexturize``: typographic replacements outside tags, shortcodes and code."""
    if not text:
        return text
    tag_stack: list[str] = []
    shortcode_stack: list[str] = []
    parts = [part for part in SPLIT.split(text) if part]
    for index, part in enumerate(parts):
        first = part[0]
        if first == "<":
            if part.startswith("<!--"):
                continue
            parts[index] = STRAY_AMPERSAND.sub("&#038;", part)
            _push_or_pop(parts[index], tag_stack, NO_TEXTURIZE_TAGS)
        elif not part.strip(" \t\n\r\0\x0b"):
            continue
        elif first == "[" and WHOLE_SHORTCODE.match(part):
            if not part.startswith("[[") and not part.endswith("]]"):
                _push_or_pop(part, shortcode_stack, NO_TEXTURIZE_SHORTCODES)
        elif not tag_stack and not shortcode_stack:
            parts[index] = texturize_text(part)
    return "".join(parts)
