"""The fast spellings of the renderer's regexes and shortcuts match what their plain spellings match.

The PHP differential tests prove the output; these pin each speed-up to its slow, obvious equivalent on
inputs dense in what the pattern is about (no PHP needed).
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from extracted.formatting.autop import BLOCK, BLOCK_ELEMENTS, NEWLINE_TO_BR
from extracted.formatting.dynamic_blocks import RENDERED_BLOCKS, dynamic_renderers
from extracted.formatting.embed import HAS_URL
from extracted.formatting.patterns import at_start_or_after
from extracted.formatting.smilies import SMILEY, SMILEY_CANDIDATE, SMILIES, TAG
from extracted.formatting.strip_tags import _Stripper, strip_tags
from extracted.formatting.texturize import MAY_TEXTURIZE, SPACE, texturize_text
from extracted.formatting.types import PostContext, RenderState, SiteData, SiteOptions

EXAMPLES = settings(max_examples=200, deadline=None, database=None)


def _text(*atoms: str) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(atoms), max_size=16).map("".join)


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [match.span() for match in pattern.finditer(text)]


PLAIN_BLOCK = "(?:" + "|".join(BLOCK_ELEMENTS) + ")"
BLOCK_TEXT = _text(*(f"<{name}" for name in BLOCK_ELEMENTS), "</", "<", ">", " ", "/", "x", "re", "head", "group")


@EXAMPLES
@given(BLOCK_TEXT)
def test_block_prefix_tree_matches_the_plain_alternation(text: str) -> None:
    for suffix in (r"[\s/>]", "[^>]*>", ">"):
        assert _spans(re.compile(f"</?{BLOCK}{suffix}"), text) == _spans(re.compile(f"</?{PLAIN_BLOCK}{suffix}"), text)


CONTEXT_TEXT = _text("'", '"', "-", "--", " ", "\n", "\xa0", "&nbsp;", "&lt;", "(", "x", "1", "\r")


@EXAMPLES
@given(CONTEXT_TEXT)
def test_needle_first_spelling_matches_lookbehinds_first(text: str) -> None:
    for needle in ("'", "--"):
        before = (r"[\r\n\t ]", "\xa0", "&nbsp;", "&lt;")
        plain = re.compile("(?:(?<!.)|" + "|".join(f"(?<={b})" for b in before) + ")" + re.escape(needle), re.DOTALL)
        fast = re.compile(at_start_or_after(needle, *before), re.DOTALL)
        assert _spans(fast, text) == _spans(plain, text)


@EXAMPLES
@given(_text("<br />", "<br", " ", "\n", "\t", "\r", "a", ">", "\x0b", "\x0c"))
def test_newline_to_br_matches_its_plain_spelling(text: str) -> None:
    assert NEWLINE_TO_BR.sub("<br />\n", text) == re.sub(r"(?<!<br />)\s*\n", "<br />\n", text, flags=re.ASCII)


@EXAMPLES
@given(_text("http", "HTTPS", "s", "://", "h", " ", "\n", ">", "<", "a", "\x0b"))
def test_url_candidate_matches_its_plain_spelling(text: str) -> None:
    plain = re.compile(r"(^|\s|>)https?://", re.IGNORECASE | re.ASCII)
    assert bool(HAS_URL.search(text)) == bool(plain.search(text))


SMILEY_TEXT = _text(*SMILIES, ":", "8", "-", ")", " ", "\n", "\xa0", "&nbsp;", "<b>", "x", "\t")


@EXAMPLES
@given(SMILEY_TEXT)
def test_smiley_pattern_matches_its_plain_spelling(text: str) -> None:
    before = r"(?:^|(?<=[\r\n\t ])|(?<=\xa0)|(?<=&nbsp;))"
    alternatives = "|".join(map(re.escape, sorted(SMILIES, reverse=True)))
    plain = re.compile(f"{before}(?:{alternatives})(?=$|{SPACE})", re.MULTILINE)
    for piece in TAG.split(text):
        assert _spans(SMILEY, piece) == _spans(plain, piece)
        if SMILEY.search(piece):  # what may match in a piece is found in the whole text
            assert SMILEY_CANDIDATE.search(text)


@settings(max_examples=1000, deadline=None, database=None)
@given(
    _text("<", ">", "<b>", "</b>", "<a href='x>y'>", '"', "'", "!", "?", "<!--", "-->", "< b", "<\n", "a", "\0", " ")
)
def test_strip_tags_shortcut_matches_the_state_machine(text: str) -> None:
    assert strip_tags(text) == _Stripper(text).run()


@EXAMPLES
@given(_text("x", "2", "9", ".", "..", "(", "tm", ")", " ", "'", '"', "-", "&", "`", "a", "\n", "&amp;"))
def test_texturize_changes_no_text_without_a_candidate(text: str) -> None:
    if not MAY_TEXTURIZE.search(text):
        assert texturize_text(text) == text


def test_dynamic_renderers_are_among_the_rendered_blocks() -> None:
    # The renderers are made lazily, only for a block of RENDERED_BLOCKS (render.block_renderer).
    made = dynamic_renderers(SiteOptions(), PostContext(), SiteData(), RenderState(), lambda post, length: "")
    assert set(made) <= RENDERED_BLOCKS
