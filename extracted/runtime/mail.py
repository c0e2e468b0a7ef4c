"""Mail as WordPress 6.1 sends it: ``wp_mail`` (its header parsing) over PHPMailer 6.6.5 (its header
encoding), sent over SMTP by the kit's :class:`Mailer`.

``wp_mail(to, subject, body, headers, site)`` is the whole pipeline, from the header string a WordPress
notice builds (``"From: \\"Name\\" <addr>\\nContent-Type: ...\\nReply-To: ..."``) to the bytes a mail()
transport would hand to sendmail: ``To``, ``Subject`` (what PHP's mail() writes), then PHPMailer's
``Date``, ``From``, ``Reply-To``, ``Message-ID``, ``MIME-Version``, ``Content-Type`` and
``Content-Transfer-Encoding`` (``8bit`` when the body has 8-bit bytes, ``quoted-printable`` when a line
is too long). The ``X-Mailer`` is left out; ``Message-ID`` is random at the sender's host (WordPress's
is PHPMailer's at the server's name). Addresses WordPress's ``is_email`` refuses are dropped as
PHPMailer's validator drops them; no valid recipient or an invalid sender means no mail, as in wp_mail.
"""

from __future__ import annotations

import base64
import re
import secrets
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from extracted.formatting.sanitize import is_email
from extracted.runtime.legacy import SmtpServer

__all__ = [
    "Mail",
    "Mailer",
    "compose",
    "encode_header",
    "php_mail_date",
    "sender_host",
    "specialchars_decode",
    "wp_mail",
]

_SINGLE = {"&#039;": "'", "&#x27;": "'"}
_DOUBLE = {"&quot;": '"', "&#034;": '"', "&#x22;": '"'}
_OTHERS = {"&lt;": "<", "&#060;": "<", "&gt;": ">", "&#062;": ">", "&amp;": "&", "&#038;": "&", "&#x26;": "&"}
_NORMALIZE_QUOTES = [
    (re.compile(r"&#0*39;"), "&#039;"), (re.compile(r"&#x0*27;", re.I), "&#x27;"),
    (re.compile(r"&#0*34;"), "&#034;"), (re.compile(r"&#x0*22;", re.I), "&#x22;"),
]  # fmt: skip
_NORMALIZE_OTHERS = [
    (re.compile(r"&#0*60;"), "&#060;"), (re.compile(r"&#0*62;"), "&#062;"),
    (re.compile(r"&#0*38;"), "&#038;"), (re.compile(r"&#x0*26;", re.I), "&#x26;"),
]  # fmt: skip


def _strtr(table: dict[str, str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(entity) for entity in sorted(table, key=len, reverse=True)))


_ALL = {**_SINGLE, **_DOUBLE, **_OTHERS}
_ALL_ENTITIES, _OTHER_ENTITIES = _strtr(_ALL), _strtr(_OTHERS)


def specialchars_decode(text: str, *, quotes: bool = True) -> str:
    """``wp_specialchars_decode( $text, ENT_QUOTES )`` (or, ``quotes=False``, its default ENT_NOQUOTES):
    the entities ``esc_html`` makes back to characters (padded numeric forms normalized first, then one
    ``strtr`` pass)."""
    if "&" not in text:
        return text
    for pattern, replacement in (_NORMALIZE_QUOTES if quotes else []) + _NORMALIZE_OTHERS:
        text = pattern.sub(replacement, text)
    table, entities = (_ALL, _ALL_ENTITIES) if quotes else (_OTHERS, _OTHER_ENTITIES)
    return entities.sub(lambda match: table[match.group(0)], text)


def php_mail_date(moment: datetime) -> str:
    """PHPMailer's ``date( 'D, j M Y H:i:s O' )`` (English names, the day without a leading zero)."""
    return moment.strftime("%a, ") + str(moment.day) + moment.strftime(" %b %Y %H:%M:%S %z")


def sender_host(home: str) -> str:
    """The host of WordPress's ``wordpress@<host>`` sender: the home URL's, without a leading ``www.``."""
    host = urlsplit(home).hostname or ""
    return host[4:] if host.startswith("www.") else host


@dataclass(frozen=True)
class Mail:
    """One mail as it goes over SMTP (``raw``: headers and body, CRLF line ends)."""

    sender: str
    to: str
    subject: str
    body: str
    raw: bytes


# PHPMailer: the mail() transport's shorter line limit, and its byte classes (on the UTF-8 bytes).
_MAIL_MAX_LINE_LENGTH = 63
_PHRASE_SAFE = re.compile(rb"[^A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]")
_PHRASE_NEEDS = re.compile(rb"[^\x20\x21\x23-\x5b\x5d-\x7e]")
_TEXT_NEEDS = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\xff]")
_Q_PHRASE = re.compile(rb"[^A-Za-z0-9!*+/ -]")
_Q_TEXT = re.compile(rb"[\x00-\x09\x0b\x0c\x0e-\x1f\x3d\x3f\x5f\x7f-\xff]")
_C_ESCAPES = {7: b"\\a", 8: b"\\b", 9: b"\\t", 10: b"\\n", 11: b"\\v", 12: b"\\f", 13: b"\\r"}


