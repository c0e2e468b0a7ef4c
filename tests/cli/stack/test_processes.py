from __future__ import annotations

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
