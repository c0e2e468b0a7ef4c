"""The mails WordPress 6.1 sends for a registration (``wp_new_user_notification( $id, null, 'both' )``),
built as ``wp_mail`` builds them and sent over SMTP.

First the site admin's "[<blogname>] New User Registration", then the new user's "[<blogname>] Login
Details" with the set-password link ``<siteurl>/wp-login.php?action=rp&key=<key>&login=<login>``.
Bodies are WordPress's strings with its ``\\r\\n``; the headers are PHPMailer's (``To``, ``Subject``,
``Date``, ``From: WordPress <wordpress@<home's host without www.>>``, ``Message-ID`` at that host,
``MIME-Version``, ``Content-Type: text/plain; charset=<blog_charset>``) but its ``X-Mailer``. The key
is the caller's, in memory only: it is in the mail and nowhere else.
"""

from __future__ import annotations

import re
import secrets
import smtplib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.header import Header
from urllib.parse import quote, urlsplit, urlunsplit

from extracted.runtime.legacy import SmtpServer

__all__ = ["Mail", "MailSite", "Mailer", "admin_notification", "login_details", "php_mail_date", "specialchars_decode"]

_TRANSLATION = {
    "&#039;": "'", "&#x27;": "'", "&quot;": '"', "&#034;": '"', "&#x22;": '"', "&lt;": "<", "&#060;": "<",
    "&gt;": ">", "&#062;": ">", "&amp;": "&", "&#038;": "&", "&#x26;": "&",
}  # fmt: skip
_NORMALIZE = [
    (re.compile(r"&#0*39;"), "&#039;"), (re.compile(r"&#x0*27;", re.I), "&#x27;"),
    (re.compile(r"&#0*34;"), "&#034;"), (re.compile(r"&#x0*22;", re.I), "&#x22;"),
    (re.compile(r"&#0*60;"), "&#060;"), (re.compile(r"&#0*62;"), "&#062;"),
    (re.compile(r"&#0*38;"), "&#038;"), (re.compile(r"&#x0*26;", re.I), "&#x26;"),
]  # fmt: skip
_ENTITY = re.compile("|".join(re.escape(e) for e in sorted(_TRANSLATION, key=len, reverse=True)))


def specialchars_decode(text: str) -> str:
    """``wp_specialchars_decode( $text, ENT_QUOTES )``: the entities ``esc_html`` makes, back to characters
    (padded numeric forms normalized first, then one ``strtr`` pass)."""
    if "&" not in text:
        return text
    for pattern, replacement in _NORMALIZE:
        text = pattern.sub(replacement, text)
    return _ENTITY.sub(lambda match: _TRANSLATION[match.group(0)], text)


def php_mail_date(moment: datetime) -> str:
    """PHPMailer's ``date( 'D, j M Y H:i:s O' )`` (English names, the day without a leading zero)."""
    return moment.strftime("%a, ") + str(moment.day) + moment.strftime(" %b %Y %H:%M:%S %z")


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
        host = urlsplit(self.home).hostname or ""
        return host[4:] if host.startswith("www.") else host

    def login_url(self, path: str, https: bool) -> str:
        """``site_url( $path, 'login' )``: ``https`` when the visitor's request was (``is_ssl()``)."""
        parts = urlsplit(self.siteurl)
        base = urlunsplit(("https" if https else "http", parts.netloc, parts.path, "", ""))
        return base.rstrip("/") + "/" + path.lstrip("/")


@dataclass(frozen=True)
class Mail:
    """One mail as it goes over SMTP (``raw``: headers and body, CRLF line ends)."""

    sender: str
    to: str
    subject: str
    body: str
    raw: bytes


def _subject(text: str) -> str:
    return text if text.isascii() else Header(text, "utf-8").encode()


def _message(site: MailSite, to: str, subject: str, body: str) -> Mail:
    """PHPMailer's headers, in its order (``Content-Transfer-Encoding`` only when the body needs 8 bits)."""
    sender = f"wordpress@{site.sender_host}"
    charset = site.charset or "UTF-8"
    headers = [
        f"To: {to}",
        f"Subject: {_subject(subject)}",
        f"Date: {php_mail_date(datetime.now(UTC))}",
        f"From: WordPress <{sender}>",
        f"Message-ID: <{secrets.token_urlsafe(32)}@{site.sender_host}>",
        "MIME-Version: 1.0",
        f"Content-Type: text/plain; charset={charset}",
        *([] if body.isascii() else ["Content-Transfer-Encoding: 8bit"]),
    ]
    raw = ("\r\n".join(headers) + "\r\n\r\n" + body).encode(charset if charset.lower() != "utf-8" else "utf-8")
    return Mail(sender, to, subject, body, raw)


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


class Mailer:
    """Sends messages to one SMTP server, a connection per batch (registrations are rare)."""

    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    def send(self, mails: list[Mail]) -> None:
        """All of ``mails``; raises ``OSError``/``smtplib.SMTPException`` when the server refuses one."""
        with smtplib.SMTP(self.server.host, self.server.port, timeout=self.server.timeout_s) as smtp:
            for mail in mails:
                smtp.sendmail(mail.sender, [mail.to], mail.raw)
