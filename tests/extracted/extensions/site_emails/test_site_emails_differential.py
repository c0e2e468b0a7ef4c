"""The comment notices against WordPress 6.1's own, captured from its PHP: the same mails to the same
addresses, with the same subject, body, From, Reply-To and content type (PHPMailer's Date, Message-ID
and X-Mailer excepted)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from cases import CASES, Case
from wordpress_notices import WordPressNotices

from extracted.extensions.site_emails.notices import (
    gethostbyaddr,
    moderation_notice,
    post_author_notice,
    should_notify_moderator,
    should_notify_post_author,
)
from extracted.runtime.mail import Mail

VARYING = ("Date:", "Message-ID:", "X-Mailer:")


def comparable(raw: bytes) -> tuple[list[str], str]:
    head, _, body = raw.replace(b"\r\n", b"\n").decode().partition("\n\n")
    return [line for line in head.split("\n") if not line.startswith(VARYING)], body.rstrip("\n")


def ours(case: Case) -> list[Mail]:
    facts = case.facts()
    mails = moderation_notice(facts, gethostbyaddr) if should_notify_moderator(facts) else []
    return mails + (post_author_notice(facts, gethostbyaddr) if should_notify_post_author(facts) else [])


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_notices_are_wordpress_s(case: Case, wordpress_notices: WordPressNotices) -> None:
    theirs = [comparable(raw) for raw in wordpress_notices.mails(case.php())]
    assert [comparable(mail.raw) for mail in ours(case)] == theirs


def test_without_trash_the_link_deletes() -> None:
    case = CASES[0]
    deleting = replace(case, site=replace(case.site, empty_trash_days=0))
    approved = replace(CASES[1], site=replace(CASES[1].site, empty_trash_days=0))
    with WordPressNotices(empty_trash_days=0) as wordpress:
        for each in (deleting, approved):
            theirs = [comparable(raw) for raw in wordpress.mails(each.php())]
            assert [comparable(mail.raw) for mail in ours(each)] == theirs
            assert any("Delete it: " in body for _, body in theirs)
