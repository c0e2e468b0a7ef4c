"""A service process a test starts itself: run until the block ends, then SIGTERM, which must exit 0."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

__all__ = ["service_process"]

REPOSITORY = Path(__file__).resolve().parents[1]


@contextmanager
def service_process(command: Sequence[str], what: str) -> Iterator[subprocess.Popen[bytes]]:
    """``command`` running from the repository; a process that does not stop within 20 s is killed."""
    process = subprocess.Popen(list(command), cwd=REPOSITORY)
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            exit_code = process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
        assert exit_code == 0, f"the {what} exited with {exit_code} on SIGTERM"