def _addcslashes(raw: bytes) -> bytes:
    """PHP's ``addcslashes( $s, "\\0..\\37\\177\\\\\\"" )``."""
    out = bytearray()
    for byte in raw:
        if byte < 32 or byte == 127:
            out += _C_ESCAPES.get(byte, b"\\%03o" % byte)
        elif byte in b'\\"':
            out += b"\\" + bytes([byte])
        else:
            out.append(byte)
    return bytes(out)


def _encode_q(raw: bytes, position: str) -> bytes:
    encoded = raw.replace(b"\r", b"").replace(b"\n", b"")
    pattern = _Q_PHRASE if position == "phrase" else _Q_TEXT
    return pattern.sub(lambda m: b"=%02X" % m.group(0)[0], encoded).replace(b" ", b"_")


def _utf8_char_boundary(encoded: bytes, max_length: int) -> int:
    look_back = 3
    while True:
        chunk = encoded[max(0, max_length - look_back) : max_length]
        at = chunk.find(b"=")
        if at < 0:
            return max_length
        start = max(0, max_length - look_back) + at + 1
        value = int(encoded[start : start + 2] or b"0", 16)
        if value < 128:
            return max_length - (look_back - at) if at > 0 else max_length
        if value >= 192:
            return max_length - (look_back - at)
        look_back += 3


def _wrap_q(word: bytes, length: int) -> list[bytes]:
    """PHPMailer's ``wrapText( $q, $length, true )`` for one word (Q-encoding has no spaces), UTF-8 mode."""
    if len(word) <= length:
        return [word]
    parts = []
    while word:
        cut = _utf8_char_boundary(word, length)
        parts.append(word[:cut])
        word = word[cut:]
    return parts


def _b64_wrap_multibyte(text: str, charset: str) -> list[bytes]:
    """PHPMailer's ``base64EncodeWrapMB``: chunks of whole characters, each encoded word at most 75 long."""
    length = 75 - len(f"=?{charset}?B?") - 2
    avg_length = int(length * (len(text) / len(text.encode())) * 0.75)
    chunks, at = [], 0
    while at < len(text):
        look_back = 0
        while True:
            offset = avg_length - look_back
            chunk = base64.b64encode(text[at : at + offset].encode())
            look_back += 1
            if len(chunk) <= length:
                break
        chunks.append(chunk)
        at += offset
    return chunks


def encode_header(text: str, position: str = "text", charset: str = "UTF-8") -> str:
    """PHPMailer's ``encodeHeader`` for the mail() transport (``text`` for the subject, ``phrase`` for a
    name): as is, quoted, or RFC 2047 Q/B encoded words folded at its 63-character limit."""
    raw = text.encode()
    if position == "phrase":
        if not re.search(rb"[\x80-\xff]", raw):
            escaped = _addcslashes(raw)
            if escaped == raw and not _PHRASE_SAFE.search(raw):
                return text
            return '"' + escaped.decode() + '"'
        count = len(_PHRASE_NEEDS.findall(raw))
    else:
        count = len(_TEXT_NEEDS.findall(raw))
    label = charset if re.search(rb"[\x80-\xff]", raw) else "us-ascii"
    max_length = _MAIL_MAX_LINE_LENGTH - (8 + len(label))
    if count > len(raw) / 3:
        if len(text) < len(raw):
            words = _b64_wrap_multibyte(text, charset)
        else:
            encoded = base64.b64encode(raw)
            step = max_length - max_length % 4
            words = [encoded[i : i + step] for i in range(0, len(encoded), step)]
        kind = "B"
    elif count > 0 or len(raw) > max_length:
        words, kind = _wrap_q(_encode_q(raw, position), max_length), "Q"
    else:
        return text
    return "\r\n ".join(f"=?{label}?{kind}?{word.decode()}?=" for word in words)


def _secure(text: str) -> str:
    return text.replace("\r", "").replace("\n", "").strip(" \t\n\r\0\x0b")


def _address(email: str, name: str) -> str:
    """PHPMailer's ``addrFormat`` (PHP's ``empty()``: no name for ``""`` or ``"0"``)."""
    if name in ("", "0"):
        return _secure(email)
    return f"{encode_header(_secure(name), 'phrase')} <{_secure(email)}>"


def _breaks(text: str) -> str:
    return re.sub(r"\r\n|\r|\n", "\r\n", text)


