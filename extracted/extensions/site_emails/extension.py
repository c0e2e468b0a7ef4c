"""The ``site-emails`` extension: WordPress's comment notices sent when the comment events arrive.

``comment.posted``: the moderation notice for a held comment, the post-author notice for an approved
one (``comment_post``'s two hooks). ``comment.approved``: the post-author notice, as
``wp_set_comment_status( $id, 'approve' )`` sends it (not for a comment whose post came back from the
trash: WordPress restores those without it). Settings (``extensions.site-emails``): ``smtp``
(``{"host", "port"}``, when the service has no mailer), ``force_ssl_admin`` (admin links in https;
default: when the site URL is https), ``empty_trash_days`` (WordPress's ``EMPTY_TRASH_DAYS``, 30),
``comments_from``: ``service`` (the default) or ``all``.

Only the flows that moved are mailed by default: WordPress still sends these notices itself for the
comments it takes and for every approval done in wp-admin (``wp_set_comment_status``), so the
extension mails only for ``comment.posted`` events whose ``origin`` is the comments service (a
visitor's comment WordPress never took). ``comments_from: all`` mails for every comment and approval,
for a site whose WordPress sends no mail any more.
A mail the SMTP server refuses raises, so the runner retries the event.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from extracted.contracts import CloudEvent
from extracted.extensions.sdk import Extension, ExtensionContext
from extracted.runtime.legacy import SmtpServer
from extracted.runtime.mail import Mail, Mailer

from .facts import CommentFacts, NoticeFacts, SiteReader, from_site
from .notices import moderation_notice, post_author_notice, should_notify_moderator, should_notify_post_author

__all__ = ["extension", "mails_for", "notify"]

extension = Extension("site-emails", description="WordPress's comment moderation and post-author notification mails")


SERVICE_ORIGIN = "comments-service"


def _moved(event: CloudEvent, settings: Mapping[str, Any]) -> bool:
    """Whether WordPress would not send this event's notices itself (see the module's docstring)."""
    if settings.get("comments_from", "service") == "all":
        return True
    return event.type == "comment.posted" and event.data.get("origin") == SERVICE_ORIGIN


def _facts(event: CloudEvent, site: SiteReader, settings: Mapping[str, Any]) -> NoticeFacts | None:
    if not _moved(event, settings):
        return None
    if event.type == "comment.posted":
        comment = CommentFacts.from_data(event.data)
        return from_site(site, comment, settings, acting_user_id=comment.user_id)
    if event.type == "comment.approved" and event.data.get("previous_status") != "post-trashed":
        current = site.comment(int(event.data["id"]))
        if current is None:
            return None
        comment = CommentFacts.from_data({**current, "status": "approved"})
        return from_site(site, comment, settings)
    return None


def mails_for(event: CloudEvent, site: SiteReader, settings: Mapping[str, Any]) -> list[Mail]:
    """What WordPress would have sent for ``event`` (pure but for the reverse lookup of the IP)."""
    facts = _facts(event, site, settings)
    if facts is None:
        return []
    mails = moderation_notice(facts) if event.type == "comment.posted" and should_notify_moderator(facts) else []
    if should_notify_post_author(facts):
        mails += post_author_notice(facts)
    return mails


def _mailer(context: ExtensionContext) -> Mailer | None:
    if context.mailer is not None:
        mailer: Mailer = context.mailer
        return mailer
    smtp = context.settings.get("smtp")
    if isinstance(smtp, Mapping) and smtp.get("host"):
        return Mailer(SmtpServer(str(smtp["host"]), int(smtp.get("port", 25))))
    return None


@extension.on("comment.posted", "comment.approved")
def notify(event: CloudEvent, context: ExtensionContext) -> None:
    mails = mails_for(event, context.site, context.settings)
    if not mails:
        return
    mailer = _mailer(context)
    if mailer is None:
        context.log.warning("comment %s: %d notice(s) not sent, no SMTP server configured", event.subject, len(mails))
        return
    mailer.send(mails)
    context.log.info(
        "comment %s: sent %s", event.subject, ", ".join(f"{mail.subject!r} to {mail.to}" for mail in mails)
    )
