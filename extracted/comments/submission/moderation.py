"""Whether WordPress 6.1 approves a visitor's comment: ``check_comment`` and ``wp_check_comment_disallowed_list``.

Both read the comment's fields as ``wp_allow_comment`` has them: filtered and still slashed (a name
``O'Brien`` is ``O\\'Brien`` here, which a moderation word ``O'Brien`` does not match: WordPress's own
behaviour). ``check_comment`` matches the moderation words against the comment *as displayed* (the
``comment_text`` filters: links made clickable, paragraphs…) and counts its links there; the disallowed
words are matched against the content as stored and without its tags. A word matches anywhere, ASCII
letters in any case (PCRE's ``/i`` without ``u``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from extracted.formatting.comment import comment_text
from extracted.formatting.php import loose_equals, php_empty, php_trim, stripslashes
from extracted.formatting.strip_tags import strip_all_tags
from extracted.formatting.types import SiteOptions

__all__ = ["ApprovalLookup", "CheckedFields", "check_comment", "in_disallowed_list", "link_count"]

_NOT_UTF8 = re.compile(r"[\ud800-\udfff]")
_LINK = re.compile(r"<a [^>]*href", re.IGNORECASE | re.ASCII)
_NUMERIC = re.compile(r"[ \t\n\r\x0b\x0c]*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[ \t\n\r\x0b\x0c]*")


@dataclass(frozen=True)
class CheckedFields:
    """The comment's fields as the checks read them (slashed, filtered)."""

    author: str
    email: str
    url: str
    content: str
    ip: str
    agent: str


@dataclass(frozen=True)
class ApprovalLookup:
    """The store's answers ``check_comment`` asks for (see ``rules.SubmissionView``)."""

    user_id_by_email: Callable[[str], int | None]
    approved_by_user: Callable[[int], bool]
    approved_by_author: Callable[[str, str], bool]


def _words(keys: str) -> list[str]:
    """The non-empty lines of a word list (``"0"`` is empty to PHP, and skipped)."""
    return [word for word in (php_trim(line) for line in keys.split("\n")) if not php_empty(word)]


def _pattern(word: str) -> re.Pattern[str]:
    return re.compile(re.escape(word), re.IGNORECASE | re.ASCII)


def link_count(displayed: str) -> int:
    return len(_LINK.findall(displayed))


def _at_least(count: int, option: str) -> bool:
    """PHP 8's ``$count >= $option`` (a number against an option string)."""
    if _NUMERIC.fullmatch(option):
        return count >= float(option)
    return str(count) >= option


def check_comment(
    fields: CheckedFields,
    *,
    moderation: str,
    max_links: str,
    moderation_keys: str,
    previously_approved: str,
    site: SiteOptions,
    lookup: ApprovalLookup,
) -> bool:
    """``check_comment``: True when the comment may be approved at once."""
    if loose_equals(moderation, "1"):
        return False
    # Bytes that are not UTF-8 (WordPress filters bytes) stand as U+FFFD for the displaying library
    displayed = comment_text(_NOT_UTF8.sub("\ufffd", fields.content), site=site)
    if not php_empty(max_links) and _at_least(link_count(displayed), max_links):
        return False
    keys = php_trim(moderation_keys)
    for word in _words(keys):
        pattern = _pattern(word)
        for field in (fields.author, fields.email, fields.url, displayed, fields.ip, fields.agent):
            if pattern.search(field):
                return False
    if loose_equals(previously_approved, "1"):
        if fields.author == "" or fields.email == "":
            return False
        user_id = lookup.user_id_by_email(php_trim(stripslashes(fields.email)))
        if user_id:
            approved = lookup.approved_by_user(user_id)
        else:
            approved = lookup.approved_by_author(fields.author, fields.email)
        return approved and (php_empty(keys) or keys not in fields.email)
    return True


def in_disallowed_list(fields: CheckedFields, *, disallowed_keys: str) -> bool:
    """``wp_check_comment_disallowed_list``: a disallowed word is in one of the fields."""
    keys = php_trim(disallowed_keys)
    if keys == "":
        return False
    without_html = strip_all_tags(fields.content)
    for word in _words(keys):
        pattern = _pattern(word)
        for field in (fields.author, fields.email, fields.url, fields.content, without_html, fields.ip, fields.agent):
            if pattern.search(field):
                return True
    return False
