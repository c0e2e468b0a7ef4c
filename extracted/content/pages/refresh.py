"""The worker that has WordPress render the pages' site-wide pieces again when their inputs changed.

Once the read model settled after a committed batch (its generation moved, then stayed ``SETTLE_S``)
it compares the digest of the pieces' inputs in the read model with the stored pieces' (``pieces``);
when they differ, and differ from what it last asked WordPress for, it runs
``wordpress/php/page_pieces.php`` with the installed PHP against the site's database and stores the
answer. A run whose inputs WordPress reports differently (its database is ahead of the CDC) is stored
anyway and not served until the read model catches up. Never on a request's path: requests only read
what is stored.

Settings (the service's ``--settings`` file, key ``wordpress_php``): ``docroot`` (a WordPress document
root whose wp-config.php reaches the site's database), ``public_url``, ``script`` (page_pieces.php),
optional ``command`` (how to run PHP, default ``["php"]``) and ``server_name`` (``$_SERVER['SERVER_NAME']``
as the site's web server sets it, default ``_``, as the stack's nginx). Without them there is no
worker and the pages are declined.
"""

from __future__ import annotations

import json
import logging
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from extracted.runtime import ConfigurationError
from extracted.runtime.answer_cache import Generation

from ..render_inputs import options
from .pieces import (
    INPUT_POST_TYPES,
    input_options,
    inputs_digest,
    model_inputs,
    pieces_metadata,
    save_pieces,
    stored_digest,
)

__all__ = ["PiecesRefresher", "WordPressPhp", "php_settings"]

log = logging.getLogger(__name__)
PHP_TIMEOUT_S = 300.0
#: how long the read model must stay unchanged before WordPress is asked: a consumer catching up
#: commits batch after batch, and only the last state is worth rendering
SETTLE_S = 0.3


@dataclass(frozen=True)
class WordPressPhp:
    """How to run a script of ours with the site's WordPress."""

    docroot: str
    public_url: str
    script: str
    command: tuple[str, ...] = ("php",)
    server_name: str = "_"

    def run(self, request: Mapping[str, Any]) -> dict[str, Any]:
        full = {"docroot": self.docroot, "public_url": self.public_url, "server_name": self.server_name, **request}
        result = subprocess.run(
            [*self.command, "-d", "display_errors=stderr", "-d", "memory_limit=512M", self.script],
            input=json.dumps(full),
            capture_output=True,
            text=True,
            timeout=PHP_TIMEOUT_S,
            check=False,
        )
        lines = result.stdout.strip().splitlines()
        if result.returncode != 0 or not lines or not lines[-1].startswith("{"):
            raise RuntimeError(f"{Path(self.script).name} exited {result.returncode}: {result.stderr[-1000:]}")
        answer: dict[str, Any] = json.loads(lines[-1])
        return answer


def php_settings(settings_file: str) -> WordPressPhp | None:
    """The ``wordpress_php`` settings of the service's settings file, or None without them."""
    if not settings_file:
        return None
    try:
        document = json.loads(Path(settings_file).read_text())
    except (OSError, ValueError) as error:
        raise ConfigurationError(f"cannot read the settings file {settings_file}: {error}") from error
    raw = document.get("wordpress_php")
    if raw is None:
        return None
    try:
        command: Sequence[str] = raw.get("command") or ("php",)
        return WordPressPhp(
            docroot=str(raw["docroot"]),
            public_url=str(raw["public_url"]),
            script=str(raw["script"]),
            command=tuple(str(part) for part in command),
            server_name=str(raw.get("server_name", "_")),
        )
    except (KeyError, TypeError, AttributeError) as error:
        raise ConfigurationError(f"{settings_file}: wordpress_php: needs docroot, public_url, script") from error


class PiecesRefresher:
    """A :class:`~extracted.runtime.types.Worker`: keeps the stored pieces made from the read model's inputs."""

    name = "page-pieces"

    def __init__(self, engine: Engine, php: WordPressPhp, generation: Generation) -> None:
        self._engine, self._php, self._generation = engine, php, generation
        self._asked: str | None = None  # the read model's digest when WordPress was last asked
        self._runs = 0
        self._failures = 0
        self._error = ""
        self._seconds = 0.0

    def run(self, stop: threading.Event) -> None:
        if not self._create_table(stop):
            return
        seen, changed_at, pending = -1, 0.0, False
        while not stop.is_set():
            if self._generation.value != seen:  # the read model moved: refresh once it has settled
                seen, changed_at, pending = self._generation.value, time.monotonic(), True
            if pending and time.monotonic() - changed_at >= SETTLE_S:
                pending = False
                try:
                    self.refresh()
                except Exception as error:  # retried at the next change, or after a pause
                    self._failures += 1
                    self._error = str(error)[:500]
                    self._asked = None
                    log.warning("page pieces: %s", error)
                    stop.wait(5.0)
                    pending = True
                    continue
            stop.wait(0.05)

    def _create_table(self, stop: threading.Event) -> bool:
        """Create the pieces' table, retrying while the store is busy (the service creates its read model
        at the same time, and SQLite refuses a second writer); False when stopped first."""
        while not stop.is_set():
            try:
                pieces_metadata.create_all(self._engine)
                return True
            except SQLAlchemyError as error:
                self._failures += 1
                self._error = str(error)[:500]
                log.warning("page pieces: cannot create their table yet: %s", error)
                stop.wait(1.0)
        return False

    def refresh(self) -> bool:
        """Ask WordPress for the pieces if the read model's inputs changed since it was last asked."""
        with self._engine.connect() as connection:
            inputs = model_inputs(connection)
            stylesheet = options(connection, ["stylesheet"]).get("stylesheet")
            stored = stored_digest(connection)
        wanted = inputs_digest(inputs)
        if wanted in (self._asked, stored):  # asked already, or WordPress's last answer was ahead of the CDC
            self._asked = wanted
            return False
        started = time.monotonic()
        answer = self._php.run({"options": input_options(stylesheet), "post_types": list(INPUT_POST_TYPES)})
        with self._engine.begin() as connection:
            made = save_pieces(connection, answer, int(time.time()))
        self._asked, self._runs, self._error = wanted, self._runs + 1, ""
        self._seconds = time.monotonic() - started
        self._generation.bump()  # cached pages of the old pieces are dropped
        if made != wanted:
            log.info("page pieces: WordPress's inputs differ from the read model's (CDC behind?)")
        return True

    def health(self) -> Mapping[str, Any]:
        return {
            "healthy": True,  # pages are declined while pieces are missing: the service itself stays up
            "runs": self._runs,
            "failures": self._failures,
            "last_seconds": round(self._seconds, 3),
            "last_error": self._error,
        }
