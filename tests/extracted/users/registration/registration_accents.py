"""``remove_accents`` as the installed WordPress answers it, for every code point: the table's source.

``extracted/users/registration/accents.json`` is written from this (``python -m`` with the repository on
the path: ``.venv/bin/python tests/extracted/users/registration/registration_accents.py``); the tests
compare the Python ``remove_accents`` with WordPress's over the code points, so a table that drifted
from the installed WordPress fails them.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from registration_harness import OfflineWordPress, RuleEvaluator

TABLE = Path(__file__).resolve().parents[4] / "extracted" / "users" / "registration" / "accents.json"
BOOT_OPTIONS = {"siteurl": "http://example.test", "home": "http://example.test", "blogname": "Accents"}
#: the locales whose own replacements WordPress adds (every locale starting with "de" shares de_DE's)
LOCALE_PROBES = {"de": "de_DE", "da_DK": "da_DK", "sr_RS": "sr_RS", "bs_BA": "bs_BA"}
CHUNK = 100_000


def all_characters() -> list[str]:
    return [chr(c) for c in range(0x80, 0x110000) if not 0xD800 <= c <= 0xDFFF]


def wordpress_remove_accents(evaluator: RuleEvaluator, texts: Sequence[str], locale: str) -> list[str]:
    answers: list[str] = []
    for start in range(0, len(texts), CHUNK):
        request = {"fn": "remove_accents", "text": list(texts[start : start + CHUNK]), "locale": locale}
        answers.extend(evaluator.evaluate([request])[0])
    return answers


def table(evaluator: RuleEvaluator) -> dict[str, object]:
    # Keys are the characters NFC leaves alone: WordPress normalizes a string to NFC before replacing.
    stable = [c for c in all_characters() if unicodedata.normalize("NFC", c) == c]
    base_answers = wordpress_remove_accents(evaluator, stable, "en_US")
    base = {c: r for c, r in zip(stable, base_answers, strict=True) if r != c}
    locales: dict[str, dict[str, str]] = {}
    for name, probe in LOCALE_PROBES.items():
        answers = wordpress_remove_accents(evaluator, stable, probe)
        locales[name] = {c: r for c, r, b in zip(stable, answers, base_answers, strict=True) if r != b}
    return {"source": "remove_accents() of WordPress 6.1.9, per code point (NFC-stable)", "base": base,
            "locales": locales}  # fmt: skip


def main() -> int:
    with OfflineWordPress() as wordpress, RuleEvaluator(wordpress.docroot, boot_options=BOOT_OPTIONS) as evaluator:
        document = table(evaluator)
    TABLE.write_text(json.dumps(document, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {TABLE}: {len(document['base'])} base replacements")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    sys.exit(main())
