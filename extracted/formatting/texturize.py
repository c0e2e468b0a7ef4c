"""Smart typography: curly quotes, apostrophes, primes, dashes, ellipses and the times sign.

WordPress's ``wptexturize`` works on the text between HTML tags and shortcodes, leaves the inside of
``pre``, ``code``, ``kbd``, ``style``, ``script``, ``tt`` and ``[code]`` alone, and escapes stray ampersands.
"""

from __future__ import annotations

import re

from .patterns import at_start_or_after
from .shortcodes import REGISTERED_SHORTCODES

# WordPress's "spaces": whitespace, a no-break space, or its entity. A lookbehind must be fixed-width in
# Python, so "preceded by a space" is spelled with one lookbehind for each of SPACES.
SPACES = (r"[\r\n\t ]", "\xa0", "&nbsp;")
SPACE = f"(?:{'|'.join(SPACES)})"
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
# The same in two groups, so that text without an apostrophe looks for the second group only.
_LITERALS_WITH_APOSTROPHE = tuple((literal, new) for literal, new in LITERAL_REPLACEMENTS if "'" in literal)
_LITERALS_WITHOUT_APOSTROPHE = tuple((literal, new) for literal, new in LITERAL_REPLACEMENTS if "'" not in literal)

_AFTER_NUMBER_END = rf"(?={END}|[.,:;!?)}}\-\]]|&gt;|{SPACE})"
# Quotes and dashes that only count at the start of the text or after some characters (see patterns).
_QUOTE_AT_START = at_start_or_after("'", *SPACES)
_QUOTE_OPENS = at_start_or_after("'", r"[(\[{\"\-]", "&lt;", *SPACES)
_DOUBLE_AT_START = at_start_or_after('"', *SPACES)
_DOUBLE_OPENS = at_start_or_after('"', r"[(\[{\-]", "&lt;", *SPACES)
_DASHES_ALONE = at_start_or_after("--", *SPACES)
_DASH_ALONE = at_start_or_after("-", *SPACES)

APOSTROPHE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # '99' and '99" are abbreviated years at the end of a quotation.
    (re.compile(rf"'(\d\d)'{_AFTER_NUMBER_END}", re.ASCII), APOSTROPHE_FLAG + r"\1" + CLOSING_SINGLE_QUOTE),
    (re.compile(rf"'(\d\d)\"{_AFTER_NUMBER_END}", re.ASCII), APOSTROPHE_FLAG + r"\1" + CLOSING_QUOTE),
    # '99, '99s: an apostrophe; but never '9, '99%, '999 or '99.0.
    (re.compile(rf"'(?=\d\d(?:{END}|(?![%\d]|[.,]\d)))", re.ASCII), APOSTROPHE_FLAG),
    # Quoted numbers like '0.42'.
    (
        re.compile(rf"{_QUOTE_AT_START}(\d[.,\d]*)'", re.ASCII | re.DOTALL),
        OPEN_SINGLE_QUOTE_FLAG + r"\1" + CLOSING_SINGLE_QUOTE,
    ),
    # An opening single quote at the start or after an opening bracket, a double quote, a dash or a space.
    (re.compile(_QUOTE_OPENS, re.DOTALL), OPEN_SINGLE_QUOTE_FLAG),
    # An apostrophe inside a word.
    (
        re.compile(rf"'(?<![\r\n\t ]')(?<!\xa0')(?<!&nbsp;')(?!{END}|[.,:;!?\"'(){{}}\[\]\-]|&[lg]t;|{SPACE})"),
        APOSTROPHE_FLAG,
    ),
)

QUOTE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # Quoted numbers like "42".
    (
        re.compile(rf"{_DOUBLE_AT_START}(\d[.,\d]*)\"", re.ASCII | re.DOTALL),
        OPEN_QUOTE_FLAG + r"\1" + CLOSING_QUOTE,
    ),
    # An opening double quote at the start or after an opening bracket, a dash or a space.
    (re.compile(rf"{_DOUBLE_OPENS}(?!{SPACE})", re.DOTALL), OPEN_QUOTE_FLAG),
)

