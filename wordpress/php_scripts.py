"""Run our PHP command-line scripts (``wordpress/php/*.php``) against the stock WordPress.

Each script reads one JSON request on stdin and answers one JSON object on stdout; the request
always carries the document root and public URL so the script loads our wp-config.php. A
:class:`PhpRunner` says where PHP runs: this machine's ``php`` by default, or a container's (a
compose stack's WordPress: ``podman exec -i NAME php``, with the scripts the image carries).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCRIPTS = Path(__file__).resolve().parent / "php"


@dataclass(frozen=True)
class PhpRunner:
    """The command that runs PHP (None: this machine's ``php``) and where it finds our scripts."""

    command: tuple[str, ...] | None = None
    scripts: str = str(SCRIPTS)


class PhpScriptError(RuntimeError):
    """A PHP script failed; the message carries its name and the end of its output."""


def run_php_script(
    script: str, request: dict[str, Any], *, timeout: float = 600.0, runner: PhpRunner | None = None
) -> dict[str, Any]:
    runner = runner or PhpRunner()
    if runner.command is None:
        php = shutil.which("php")
        if php is None:
            raise PhpScriptError("php (the php-cli package) is not installed")
        command: tuple[str, ...] = (php,)
    else:
        command = runner.command
    path = f"{runner.scripts.rstrip('/')}/{script}"
    result = subprocess.run(
        [*command, "-d", "display_errors=stderr", "-d", "memory_limit=1G", path],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    last_line = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    if result.returncode != 0 or not last_line.startswith("{"):
        raise PhpScriptError(
            f"{script} exited with {result.returncode}:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}".rstrip()
        )
    answer: dict[str, Any] = json.loads(last_line)
    return answer
