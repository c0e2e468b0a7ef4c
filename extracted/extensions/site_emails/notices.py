"""WordPress 6.1's comment notices, as pure functions of ``NoticeFacts``.

- ``moderation_notice``: ``wp_notify_moderator`` ("[<blog>] Please moderate: "<title>"") to the admin
  address and to the post's author when they can edit the comment (once when both are the same
  address, compared case-insensitively). WordPress sends it from ``comment_post`` for a held comment
  when ``moderation_notify`` is on (``should_notify_moderator``).
- ``post_author_notice``: ``wp_notify_postauthor`` ("[<blog>] Comment: "<title>"", or Pingback,
  Trackback) to the post's author, unless they wrote the comment, acted themselves, or can no longer
  read the post. Sent from ``comment_post`` for an approved comment, and from ``wp_set_comment_status``
  when a held, spam or trashed comment is approved later (wp-admin, its AJAX, the REST API), when
  ``comments_notify`` is on (``should_notify_post_author``).

Capabilities are those of WordPress's default roles; the reverse lookup of the comment author's IP is
``gethostbyaddr`` (injected: ``resolve``). Strings are WordPress's English ones.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable

from extracted.runtime.mail import Mail, sender_host, specialchars_decode, wp_mail

from .facts import NoticeFacts, PostFacts, UserFacts

__all__ = [
    "Resolver",
    "can_edit_comment_on",
    "can_read",
    "comment_link",
    "gethostbyaddr",
    "moderation_notice",
    "post_author_notice",
    "should_notify_moderator",
    "should_notify_post_author",
]

Resolver = Callable[[str], str]

#: The capabilities of WordPress's default roles that the notices check.
_ROLE_CAPS: dict[str, frozenset[str]] = {
    "administrator": frozenset({"read", "edit_posts", "edit_published_posts", "edit_pages", "edit_published_pages"}),
    "editor": frozenset({"read", "edit_posts", "edit_published_posts", "edit_pages", "edit_published_pages"}),
    "author": frozenset({"read", "edit_posts", "edit_published_posts"}),
    "contributor": frozenset({"read", "edit_posts"}),
    "subscriber": frozenset({"read"}),
}
_IPV4 = re.compile(r"^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$")


def _caps(user: UserFacts) -> frozenset[str]:
    return frozenset().union(*(_ROLE_CAPS.get(role, frozenset()) for role in user.roles))


def can_read(user: UserFacts) -> bool:
    """``user_can( $author, 'read_post', $post )`` for the post's own author: the ``read`` capability."""
    return "read" in _caps(user)


def can_edit_comment_on(user: UserFacts, post: PostFacts | None) -> bool:
    """``user_can( $author, 'edit_comment', $comment )`` for the author of ``post`` (``edit_post`` on the
    comment's post: published or scheduled needs ``edit_published_*``; ``edit_posts`` without a post)."""
    if post is None:
        return "edit_posts" in _caps(user)
    kind = "pages" if post.type == "page" else "posts"
    published = post.status in ("publish", "future")
    return (f"edit_published_{kind}" if published else f"edit_{kind}") in _caps(user)


def _ip_version(address: str) -> int:
    """``WP_Http::is_ip_address``: 4, 6, or 0."""
    if _IPV4.match(address):
        return 4
    if ":" in address:
        candidate = address.strip(" []")
        try:
            ipaddress.IPv6Address(candidate)
        except ValueError:
            return 0
        return 0 if "%" in candidate else 6
    return 0


def gethostbyaddr(address: str) -> str:
    """PHP's ``gethostbyaddr``: the host's name, the address itself when it has none, ``""`` when it is
    not an address PHP can look up."""
    try:
        ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return ""
    try:
        return socket.gethostbyaddr(address.strip("[]"))[0]
    except OSError:
        return address


def _host_of(address: str, resolve: Resolver) -> str:
    return resolve(address) if _ip_version(address) else ""


def _trailing(link: str, structure: str) -> str:
    """``user_trailingslashit``: as the permalink structure ends."""
    return link.rstrip("/") + "/" if structure.endswith("/") else link.rstrip("/")


def comment_link(facts: NoticeFacts) -> str:
    """``get_comment_link( $comment )``: the post's permalink, its comments page when they are paged,
    ``#comment-<id>``."""
    site, link = facts.site, facts.post.link if facts.post else ""
    page = facts.comment_page
    if page == 1 and site.default_comments_page == "oldest":
        page = None
    if page and site.page_comments:
        if site.permalink_structure:
            link = _trailing(link.rstrip("/") + f"/comment-page-{page}", site.permalink_structure)
        else:
            link += ("&" if "?" in link else "?") + f"cpage={page}"
    if site.permalink_structure:
        link = _trailing(link, site.permalink_structure)
    return f"{link}#comment-{facts.comment.id}"


def should_notify_moderator(facts: NoticeFacts) -> bool:
    """``wp_new_comment_notify_moderator``: a held comment, ``moderation_notify`` on."""
    return facts.comment.status == "hold" and facts.site.moderation_notify


def should_notify_post_author(facts: NoticeFacts) -> bool:
    """``wp_new_comment_notify_postauthor``: an approved comment, ``comments_notify`` on."""
    return facts.comment.status == "approved" and facts.site.comments_notify


def _number(count: int) -> str:
    return f"{count:,}"


