"""The registration page and rules as the installed WordPress 6.1 answers them, from php-cli.

``OfflineWordPress`` is a private document root of symlinks to the stock WordPress files with our own
``wp-config.php`` and a content directory whose ``db.php`` answers without a database server (the
request's options, no users) and whose must-use plugin records redirects (``php/``). A request runs
``wp-login.php`` in its own php-cli process with the superglobals PHP-FPM would have set, so WordPress
adds its magic quotes and reads its settings exactly as on a real request. ``RuleEvaluator`` keeps one
process with WordPress loaded and evaluates many inputs through ``register_new_user()`` and friends, against
the offline document root or a stack's (its real database, each registration rolled back).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from wordpress.phpeval import OFFLINE_WPDB, stop_line_process

PHP_DIR = Path(__file__).parent / "php"
WORDPRESS_FILES = Path("/usr/share/wordpress")
OWN_ENTRIES = frozenset({"wp-config.php", "wp-content"})


def php_unavailable() -> str | None:
    """Why the harness cannot run here, or None."""
    if shutil.which("php") is None:
        return "php-cli is not installed"
    if not (WORDPRESS_FILES / "wp-login.php").is_file():
        return f"WordPress is not installed in {WORDPRESS_FILES}"
    return None


@dataclass(frozen=True)
class PhpRequest:
    """One visit of ``wp-login.php``: what PHP-FPM would put in the superglobals."""

    options: Mapping[str, Any]
    method: str = "GET"
    query: Mapping[str, str] = field(default_factory=lambda: {"action": "register"})
    form: Mapping[str, str] = field(default_factory=dict)
    cookies: Mapping[str, str] = field(default_factory=dict)
    https: bool = False
    path: str = "/wp-login.php"
    posts: Sequence[Mapping[str, Any]] = ()
    meta: Mapping[int, Mapping[str, Sequence[str]]] = field(default_factory=dict)
    host: str | None = None  # the Host header (default: the home URL's)
    raw_uri: str | None = None  # REQUEST_URI as sent (default: the path and the query encoded)

    def as_json(self) -> dict[str, Any]:
        from urllib.parse import urlencode, urlsplit

        host = self.host or urlsplit(str(self.options.get("home", "http://localhost"))).netloc
        uri = self.raw_uri or self.path + ("?" + urlencode(dict(self.query)) if self.query else "")
        return {
            "method": self.method,
            "uri": uri,
            "host": host,
            "https": self.https,
            "get": dict(self.query),
            "post": dict(self.form),
            "cookies": dict(self.cookies),
            "options": dict(self.options),
            "posts": [dict(p) for p in self.posts],
            "meta": {str(post_id): {k: list(v) for k, v in meta.items()} for post_id, meta in self.meta.items()},
        }


@dataclass(frozen=True)
class PhpAnswer:
    body: str
    location: str | None
    status: int | None


def first_difference(ours: str, theirs: str) -> str:
    """Where two pages part, with some context (``""`` when they are equal)."""
    if ours == theirs:
        return ""
    at = next((i for i, (a, b) in enumerate(zip(ours, theirs, strict=False)) if a != b), min(len(ours), len(theirs)))
    return f"at {at}: ours {ours[max(0, at - 80) : at + 80]!r} / WordPress {theirs[max(0, at - 80) : at + 80]!r}"


class OfflineWordPress:
    """The private document root; ``answer`` runs requests (in parallel: one php-cli process each)."""

    def __init__(self, *, workers: int = 4) -> None:
        reason = php_unavailable()
        if reason is not None:
            raise RuntimeError(reason)
        self.root = Path(tempfile.mkdtemp(prefix="strangler-registration-"))
        self.docroot = self.root / "docroot"
        self.docroot.mkdir()
        for entry in WORDPRESS_FILES.iterdir():
            if entry.name not in OWN_ENTRIES:
                (self.docroot / entry.name).symlink_to(entry)
        (self.docroot / "wp-config.php").symlink_to(PHP_DIR / "wp-config.php")
        content = self.docroot / "wp-content"
        (content / "mu-plugins").mkdir(parents=True)
        (content / "plugins").mkdir()
        (content / "themes").symlink_to(WORDPRESS_FILES / "wp-content" / "themes")
        (content / "db.php").symlink_to(PHP_DIR / "db.php")
        (content / OFFLINE_WPDB.name).symlink_to(OFFLINE_WPDB)
        (content / "mu-plugins" / "harness.php").symlink_to(PHP_DIR / "harness.php")
        # Compiled scripts cached on disk: a request is then WordPress's work, not PHP's compiling (-40%).
        (self.root / "opcache").mkdir()
        self._opcache = ["-d", "opcache.enable_cli=1", "-d", f"opcache.file_cache={self.root / 'opcache'}",
                         "-d", "opcache.file_cache_only=1"]  # fmt: skip
        self._pool = ThreadPoolExecutor(max_workers=workers)
        self._count = 0

    def answer(self, requests: Iterable[PhpRequest]) -> list[PhpAnswer]:
        return list(self._pool.map(self._answer_one, list(requests)))

    def _answer_one(self, request: PhpRequest) -> PhpAnswer:
        with tempfile.TemporaryDirectory(dir=self.root) as scratch:
            request_file, answer_file = Path(scratch) / "request.json", Path(scratch) / "answer.json"
            request_file.write_text(json.dumps(request.as_json()))
            result = subprocess.run(
                ["php", "-d", "display_errors=stderr", *self._opcache, str(PHP_DIR / "request.php"),
                 str(self.docroot), str(request_file), str(answer_file)],
                capture_output=True, text=True, timeout=60, check=False,
            )  # fmt: skip
            if not answer_file.exists():
                raise RuntimeError(f"wp-login.php gave no answer ({result.returncode}): {result.stderr[-2000:]}")
            answer = json.loads(answer_file.read_text())
        redirect = answer.get("redirect") or {}
        return PhpAnswer(body=answer["body"], location=redirect.get("location"), status=redirect.get("status"))

    def close(self) -> None:
        self._pool.shutdown()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> OfflineWordPress:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class RuleEvaluator:
    """One php-cli process with WordPress loaded from ``docroot``, answering ``php/evaluate.php``'s requests."""

    def __init__(
        self, docroot: Path, *, boot_options: Mapping[str, Any] | None = None, transactions: bool = False
    ) -> None:
        command = ["php", "-d", "memory_limit=512M", str(PHP_DIR / "evaluate.php"), str(docroot)]
        env = {"PATH": "/usr/bin:/bin", "STRANGLER_REGISTRATION_OPTIONS": json.dumps(dict(boot_options or {}))}
        self._process = subprocess.Popen(
            [*command, "transactions"] if transactions else command,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8", env=env,
        )  # fmt: skip

    def evaluate(self, requests: Iterable[Mapping[str, Any]]) -> list[Any]:
        """Answers in order; all requests are written first (the answers are read by a thread meanwhile)."""
        lines = [json.dumps(dict(r)) + "\n" for r in requests]
        stdin, stdout = self._process.stdin, self._process.stdout
        assert stdin is not None and stdout is not None
        with ThreadPoolExecutor(max_workers=1) as reader:
            answers = reader.submit(lambda: [stdout.readline() for _ in lines])
            for line in lines:
                stdin.write(line)
            stdin.flush()
            raw = answers.result(timeout=600)
        outputs = []
        for line, request in zip(raw, lines, strict=True):
            if not line:
                raise RuntimeError(f"evaluate.php died before answering {request.strip()}")
            answer = json.loads(line)
            if "error" in answer:
                raise RuntimeError(f"evaluate.php failed on {request.strip()}: {answer['error']}")
            outputs.append(answer["output"])
        return outputs

    def close(self) -> None:
        stop_line_process(self._process)

    def __enter__(self) -> RuleEvaluator:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
