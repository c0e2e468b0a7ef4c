"""The mails WordPress 6.1 sends for a registration (``wp_new_user_notification( $id, null, 'both' )``),
built as ``wp_mail`` builds them (``extracted.runtime.mail``) and sent over SMTP.

First the site admin's "[<blogname>] New User Registration", then the new user's "[<blogname>] Login
Details" with the set-password link ``<siteurl>/wp-login.php?action=rp&key=<key>&login=<login>``.
Bodies are WordPress's strings with its ``\\r\\n``; the headers are PHPMailer's (``To``, ``Subject``,
``Date``, ``From: WordPress <wordpress@<home's host without www.>>``, ``Message-ID`` at that host,
``MIME-Version``, ``Content-Type: text/plain; charset=<blog_charset>``) but its ``X-Mailer``. The key
is the caller's, in memory only: it is in the mail and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

from extracted.runtime.mail import Mail, Mailer, compose, php_mail_date, sender_host, specialchars_decode

__all__ = ["Mail", "MailSite", "Mailer", "admin_notification", "login_details", "php_mail_date", "specialchars_decode"]


@dataclass(frozen=True)
class MailSite:
    """The options the mails read (as ``wp_options`` holds them)."""

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


def _message(site: MailSite, to: str, subject: str, body: str) -> Mail:
    return compose(to, subject, body, from_email=f"wordpress@{site.sender_host}", from_name="WordPress",
                   charset=site.charset or "UTF-8", message_host=site.sender_host)  # fmt: skip


def admin_notification(site: MailSite, login: str, user_email: str) -> Mail:
    blogname = specialchars_decode(site.blogname)
    body = f"New user registration on your site {blogname}:\r\n\r\nUsername: {login}\r\n\r\nEmail: {user_email}\r\n"
    return _message(site, site.admin_email, specialchars_decode(f"[{blogname}] New User Registration"), body)


def login_details(site: MailSite, login: str, user_email: str, key: str, *, https: bool) -> Mail:
    blogname = specialchars_decode(site.blogname)
    link = site.login_url(f"wp-login.php?action=rp&key={key}&login={quote(login, safe='-_.~')}", https)
    body = (
        f"Username: {login}\r\n\r\n"
        "To set your password, visit the following address:\r\n\r\n"
        f"{link}\r\n\r\n"
        f"{site.login_url('wp-login.php', https)}\r\n"
    )
    return _message(site, user_email, specialchars_decode(f"[{blogname}] Login Details"), body)
