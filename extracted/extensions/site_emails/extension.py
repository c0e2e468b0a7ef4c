"""The ``site-emails`` extension: WordPress's notification mails sent when the domain events arrive.

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

``user.registered`` with ``origin: users-service`` (a visitor's registration the users service took):
WordPress's "New User Registration" to the admin and "Login Details" to the user, with a set-password
key from the users service (settings ``users_url``, ``users_token``; see ``registration``). Retries
(a key not ready while the legacy sync is pending, SMTP) follow :data:`RETRY`: about three minutes,
then the event is a dead letter.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from extracted.contracts import CloudEvent
from extracted.extensions.sdk import Extension, ExtensionContext, RetryPolicy
from extracted.runtime.legacy import SmtpServer
from extracted.runtime.mail import Mail, Mailer

from .facts import CommentFacts, NoticeFacts, SiteReader, from_site
from .notices import moderation_notice, post_author_notice, should_notify_moderator, should_notify_post_author
from .registration import is_service_registration, mails_for_registration

__all__ = ["RETRY", "extension", "mails_for", "notify", "notify_new_user"]

#: 10 tries, 0.5 s doubling to 60 s between them (3 min in all): a registration's key waits for the
#: legacy sync, which waits for MariaDB
RETRY = RetryPolicy(attempts=10, initial_s=0.5, maximum_s=60.0)
extension = Extension(
    "site-emails",
    description="WordPress's comment moderation, post-author and new-user notification mails",
    retry=RETRY,
)


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


@extension.on("user.registered")
def notify_new_user(event: CloudEvent, context: ExtensionContext) -> None:
    if not is_service_registration(event):
        return  # WordPress made the user: it sent (or chose not to send) the mails itself
    mailer = _mailer(context)
    if mailer is None:
        context.log.warning("user %s: new-user mails not sent, no SMTP server configured", event.subject)
        return
    mails = mails_for_registration(event, context.site, context.settings)
    if not mails:
        context.log.info("user %s: no mail (registered at %s: too long ago, or no address wp_mail accepts)",
                         event.subject, event.time)  # fmt: skip
        return
    mailer.send(mails)
    context.log.info("user %s: sent %s", event.subject, ", ".join(f"{mail.subject!r} to {mail.to}" for mail in mails))
