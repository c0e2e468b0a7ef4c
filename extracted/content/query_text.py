"""Text handling of WP_Query: search terms (quotes, stopwords, exclusions), LIKE patterns, slugs."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

STOPWORDS = frozenset(
    [
        "about",
        "an",
        "are",
        "as",
        "at",
        "be",
        "by",
        "com",
        "for",
        "from",
        "how",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "what",
        "when",
        "where",
        "who",
        "will",
        "with",
        "www",
    ]
)
TERMS = re.compile(r'".*?("|$)|((?<=[\t ",+])|^)[^\t ",+]+')


def search_terms(text: str) -> tuple[list[str], int]:
    """``WP_Query::parse_search`` terms and the raw term count (before dropping stopwords)."""
    found = [m.group(0) for m in TERMS.finditer(text)]
    if not found:
        return [text], 1
    checked: list[str] = []
    for raw in found:
        term = raw.strip("\"'") if re.fullmatch(r'".+"', raw, re.DOTALL) else raw.strip("\"' ")
        if not term or (len(term) == 1 and re.fullmatch(r"[a-z\-]", term, re.IGNORECASE)):
            continue
        if term.lower() in STOPWORDS:
            continue
        checked.append(term)
    if not checked or len(checked) > 9:
        return [text], len(found)
    return checked, len(found)


def like_pattern(term: str) -> str:
    """``'%' . $wpdb->esc_like($term) . '%'`` with ``\\`` as the escape character."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def slug_for_query(text: str) -> str:
    """``sanitize_title_for_query``: lowercase, tags and entities out, non-ASCII percent-encoded."""
    text = re.sub(r"<[^>]*>", "", text)
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"%([a-fA-F0-9][a-fA-F0-9])", r"---\1---", text)
    text = text.replace("%", "")
    text = re.sub(r"---([a-fA-F0-9][a-fA-F0-9])---", r"%\1", text)
    encoded = "".join(quote(ch).lower() if ord(ch) > 127 else ch for ch in text)
    encoded = encoded.lower()
    encoded = re.sub(r"&.+?;", "", encoded)
    encoded = encoded.replace(".", "-")
    encoded = re.sub(r"[^%a-z0-9 _-]", "", encoded)
    encoded = re.sub(r"\s+", "-", encoded)
    encoded = re.sub(r"-+", "-", encoded)
    return encoded.strip("-")
