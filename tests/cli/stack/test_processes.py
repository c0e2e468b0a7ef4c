from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

from cli.stack.processes import ProcessTable, group_alive


def test_stop_takes_the_whole_process_group(tmp_path: Path) -> None:
    table = ProcessTable(tmp_path / "run", tmp_path / "logs")
    pid = table.start("forker", ["sh", "-c", "sleep 300 & sleep 300 & wait"])
    assert table.is_running("forker")
    time.sleep(0.2)
    assert table.stop("forker")
    assert not group_alive(pid)
    assert not table.is_running("forker")
    assert table.names() == []


def test_a_recycled_pid_is_not_ours(tmp_path: Path) -> None:
    table = ProcessTable(tmp_path / "run", tmp_path / "logs")
    table.start("short", ["sh", "-c", "exit 0"])
    time.sleep(0.3)
    record = table.record("short")
    assert record is not None
    (tmp_path / "run" / "short.json").write_text(
        (tmp_path / "run" / "short.json").read_text().replace(f'"started": {record.started}', '"started": 1')
    )
    assert not table.is_running("short")
    assert table.exited_early("short")


def test_logs_capture_output(tmp_path: Path) -> None:
    table = ProcessTable(tmp_path / "run", tmp_path / "logs")
    table.start("echo", ["sh", "-c", "echo hello-from-child"])
    time.sleep(0.3)
    assert "hello-from-child" in table.log_path("echo").read_text()


def test_the_stack_lock_is_exclusive_between_processes(tmp_path: Path) -> None:
    table = ProcessTable(tmp_path / "run", tmp_path / "logs")
    holder = ["import fcntl, sys, time", f"f = open({str(tmp_path / 'run' / 'stack.lock')!r}, 'a')",
              "fcntl.flock(f, fcntl.LOCK_EX)", "print('held', flush=True)", "sys.stdin.read()"]  # fmt: skip
    with table.exclusive() as held:
        assert held
    process = subprocess.Popen([sys.executable, "-c", "\n".join(holder)], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert process.stdout is not None and process.stdout.readline() == b"held\n"
        with table.exclusive(wait=False) as held:
            assert not held
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait()
        assert process.stdout is not None
        process.stdout.close()
    with table.exclusive(wait=False) as held:
        assert held


def test_stopping_removes_the_record_before_the_process_is_gone(tmp_path: Path) -> None:
    """The supervisor takes a recorded process that is not running for a crash: a stop must not
    leave such a state behind while it waits for the process to end."""
    table = ProcessTable(tmp_path / "run", tmp_path / "logs")
    table.start("slow", ["sh", "-c", "trap 'sleep 0.3; exit 0' TERM; while :; do sleep 0.05; done"])
    pid = table.pid("slow")
    assert pid is not None
    seen: list[bool] = []
    watcher = threading.Thread(target=lambda: seen.extend(_watch(table, pid)))
    watcher.start()
    assert table.stop("slow")
    watcher.join()
    assert seen and not any(seen)


def _watch(table: ProcessTable, pid: int) -> list[bool]:
    """While the group lives: whether it ever looked crashed (recorded, not running)."""
    states = []
    while group_alive(pid):
        states.append(table.record("slow") is not None and not table.is_running("slow"))
    return states
