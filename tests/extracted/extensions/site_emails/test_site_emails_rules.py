"""The notices' rules, pure: when they are sent, to whom, the links, the reverse lookup, the kit's
header encoding."""

from __future__ import annotations

from dataclasses import replace

from cases import CASES

from extracted.extensions.site_emails.facts import CommentFacts, PostFacts, SiteFacts, UserFacts
from extracted.extensions.site_emails.notices import (
    can_edit_comment_on,
    can_read,
    comment_link,
    gethostbyaddr,
    moderation_notice,
    post_author_notice,
    should_notify_moderator,
    should_notify_post_author,
)
from extracted.runtime.mail import encode_header, specialchars_decode, wp_mail

BASE = CASES[0].facts()


def test_which_notice_follows_the_status_and_the_options() -> None:
    held, approved = BASE, replace(BASE, comment=replace(BASE.comment, status="approved"))
    assert should_notify_moderator(held) and not should_notify_post_author(held)
    assert should_notify_post_author(approved) and not should_notify_moderator(approved)
    for status in ("spam", "trash"):
        other = replace(BASE, comment=replace(BASE.comment, status=status))
        assert not should_notify_moderator(other) and not should_notify_post_author(other)
    off = replace(held, site=replace(held.site, moderation_notify=False))
    assert not should_notify_moderator(off) and moderation_notice(off) == []


def test_capabilities_are_the_default_roles() -> None:
    published, draft = PostFacts(1, "t", 2), PostFacts(1, "t", 2, status="draft")
    page = PostFacts(1, "t", 2, type="page")
    for roles, on_published, on_draft, on_page in [
        (("administrator",), True, True, True), (("editor",), True, True, True), (("author",), True, True, False),
        (("contributor",), False, True, False), (("subscriber",), False, False, False), ((), False, False, False),
    ]:  # fmt: skip
        user = UserFacts(2, "a@b.test", roles)
        assert (can_edit_comment_on(user, published), can_edit_comment_on(user, draft),
                can_edit_comment_on(user, page)) == (on_published, on_draft, on_page), roles  # fmt: skip
        assert can_read(user) is bool(roles)
    assert can_edit_comment_on(UserFacts(2, "a@b.test", ("contributor",)), None)


def test_recipients() -> None:
    same = replace(BASE, author=UserFacts(2, "ADMIN@site.test", ("editor",)))
    assert [mail.to for mail in moderation_notice(same, str)] == ["admin@site.test"]
    assert [mail.to for mail in moderation_notice(BASE, str)] == ["admin@site.test", "ann@site.test"]
    approved = replace(BASE, comment=replace(BASE.comment, status="approved"))
    assert [mail.to for mail in post_author_notice(approved, str)] == ["ann@site.test"]
    assert post_author_notice(replace(approved, acting_user_id=2), str) == []
    assert post_author_notice(replace(approved, comment=replace(approved.comment, user_id=2)), str) == []
    assert post_author_notice(replace(approved, post=None), str) == []


def test_the_lookup_is_injected_and_only_for_addresses() -> None:
    looked: list[str] = []

    def resolve(address: str) -> str:
        looked.append(address)
        return "host.example"

    for address, expected in [("192.0.2.7", "host.example"), ("2001:db8::1", "host.example"), ("", ""), ("x", "")]:
        body = moderation_notice(replace(BASE, comment=replace(BASE.comment, author_ip=address)), resolve)[0].body
        assert f"(IP address: {address}, {expected})" in body
    assert looked == ["192.0.2.7", "2001:db8::1"]
    assert gethostbyaddr("not an address") == "" and gethostbyaddr("127.0.0.1")


def test_comment_links_follow_the_permalink_structure_and_pages() -> None:
    site = SiteFacts("S", "a@s.test", "http://s.test", "http://s.test", permalink_structure="/%postname%/")
    facts = replace(BASE, site=site, post=PostFacts(5, "t", 2, link="http://s.test/p/"))
    assert comment_link(facts) == "http://s.test/p/#comment-9"
    paged = replace(facts, site=replace(site, page_comments=True), comment_page=2)
    assert comment_link(paged) == "http://s.test/p/comment-page-2/#comment-9"
    plain = replace(
        paged, site=replace(paged.site, permalink_structure=""), post=PostFacts(5, "t", 2, link="http://s.test/?p=5")
    )
    assert comment_link(plain) == "http://s.test/?p=5&cpage=2#comment-9"
    oldest = replace(paged, site=replace(paged.site, default_comments_page="oldest"), comment_page=1)
    assert comment_link(oldest) == "http://s.test/p/#comment-9"


def test_the_kit_s_mail_pieces() -> None:
    assert specialchars_decode("&#039;&quot;&amp;", quotes=False) == "&#039;&quot;&"
    assert specialchars_decode("&#039;&quot;&amp;") == "'\"&"
    assert encode_header("Ann", "phrase") == "Ann" and encode_header("J. Doe", "phrase") == '"J. Doe"'
    assert encode_header('"a@b.test"', "phrase") == '"\\"a@b.test\\""'
    assert encode_header("x" * 47) == "x" * 47 and encode_header("x" * 48).startswith("=?us-ascii?Q?")
    assert wp_mail("bad", "s", "b", "", home="http://s.test") is None
    assert wp_mail("a@s.test", "s", "b", "", home="http://localhost") is None
    mail = wp_mail("a@s.test", "s", "b", 'From: "N" <n@s.test>\nReply-To: r@s.test\n', home="http://s.test")
    assert mail is not None and b"From: N <n@s.test>\r\nReply-To: r@s.test\r\n" in mail.raw


def test_facts_from_the_event_data() -> None:
    data = {"id": 3, "post": 4, "parent": 0, "user_id": 0, "author_name": "A", "author_email": "", "author_url": "",
            "author_ip": "", "date": "2020-01-01T00:00:00", "date_gmt": "2020-01-01T00:00:00Z", "content": "c",
            "type": "pingback", "karma": 0, "agent": "", "status": "hold"}  # fmt: skip
    assert CommentFacts.from_data(data) == CommentFacts(3, 4, 0, 0, "A", "", "", "", "c", "pingback", "hold")