def _quoted_printable(raw: bytes) -> bytes:
    """PHP's ``quoted_printable_encode`` (75-character lines, soft breaks never splitting a UTF-8 char)."""
    out, line, i = bytearray(), 0, 0
    while i < len(raw):
        c = raw[i]
        following = raw[i + 1] if i + 1 < len(raw) else 0
        if c == 13 and following == 10 and i + 1 < len(raw):
            out += b"\r\n"
            line, i = 0, i + 2
            continue
        if c < 32 or c == 127 or c & 0x80 or c == 61 or (c == 32 and following == 13):
            line += 3
            extra = 3 if c <= 0xDF else 6 if c <= 0xEF else 9 if c <= 0xF4 else -75
            if (line > 75) if c <= 0x7F else (line + extra > 75):
                out += b"=\r\n"
                line = 3
            out += b"=%02X" % c
        else:
            line += 1
            if line > 75:
                out += b"=\r\n"
                line = 1
            out.append(c)
        i += 1
    return bytes(out)


def compose(
    to: str,
    subject: str,
    body: str,
    *,
    from_email: str,
    from_name: str,
    reply_to: Sequence[tuple[str, str]] = (),
    content_type: str = "text/plain",
    charset: str = "UTF-8",
    message_host: str = "",
) -> Mail:
    """PHPMailer's message for the mail() transport, in its header order (``reply_to``: (email, name))."""
    payload = _breaks(body).encode()
    encoding = "8bit" if re.search(rb"[\x80-\xff]", payload) else "7bit"
    if re.search(rb"^[^\n]{1000,}", payload, re.M):
        encoding, payload = "quoted-printable", _quoted_printable(payload)
    if not payload.endswith(b"\r\n"):
        payload += b"\r\n"
    headers = [
        f"To: {_secure(to)}",
        f"Subject: {encode_header(_secure(subject), 'text', charset)}",
        f"Date: {php_mail_date(datetime.now(UTC))}",
        f"From: {_address(from_email, from_name)}",
        *([f"Reply-To: {', '.join(_address(email, name) for email, name in reply_to)}"] if reply_to else []),
        f"Message-ID: <{secrets.token_urlsafe(32)}@{message_host or from_email.rsplit('@', 1)[-1]}>",
        "MIME-Version: 1.0",
        f"Content-Type: {content_type}; charset={charset}",
        *([] if encoding == "7bit" else [f"Content-Transfer-Encoding: {encoding}"]),
    ]
    raw = "\r\n".join(headers).encode() + b"\r\n\r\n" + payload
    return Mail(_secure(from_email), _secure(to), subject, body, raw)


def _parse_recipient(address: str) -> tuple[str, str]:
    """wp_mail's ``/(.*)<(.+)>/`` split of ``Name <address>``, then PHPMailer's trims."""
    match = re.search(r"(.*)<(.+)>", address)
    name, email = (match.group(1), match.group(2)) if match else ("", address)
    return email.strip(" \t\n\r\0\x0b"), re.sub(r"[\r\n]+", "", name).strip(" \t\n\r\0\x0b")


def wp_mail(to: str, subject: str, body: str, headers: str, *, home: str, charset: str = "UTF-8") -> Mail | None:
    """WordPress's ``wp_mail( $to, $subject, $message, $headers )`` with a header string (From,
    Content-Type, Reply-To, as its notices write them), or None when WordPress would send nothing."""
    from_name, from_email, content_type, reply_to = "WordPress", "", "text/plain", []
    for line in headers.replace("\r\n", "\n").split("\n"):
        if ":" not in line:
            continue
        name, content = (part.strip() for part in line.strip().split(":", 1))
        if name.lower() == "from":
            bracket = content.find("<")
            if bracket >= 0:
                if bracket > 0:
                    from_name = content[:bracket].replace('"', "").strip()
                from_email = content[bracket + 1 :].replace(">", "").strip()
            elif content.strip():
                from_email = content.strip()
        elif name.lower() == "content-type":
            if ";" in content:
                kind, rest = content.split(";")[:2]
                content_type = kind.strip()
                if "charset=" in rest.lower():
                    charset = rest.replace("charset=", "").replace('"', "").strip()
            elif content.strip():
                content_type = content.strip()
        elif name.lower() == "reply-to":
            reply_to += content.split(",")
    from_email = from_email or f"wordpress@{sender_host(home)}"
    recipient, _ = _parse_recipient(to)
    if not is_email(from_email.strip()) or not is_email(recipient):
        return None
    replies = [(email, name) for email, name in map(_parse_recipient, reply_to) if is_email(email)]
    return compose(recipient, subject, body, from_email=from_email, from_name=from_name, reply_to=replies,
                   content_type=content_type, charset=charset, message_host=sender_host(home))  # fmt: skip


class Mailer:
    """Sends messages to one SMTP server, a connection per batch (notices are rare)."""

    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    def send(self, mails: Sequence[Mail]) -> None:
        """All of ``mails``; raises ``OSError``/``smtplib.SMTPException`` when the server refuses one."""
        with smtplib.SMTP(self.server.host, self.server.port, timeout=self.server.timeout_s) as smtp:
            for mail in mails:
                smtp.sendmail(mail.sender, [mail.to], mail.raw)
