"""``remove_accents``, ours (``accents.json``) against the installed WordPress's, code point by code point.

Every code point for an English site (WordPress normalizes to NFC first, so the characters NFC changes
are compared too), the Latin ranges for each language WordPress treats apart, and strings whose
composition or Catalan ``l·l`` matter.
"""

from __future__ import annotations

import pytest
from registration_accents import all_characters, wordpress_remove_accents
from registration_harness import RuleEvaluator

from extracted.formatting.accents import remove_accents

pytestmark = pytest.mark.php

LATIN = [chr(c) for c in [*range(0x80, 0x250), *range(0x1E00, 0x1F00), 0x20AC, 0x212B]]
STRINGS = ["A\u0300", "e\u0301\u0301", "col·legi", "l·l·l", "L·L", "Ä\u0308", "Å", "ﬁ", "ǅ", "ß", "ẞ", "£5"]


def differences(evaluator: RuleEvaluator, texts: list[str], locale: str) -> list[tuple[str, str, str]]:
    theirs = wordpress_remove_accents(evaluator, texts, locale)
    return [
        (t, remove_accents(t, locale), w) for t, w in zip(texts, theirs, strict=True) if remove_accents(t, locale) != w
    ]


def test_every_code_point_on_an_english_site(offline_rules: RuleEvaluator) -> None:
    assert differences(offline_rules, all_characters(), "en_US") == []


@pytest.mark.parametrize("locale", ["de_DE", "de_CH_informal", "da_DK", "ca", "sr_RS", "bs_BA", "fr_FR"])
def test_latin_letters_in_the_languages_treated_apart(offline_rules: RuleEvaluator, locale: str) -> None:
    assert differences(offline_rules, LATIN + STRINGS, locale) == []
