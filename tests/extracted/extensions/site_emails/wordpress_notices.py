"""WordPress's own comment notices, from php-cli (``php/notices.php``), for the differential tests.

``WordPressNotices`` keeps one php-cli process with the installed WordPress loaded offline (our
``db.php`` answers from each case) and PHP's ``mail()`` writing to a private outbox through a
``sendmail_path`` script; ``mails(case)`` answers the raw mails one case sent.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from wordpress.phpeval import OFFLINE_WPDB, php_available, stop_line_process

PHP_DIR = Path(__file__).parent / "php"


class WordPressNotices:
    def __init__(self, *, empty_trash_days: int = 30) -> None:
        reason = php_available()
        if reason is not None:
            raise RuntimeError(reason)
        self.root = Path(tempfile.mkdtemp(prefix="strangler-site-emails-"))
        (self.root / "content").mkdir()
        (self.root / "outbox").mkdir()
        shutil.copy(PHP_DIR / "db.php", self.root / "content" / "db.php")
        shutil.copy(OFFLINE_WPDB, self.root / "content" / OFFLINE_WPDB.name)
        sendmail = self.root / "sendmail.sh"
        sendmail.write_text('#!/bin/sh\ncat > "$STRANGLER_OUTBOX/$(date +%s%N).eml"\n')
        sendmail.chmod(0o700)
        env = {
            "PATH": "/usr/bin:/bin",
            "STRANGLER_WP_CONTENT_DIR": str(self.root / "content"),
            "STRANGLER_OUTBOX": str(self.root / "outbox"),
            "STRANGLER_EMPTY_TRASH_DAYS": str(empty_trash_days),
        }
        self._process = subprocess.Popen(
            ["php", "-d", f"sendmail_path={sendmail}", "-d", "memory_limit=512M", str(PHP_DIR / "notices.php")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8", env=env,
        )  # fmt: skip

    def mails(self, case: Mapping[str, Any]) -> list[bytes]:
        return self.mails_and_keys(case)[0]

    def mails_and_keys(self, case: Mapping[str, Any]) -> tuple[list[bytes], list[str]]:
        """The raw mails, and the set-password keys ``get_password_reset_key`` made meanwhile."""
        stdin, stdout = self._process.stdin, self._process.stdout
        assert stdin is not None and stdout is not None
        stdin.write(json.dumps(dict(case)) + "\n")
        stdin.flush()
        line = stdout.readline()
        if not line:
            raise RuntimeError("notices.php died")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(answer["error"])
        return [mail.encode() for mail in answer["mails"]], list(answer.get("keys", []))

    def close(self) -> None:
        stop_line_process(self._process)
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> WordPressNotices:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
