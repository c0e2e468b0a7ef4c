"""Evaluate WordPress's own formatting functions in a persistent PHP process.

The Python half of the formatting differential harness: ``wordpress/php/formatting/runner.php`` loads the
installed WordPress (unmodified, with an offline database drop-in in a private content directory) and
answers one JSON line per request, so thousands of inputs cost one WordPress bootstrap.

    with PhpFormatter(options) as php:
        html = php.evaluate("the_content", raw, post=..., posts=[...], meta={...})
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

RUNNER_DIR = Path(__file__).parent / "php" / "formatting"
#: the base class of every offline db.php drop-in; placed beside it in the content directory
OFFLINE_WPDB = Path(__file__).parent / "php" / "offline_wpdb.php"
DEFAULT_ABSPATH = Path("/usr/share/wordpress")

JsonObject = Mapping[str, Any]


class PhpEvalError(RuntimeError):
    """The PHP runner could not start, died, or failed to evaluate a request."""


def php_available(abspath: Path = DEFAULT_ABSPATH) -> str | None:
    """Why the harness cannot run here, or None when php-cli and WordPress are both installed."""
    if shutil.which("php") is None:
        return "php-cli is not installed"
    if not (abspath / "wp-settings.php").is_file():
        return f"WordPress is not installed in {abspath}"
    return None


def stop_line_process(process: subprocess.Popen[str]) -> None:
    """End a PHP process that reads one request per line: close its input, wait up to 10 s, else kill."""
    if process.stdin is not None:
        process.stdin.close()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stdout is not None:
        process.stdout.close()


class PhpFormatter:
    """One PHP process with WordPress loaded; requests are answered in order, one line each."""

    def __init__(self, options: JsonObject, *, abspath: Path = DEFAULT_ABSPATH) -> None:
        reason = php_available(abspath)
        if reason is not None:
            raise PhpEvalError(reason)
        self._content_dir = Path(tempfile.mkdtemp(prefix="strangler-wp-content-"))
        shutil.copy(RUNNER_DIR / "db.php", self._content_dir / "db.php")
        shutil.copy(OFFLINE_WPDB, self._content_dir / OFFLINE_WPDB.name)
        (self._content_dir / "themes").symlink_to(abspath / "wp-content" / "themes")
        (self._content_dir / "plugins").mkdir()
        self._abspath = abspath
        self._options = dict(options)
        self._start()

    def _start(self) -> None:
        env = {
            "PATH": "/usr/bin:/bin",
            "STRANGLER_WP_ABSPATH": str(self._abspath),
            "STRANGLER_WP_CONTENT_DIR": str(self._content_dir),
            "STRANGLER_WP_OPTIONS": json.dumps(self._options),
        }
        try:
            self._process = subprocess.Popen(
                ["php", "-d", "memory_limit=512M", str(RUNNER_DIR / "runner.php")],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=env,
                text=True,
                encoding="utf-8",
            )
        except OSError as error:
            shutil.rmtree(self._content_dir, ignore_errors=True)
            raise PhpEvalError(f"cannot start php: {error}") from error

    def evaluate(
        self,
        fn: str,
        text: str,
        *,
        options: JsonObject | None = None,
        post: JsonObject | None = None,
        posts: Sequence[JsonObject] = (),
        meta: Mapping[int, Mapping[str, Sequence[object]]] | None = None,
        **extra: object,
    ) -> str:
        """The output of WordPress's ``fn`` for ``text`` (see runner.php for the functions offered)."""
        request: dict[str, object] = {"fn": fn, "text": text, **extra}
        if options:
            request["options"] = dict(options)
        if post is not None:
            request["post"] = dict(post)
        if posts:
            request["posts"] = [dict(p) for p in posts]
        if meta:
            request["meta"] = {str(k): dict(v) for k, v in meta.items()}
        return self.evaluate_many([request])[0]

    def evaluate_many(self, requests: Iterable[JsonObject]) -> list[str]:
        """Answers for many requests, in order (one round trip each: no pipe can fill up)."""
        return [output for output, _ in self.evaluate_timed(requests)]

    def evaluate_timed(self, requests: Iterable[JsonObject]) -> list[tuple[str, float]]:
        """Answers with the seconds WordPress spent computing each (inside PHP, without the round trip)."""
        stdin, stdout = self._process.stdin, self._process.stdout
        assert stdin is not None and stdout is not None
        answers: list[tuple[str, float]] = []
        try:
            for request in requests:
                stdin.write(json.dumps(request) + "\n")
                stdin.flush()
                answers.append(self._read(stdout))
        except (BrokenPipeError, ValueError) as error:
            raise PhpEvalError(f"the PHP runner died: {error}") from error
        return answers

    @staticmethod
    def _read(stdout: Any) -> tuple[str, float]:
        line = stdout.readline()
        if not line:
            raise PhpEvalError("the PHP runner exited without answering")
        answer = json.loads(line)
        if "error" in answer:
            raise PhpEvalError(answer["error"])
        return str(answer["output"]), float(answer["seconds"])

    def restart(self) -> None:
        """A fresh PHP process (after a failed request left WordPress's state half-changed)."""
        self._stop()
        self._start()

    def close(self) -> None:
        self._stop()
        shutil.rmtree(self._content_dir, ignore_errors=True)

    def _stop(self) -> None:
        stop_line_process(self._process)

    def __enter__(self) -> PhpFormatter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
