"""The extension's handler end to end: a ``comment.posted`` event, the site as a view, the mails over
real SMTP (aiosmtpd) as WordPress's PHP sends them."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from cases import CASES
from test_site_emails_differential import comparable
from wordpress_notices import WordPressNotices

from extracted.contracts import new_event
from extracted.extensions.sdk import ExtensionContext
from extracted.extensions.site_emails.extension import extension, mails_for, notify
from extracted.runtime.legacy import SmtpServer
from extracted.runtime.mail import Mailer
from tests.extracted.users.registration.smtp_sink import smtp_sink


class Site:
    """The site of the first differential case, as the extensions service's view would answer."""

    def __init__(self, comments: dict[int, dict[str, Any]]) -> None:
        self.case = CASES[0]
        self.comments = comments

    def option(self, name: str) -> str | None:
        site = self.case.site
        values = {"blogname": site.blogname, "admin_email": site.admin_email, "home": site.home,
                  "siteurl": site.siteurl, "moderation_notify": "1", "comments_notify": "1",
                  "blog_charset": "UTF-8", "permalink_structure": site.permalink_structure}  # fmt: skip
        return values.get(name)

    def user(self, user_id: int) -> Mapping[str, Any] | None:
        author = self.case.author
        if author is None or author.id != user_id:
            return None
        return {"id": 2, "login": "user2", "email": author.email, "display_name": "User 2", "roles": list(author.roles)}

    def post(self, post_id: int) -> Mapping[str, Any] | None:
        post = self.case.post
        if post is None or post.id != post_id:
            return None
        return {"id": post.id, "type": post.type, "status": post.status, "title": post.title, "author": post.author,
                "link": post.link}  # fmt: skip

    def comment(self, comment_id: int) -> Mapping[str, Any] | None:
        return self.comments.get(comment_id)

    def pending_comments(self) -> int:
        return self.case.pending


def test_a_held_then_approved_comment_mails_as_wordpress_does(wordpress_notices: WordPressNotices) -> None:
    comment = CASES[0].comment
    data = {"id": comment.id, "post": comment.post, "parent": 0, "user_id": 0, "author_name": comment.author_name,
            "author_email": comment.author_email, "author_url": comment.author_url, "author_ip": comment.author_ip,
            "date": "2020-01-02T00:00:00", "date_gmt": "2020-01-02T00:00:00Z", "content": comment.content,
            "type": "comment", "karma": 0, "agent": "", "status": "hold"}  # fmt: skip
    site = Site({comment.id: {**data, "status": "approved"}})
    assert extension.handlers_for("comment.posted") == [notify] == extension.handlers_for("comment.approved")
    with smtp_sink() as sink:
        # every comment and approval: as for a site whose WordPress sends no mail any more
        context = ExtensionContext("site-emails", site, {"comments_from": "all"}, logging.getLogger("site-emails"),
                                   mailer=Mailer(SmtpServer(sink.host, sink.port)))  # fmt: skip
        notify(new_event("comment.posted", str(comment.id), data, source="/tests"), context)
        held = sink.to("admin@site.test") + sink.to("ann@site.test")
        approval = {"id": comment.id, "post": comment.post, "previous_status": "hold"}
        approved_event = new_event("comment.approved", str(comment.id), approval, source="/tests")
        notify(approved_event, context)
        sink.to("nobody", timeout=0.5)
        after = [mail for mail in sink.mails if mail not in held]
    theirs_held = [comparable(raw) for raw in wordpress_notices.mails(CASES[0].php())]
    assert [comparable(mail.raw) for mail in held] == theirs_held and len(held) == 2
    theirs_approved = [comparable(raw) for raw in wordpress_notices.mails({**CASES[0].php(), "hook": "approve"})]
    assert [comparable(mail.raw) for mail in after] == theirs_approved and len(after) == 1
    assert [mail.recipients for mail in held + after] == [("admin@site.test",), ("ann@site.test",), ("ann@site.test",)]


def test_by_default_only_the_comments_the_service_took_are_mailed() -> None:
    """WordPress still mails for the comments it takes and for approvals in wp-admin: no double notices."""
    comment = CASES[0].comment
    data = {"id": comment.id, "post": comment.post, "parent": 0, "user_id": 0, "author_name": comment.author_name,
            "author_email": comment.author_email, "author_url": comment.author_url, "author_ip": comment.author_ip,
            "date": "2020-01-02T00:00:00", "date_gmt": "2020-01-02T00:00:00Z", "content": comment.content,
            "type": "comment", "karma": 0, "agent": "", "status": "hold"}  # fmt: skip
    site = Site({comment.id: {**data, "status": "approved"}})
    approval = new_event("comment.approved", str(comment.id), {"id": comment.id, "post": comment.post,
                         "previous_status": "hold"}, source="/tests")  # fmt: skip
    taken_by_wordpress = new_event("comment.posted", str(comment.id), {**data, "origin": "wordpress"}, source="/t")
    taken_by_service = new_event("comment.posted", str(comment.id), {**data, "origin": "comments-service"}, source="/t")
    assert mails_for(taken_by_wordpress, site, {}) == []
    assert mails_for(new_event("comment.posted", str(comment.id), data, source="/t"), site, {}) == []
    assert mails_for(approval, site, {}) == []
    assert len(mails_for(taken_by_service, site, {})) == 2