def _about(facts: NoticeFacts, host: str, reply_link: bool) -> str:
    """The lines on who wrote it (a comment: author, email, URL, the parent; a ping: the website)."""
    comment = facts.comment
    if comment.type in ("trackback", "pingback"):
        return (f"Website: {comment.author_name} (IP address: {comment.author_ip}, {host})\r\n"
                f"URL: {comment.author_url}\r\n")  # fmt: skip
    lines = (
        f"Author: {comment.author_name} (IP address: {comment.author_ip}, {host})\r\n"
        f"Email: {comment.author_email}\r\nURL: {comment.author_url}\r\n"
    )
    if comment.parent and reply_link:
        link = facts.site.admin_url(f"comment.php?action=editcomment&c={comment.parent}#wpbody-content")
        lines += f"In reply to: {link}\r\n"
    return lines


def _remove_link(facts: NoticeFacts) -> str:
    action, label = ("trash", "Trash it") if facts.site.empty_trash_days else ("delete", "Delete it")
    return f"{label}: {facts.site.admin_url(f'comment.php?action={action}&c={facts.comment.id}#wpbody-content')}\r\n"


def moderation_notice(facts: NoticeFacts, resolve: Resolver = gethostbyaddr) -> list[Mail]:
    """``wp_notify_moderator( $comment_id )``'s mails (the option checked: none when it is off)."""
    site, comment, post, author = facts.site, facts.comment, facts.post, facts.author
    if not site.moderation_notify:
        return []
    recipients = [site.admin_email]
    editor = author and can_edit_comment_on(author, post) and author.email
    if author and editor and author.email.lower() != site.admin_email.lower():
        recipients.append(author.email)
    title, link = (post.title, post.link) if post else ("", "")
    content = specialchars_decode(comment.content, quotes=False)
    kind = comment.type if comment.type in ("trackback", "pingback") else "comment"
    body = f'A new {kind} on the post "{title}" is waiting for your approval\r\n{link}\r\n\r\n'
    body += _about(facts, _host_of(comment.author_ip, resolve), reply_link=True)
    if kind == "comment":
        body += f"Comment: \r\n{content}\r\n\r\n"
    else:
        body += f"{kind.capitalize()} excerpt: \r\n{content}\r\n\r\n"
    body += f"Approve it: {site.admin_url(f'comment.php?action=approve&c={comment.id}#wpbody-content')}\r\n"
    body += _remove_link(facts)
    body += f"Spam it: {site.admin_url(f'comment.php?action=spam&c={comment.id}#wpbody-content')}\r\n"
    noun = "comment is" if facts.pending == 1 else "comments are"
    body += f"Currently {_number(facts.pending)} {noun} waiting for approval. Please visit the moderation panel:\r\n"
    body += site.admin_url("edit-comments.php?comment_status=moderated#wpbody-content") + "\r\n"
    blogname = specialchars_decode(site.blogname)
    subject = specialchars_decode(f'[{blogname}] Please moderate: "{title}"', quotes=False)
    return _send(facts, recipients, subject, body, "")


def post_author_notice(facts: NoticeFacts, resolve: Resolver = gethostbyaddr) -> list[Mail]:
    """``wp_notify_postauthor( $comment_id )``'s mails (the option not checked: WordPress's caller does)."""
    site, comment, post, author = facts.site, facts.comment, facts.post, facts.author
    if not comment.post or post is None or author is None or not author.email:
        return []
    if post.author in (comment.user_id, facts.acting_user_id) or not can_read(author):
        return []
    content = specialchars_decode(comment.content, quotes=False)
    kind = comment.type if comment.type in ("trackback", "pingback") else "comment"
    body = f'New {kind} on your post "{post.title}"\r\n'
    replying = comment.parent and facts.parent_found and can_edit_comment_on(author, facts.parent_post)
    body += _about(facts, _host_of(comment.author_ip, resolve), reply_link=bool(replying))
    body += f"Comment: \r\n{content}\r\n\r\nYou can see all {kind}s on this post here:\r\n"
    body += f"{post.link}#comments\r\n\r\nPermalink: {comment_link(facts)}\r\n"
    if can_edit_comment_on(author, post):
        body += _remove_link(facts)
        body += f"Spam it: {site.admin_url(f'comment.php?action=spam&c={comment.id}#wpbody-content')}\r\n"
    blogname = specialchars_decode(site.blogname)
    wp_email = f"wordpress@{sender_host(site.home)}"
    name = comment.author_name or blogname
    headers = f'From: "{name}" <{wp_email}>\nContent-Type: text/plain; charset="{site.blog_charset}"\n'
    if comment.author_email:
        quoted = (
            comment.author_email if not comment.author_name else f'"{comment.author_email}" <{comment.author_email}>'
        )
        headers += f"Reply-To: {quoted}\n"
    label = {"trackback": "Trackback", "pingback": "Pingback"}.get(kind, "Comment")
    subject = specialchars_decode(f'[{blogname}] {label}: "{post.title}"', quotes=False)
    return _send(facts, [author.email], subject, body, headers)


def _send(facts: NoticeFacts, recipients: list[str], subject: str, body: str, headers: str) -> list[Mail]:
    mails = [wp_mail(to, subject, body, headers, home=facts.site.home, charset=facts.site.blog_charset or "UTF-8")
             for to in recipients]  # fmt: skip
    return [mail for mail in mails if mail is not None]
