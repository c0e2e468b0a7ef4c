"""WordPress 6.1's mails for a new user (``wp_new_user_notification( $id, null, 'both' )``), pure.

``register_new_user`` sends them through ``wp_send_new_user_notifications``: first the site admin's
"[<blogname>] New User Registration", then the new user's "[<blogname>] Login Details" with the
set-password link ``<siteurl>/wp-login.php?action=rp&key=<key>&login=<login>`` (``network_site_url(
..., 'login' )``: https when the visitor's request was, ``is_ssl()``). Bodies are WordPress's English
strings with its ``\\r\\n``; the mails are built as ``wp_mail`` builds them with no headers of their own
(``extracted.runtime.mail.compose``): ``From: WordPress <wordpress@<home's host without www.>>``,
``Content-Type: text/plain; charset=<blog_charset>``, PHPMailer's ``Message-ID`` at that host.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

from extracted.runtime.mail import Mail, sender_host, specialchars_decode, wp_mail

__all__ = ["MailSite", "admin_notification", "login_details", "new_user_mails"]


@dataclass(frozen=True)
class MailSite:
    """The options the mails read (as ``wp_options`` holds them: ``blogname`` still HTML-escaped)."""

    blogname: str
    siteurl: str
    home: str
    admin_email: str
    charset: str = "UTF-8"

    @property
    def sender_host(self) -> str:
        return sender_host(self.home)

    def login_url(self, path: str, https: bool) -> str:
        """``site_url( $path, 'login' )``: ``https`` when the visitor's request was (``is_ssl()``)."""
        parts = urlsplit(self.siteurl)
        base = urlunsplit(("https" if https else "http", parts.netloc, parts.path, "", ""))
        return base.rstrip("/") + "/" + path.lstrip("/")


def _message(site: MailSite, to: str, subject: str, body: str) -> Mail | None:
    return wp_mail(to, subject, body, "", home=site.home, charset=site.charset or "UTF-8")


def admin_notification(site: MailSite, login: str, user_email: str) -> Mail | None:
    """The admin's "[<blogname>] New User Registration"."""
    blogname = specialchars_decode(site.blogname)
    body = f"New user registration on your site {blogname}:\r\n\r\nUsername: {login}\r\n\r\nEmail: {user_email}\r\n"
    return _message(site, site.admin_email, specialchars_decode(f"[{blogname}] New User Registration"), body)


def login_details(site: MailSite, login: str, user_email: str, key: str, *, https: bool) -> Mail | None:
    """The new user's "[<blogname>] Login Details" with ``key`` (``get_password_reset_key``'s)."""
    blogname = specialchars_decode(site.blogname)
    link = site.login_url(f"wp-login.php?action=rp&key={key}&login={quote(login, safe='-_.~')}", https)
    body = (
        f"Username: {login}\r\n\r\n"
        "To set your password, visit the following address:\r\n\r\n"
        f"{link}\r\n\r\n"
        f"{site.login_url('wp-login.php', https)}\r\n"
    )
    return _message(site, user_email, specialchars_decode(f"[{blogname}] Login Details"), body)


def new_user_mails(site: MailSite, login: str, user_email: str, key: str, *, https: bool) -> list[Mail]:
    """Both, in WordPress's order (the admin's first), but those WordPress would not send."""
    mails = [admin_notification(site, login, user_email), login_details(site, login, user_email, key, https=https)]
    return [mail for mail in mails if mail is not None]
