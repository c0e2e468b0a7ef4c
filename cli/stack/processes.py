"""Start, find and stop the processes of the stack by pid, never by name.

Each process is started in a session of its own, so its pid is also its process-group id and
stopping the group takes its workers with it (nginx, PHP-FPM and uvicorn fork). A pid file records
the pid with the kernel's start time of that process, so a recycled pid is never mistaken for ours.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ProcessRecord:
    name: str
    pid: int
    started: int
    argv: list[str]
    log: str


def _stat_fields(pid: int) -> list[str] | None:
    """Fields of ``/proc/<pid>/stat`` from the state on (field 3), or None when the process is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after its closing one.
    return stat[stat.rindex(")") + 2 :].split()


def _start_time(pid: int) -> int | None:
    """The process's start time in clock ticks since boot, or None when it is gone (or a zombie)."""
    fields = _stat_fields(pid)
    if fields is None or fields[0] == "Z":
        return None
    return int(fields[19])


class ProcessTable:
    """The processes one STRANGLER_HOME started, recorded under ``run/<name>.json``."""

    def __init__(self, run_dir: Path, log_dir: Path) -> None:
        self.run_dir = run_dir
        self.log_dir = log_dir

    def _record_path(self, name: str) -> Path:
        return self.run_dir / f"{name}.json"

    def log_path(self, name: str) -> Path:
        return self.log_dir / f"{name}.log"

    def record(self, name: str) -> ProcessRecord | None:
        try:
            data = json.loads(self._record_path(name).read_text())
            return ProcessRecord(**data)
        except (OSError, ValueError, TypeError):
            return None

    def is_running(self, name: str) -> bool:
        record = self.record(name)
        return record is not None and _start_time(record.pid) == record.started

    def pid(self, name: str) -> int | None:
        record = self.record(name)
        return record.pid if record and self.is_running(name) else None

    def start(self, name: str, argv: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None) -> int:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_path(name)
        with log.open("ab") as log_file:
            log_file.write(f"\n--- {time.strftime('%Y-%m-%d %H:%M:%S')} starting {' '.join(argv)}\n".encode())
            log_file.flush()
            process = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                env={**os.environ, **(env or {})},
                cwd=cwd,
                start_new_session=True,
            )
        started = _start_time(process.pid) or 0
        record = ProcessRecord(name=name, pid=process.pid, started=started, argv=argv, log=str(log))
        self._record_path(name).write_text(json.dumps(record.__dict__))
        # The child is deliberately left running after we return; forget it without a ResourceWarning.
        process.returncode = 0
        return process.pid

    def exited_early(self, name: str) -> bool:
        return self.record(name) is not None and not self.is_running(name)

    def stop(self, name: str, *, timeout: float = 20.0) -> bool:
        """Stop the named process group: SIGTERM, then SIGKILL after ``timeout``. True if one ran.

        The record goes first, so the supervisor never takes a process we are stopping for a crash."""
        record = self.record(name)
        if record is None:
            return False
        was_running = self.is_running(name)
        self._record_path(name).unlink(missing_ok=True)
        if was_running:
            self._signal_group(record.pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and group_alive(record.pid):
                time.sleep(0.05)
            if group_alive(record.pid):
                self._signal_group(record.pid, signal.SIGKILL)
                while group_alive(record.pid):
                    time.sleep(0.05)
        return was_running

    def names(self) -> list[str]:
        if not self.run_dir.exists():
            return []
        return sorted(path.stem for path in self.run_dir.glob("*.json"))

    @contextlib.contextmanager
    def exclusive(self, *, wait: bool = True) -> Iterator[bool]:
        """Hold the stack's lock while starting or stopping components (``up``, ``down``, the
        supervisor's restarts), so two of them never start the same component. Yields whether the
        lock is held: with ``wait=False`` it may be busy."""
        self.run_dir.mkdir(parents=True, exist_ok=True)
        with (self.run_dir / "stack.lock").open("a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    @staticmethod
    def _signal_group(pgid: int, signum: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signum)


def group_members(pgid: int) -> list[int]:
    """The live (non-zombie) processes of process group ``pgid``."""
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields is not None and fields[0] != "Z" and int(fields[2]) == pgid:
                members.append(int(entry.name))
    return members


def group_alive(pgid: int) -> bool:
    """Whether any live process still belongs to process group ``pgid``."""
    # Reap our own direct child if it is one (a zombie would otherwise look alive).
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pgid, os.WNOHANG)
    return bool(group_members(pgid))
