"""Run our PHP command-line scripts (``wordpress/php/*.php``) against the stock WordPress.

Each script reads one JSON request on stdin and answers one JSON object on stdout; the request
always carries the document root and public URL so the script loads our wp-config.php.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

SCRIPTS = Path(__file__).resolve().parent / "php"


class PhpScriptError(RuntimeError):
    """A PHP script failed; the message carries its name and the end of its output."""


def run_php_script(script: str, request: dict[str, Any], *, timeout: float = 600.0) -> dict[str, Any]:
    php = shutil.which("php")
    if php is None:
        raise PhpScriptError("php (the php-cli package) is not installed")
    path = SCRIPTS / script
    result = subprocess.run(
        [php, "-d", "display_errors=stderr", "-d", "memory_limit=1G", str(path)],
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
