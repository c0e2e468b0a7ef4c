"""Where the stack's mail sink keeps what it catches: one ``.eml`` file per message and an index.

``index.jsonl`` has one JSON line per message (``id``, ``received``, ``from``, ``to``, ``subject``,
``size``), in the order they arrived; ``<id>.eml`` is the message exactly as it came over SMTP. The
store is read back at start, so a restarted sink still lists what it caught before.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import re
import secrets
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

__all__ = ["CaughtMail", "MailStore", "message_text"]

#: what an id looks like: the only names :meth:`MailStore.raw` turns into paths
_ID = re.compile(r"^[0-9]{8}T[0-9]{6}-[0-9a-f]{8}$")


@dataclass(frozen=True)
class CaughtMail:
    """One index line."""

    id: str
    received: str
    sender: str
    recipients: tuple[str, ...]
    subject: str
    size: int

    def to_data(self) -> dict[str, Any]:
        data = asdict(self)
        return {
            "id": data["id"],
            "received": data["received"],
            "from": data["sender"],
            "to": list(data["recipients"]),
            "subject": data["subject"],
            "size": data["size"],
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> CaughtMail:
        return cls(
            id=str(data["id"]),
            received=str(data["received"]),
            sender=str(data["from"]),
            recipients=tuple(str(address) for address in data["to"]),
            subject=str(data["subject"]),
            size=int(data["size"]),
        )


def _subject(raw: bytes) -> str:
    """The decoded ``Subject`` (RFC 2047 words as text); empty when there is none or it is unreadable."""
    try:
        headers = email.parser.BytesHeaderParser(policy=email.policy.default).parsebytes(raw)
        return str(headers.get("subject", ""))
    except (ValueError, LookupError):  # a malformed header or an unknown charset: still catch the mail
        return ""


def message_text(raw: bytes) -> tuple[list[tuple[str, str]], str]:
    """Headers (decoded) and the text body of a message: its plain part, else its HTML part, else the
    bytes after the headers as they are."""
    message = email.parser.BytesParser(policy=email.policy.default).parsebytes(raw)
    headers = [(name, str(value)) for name, value in message.items()]
    if isinstance(message, EmailMessage):
        try:
            part = message.get_body(preferencelist=("plain", "html"))
            if part is not None:
                content = part.get_content()
                if isinstance(content, str):
                    return headers, content
        except (ValueError, LookupError, KeyError):
            pass
    separator = b"\r\n\r\n" if b"\r\n\r\n" in raw else b"\n\n"
    return headers, raw.partition(separator)[2].decode("utf-8", "replace")


class MailStore:
    """The messages caught so far; safe to use from several threads."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.index = folder / "index.jsonl"
        self.lock = threading.Lock()
        folder.mkdir(parents=True, exist_ok=True)
        self.mails: list[CaughtMail] = self._read_index()

    def _read_index(self) -> list[CaughtMail]:
        if not self.index.exists():
            return []
        mails = []
        for line in self.index.read_text(encoding="utf-8").splitlines():
            try:
                mail = CaughtMail.from_data(json.loads(line))
            except (ValueError, KeyError, TypeError):
                continue  # a line cut short by a crash mid-write: the rest of the index is still good
            if (self.folder / f"{mail.id}.eml").exists():
                mails.append(mail)
        return mails

    def add(self, sender: str, recipients: list[str], raw: bytes) -> CaughtMail:
        now = datetime.now(UTC)
        mail = CaughtMail(
            id=f"{now:%Y%m%dT%H%M%S}-{secrets.token_hex(4)}",
            received=now.isoformat(timespec="milliseconds"),
            sender=sender,
            recipients=tuple(recipients),
            subject=_subject(raw),
            size=len(raw),
        )
        with self.lock:
            (self.folder / f"{mail.id}.eml").write_bytes(raw)  # the message first: an index line always has one
            with self.index.open("a", encoding="utf-8") as index:
                index.write(json.dumps(mail.to_data(), ensure_ascii=False) + "\n")
            self.mails.append(mail)
        return mail

    def list(self, to: str | None = None, limit: int | None = None) -> list[CaughtMail]:
        """Oldest first; ``to`` keeps the mails with that recipient (case-insensitive), ``limit`` the newest N."""
        with self.lock:
            mails = list(self.mails)
        if to is not None:
            wanted = to.casefold()
            mails = [mail for mail in mails if any(wanted == address.casefold() for address in mail.recipients)]
        return mails[-limit:] if limit is not None and limit > 0 else mails

    def get(self, mail_id: str) -> CaughtMail | None:
        with self.lock:
            return next((mail for mail in self.mails if mail.id == mail_id), None)

    def raw(self, mail_id: str) -> bytes | None:
        if not _ID.match(mail_id) or self.get(mail_id) is None:
            return None
        try:
            return (self.folder / f"{mail_id}.eml").read_bytes()
        except OSError:
            return None

    def count(self) -> int:
        with self.lock:
            return len(self.mails)

    def clear(self) -> int:
        """Forget every message (files and index); returns how many there were."""
        with self.lock:
            removed = len(self.mails)
            self.index.write_text("", encoding="utf-8")
            for path in self.folder.glob("*.eml"):
                path.unlink(missing_ok=True)
            self.mails = []
        return removed