DASH_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"---"), EM_DASH),
    (re.compile(rf"{_DASHES_ALONE}(?=$|{SPACE})", re.DOTALL), EM_DASH),
    (re.compile(r"--(?<!xn--)"), EN_DASH),
    (re.compile(rf"{_DASH_ALONE}(?=$|{SPACE})", re.DOTALL), EN_DASH),
)

TIMES_CANDIDATE = re.compile(r"x(?<=\dx)\d", re.ASCII)
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
        self.after_digit = re.compile(f"{re.escape(needle)}(?<=\\d{re.escape(needle)})", re.ASCII)

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


FLAG_AFTER_DIGIT = re.compile(f"{PRIME_OR_QUOTE_FLAG}(?<=\\d{PRIME_OR_QUOTE_FLAG})", re.ASCII)
FLAG_NOT_AFTER_DIGIT = re.compile(f"{PRIME_OR_QUOTE_FLAG}(?<!\\d{PRIME_OR_QUOTE_FLAG})", re.ASCII)
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
    # The replacements are applied in order, but none creates or breaks another's literal, so the ones with
    # an apostrophe can go first (none of the others has or makes one).
    if "'" in text:
        for literal, replacement in _LITERALS_WITH_APOSTROPHE:
            if literal in text:
                text = text.replace(literal, replacement)
    for literal, replacement in _LITERALS_WITHOUT_APOSTROPHE:
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
    return STRAY_AMPERSAND.sub("&#038;", text) if "&" in text else text


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


# Tags that may open a no-texturize element start like these (the others cannot change the stack).
_NO_TEXTURIZE_OPENINGS = tuple(f"<{name}" for name in NO_TEXTURIZE_TAGS)
# Every change texturize_text makes needs one of these: a quote, a dash, "&", "...", "(tm)" or "9x9". Each
# alternative starts with a literal character, which lets the regex engine scan for the set of them.
MAY_TEXTURIZE = re.compile(
    "|".join(["`", "'", '"', "-", "&", r"\.\.\.", r"\(tm\)", *(f"{digit}x\\d" for digit in range(10))]), re.ASCII
)


def _escaped_tag(delimiter: str) -> str:
    """A tag's stray ampersands escaped (comments and shortcodes stay as they are)."""
    if "&" in delimiter and delimiter[0] == "<" and not delimiter.startswith("<!--"):
        return STRAY_AMPERSAND.sub("&#038;", delimiter)
    return delimiter


def wptexturize(text: str) -> str:
    """WordPress's ``wptexturize``: typographic replacements outside tags, shortcodes and code."""
    if not text:
        return text
    # Text and delimiters alternate: even indexes are text (never a tag: every "<" starts one; never a
    # shortcode), odd ones a tag, comment or registered shortcode.
    parts = SPLIT.split(text)
    if not any(opening in text for opening in _NO_TEXTURIZE_OPENINGS):
        # No element can stop texturizing, and no shortcode can: "code" is not a registered one.
        parts[0::2] = [texturize_text(part) if MAY_TEXTURIZE.search(part) else part for part in parts[0::2]]
        parts[1::2] = [_escaped_tag(part) for part in parts[1::2]]
        return "".join(parts)
    tag_stack: list[str] = []
    shortcode_stack: list[str] = []
    for index, part in enumerate(parts):
        if index % 2 == 0:
            if not tag_stack and not shortcode_stack and MAY_TEXTURIZE.search(part):
                parts[index] = texturize_text(part)
        elif part[0] == "<":
            if part.startswith("<!--"):
                continue
            tag = parts[index] = _escaped_tag(part)
            if tag_stack or tag.startswith(_NO_TEXTURIZE_OPENINGS):
                _push_or_pop(tag, tag_stack, NO_TEXTURIZE_TAGS)
        elif WHOLE_SHORTCODE.match(part) and not part.startswith("[[") and not part.endswith("]]"):
            _push_or_pop(part, shortcode_stack, NO_TEXTURIZE_SHORTCODES)
    return "".join(parts)
