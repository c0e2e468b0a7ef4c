"""WordPress's ``remove_accents``: accented Latin letters (and a few symbols) to plain ASCII.

The replacements are data (``accents.json``, one entry per character, read from the installed
WordPress 6.1.9 by ``tests/extracted/users/registration/registration_accents.py``). WordPress first
normalizes the text to NFC, and adds its own replacements for some site languages: German locales
(``de…``) spell ``ä`` as ``ae``, ``da_DK`` ``å`` as ``aa``, ``sr_RS``/``bs_BA`` ``đ`` as ``dj``, and
Catalan (``ca``) writes ``l·l`` as ``ll``.
"""

from __future__ import annotations

import json
import unicodedata
from functools import cache
from pathlib import Path

TABLE_FILE = Path(__file__).with_name("accents.json")


@cache
def _document() -> dict[str, dict[str, object]]:
    document: dict[str, dict[str, object]] = json.loads(TABLE_FILE.read_text(encoding="utf-8"))
    return document


def _locale_group(locale: str) -> str | None:
    if locale.startswith("de"):
        return "de"
    return locale if locale in ("da_DK", "sr_RS", "bs_BA") else None


@cache
def _translation(group: str | None) -> dict[int, str]:
    document = _document()
    replacements = {str(k): str(v) for k, v in document["base"].items()}
    if group is not None:
        locale_table = document["locales"][group]
        assert isinstance(locale_table, dict)
        replacements.update({str(k): str(v) for k, v in locale_table.items()})
    return {ord(character): replacement for character, replacement in replacements.items()}


def remove_accents(text: str, locale: str) -> str:
    """``remove_accents($text, $locale)`` (``locale`` is the site's, ``get_locale()``)."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFC", text)
    if locale == "ca":
        text = text.replace("l·l", "ll")
    return text.translate(_translation(_locale_group(locale)))
