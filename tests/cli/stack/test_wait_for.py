"""cli.stack.wait_for: a container's start order, against real sockets."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import pytest

from cli.stack.ports import free_port
from cli.stack.wait_for import main, parse_address, wait_for


def test_addresses_parse_as_host_and_port() -> None:
    assert parse_address("kafka:19092") == ("kafka", 19092)
    assert parse_address("[::1]:3306") == ("::1", 3306)
    for wrong in ("kafka", "kafka:", ":19092", "kafka:0", "kafka:99999"):
        with pytest.raises(Exception, match="HOST:PORT"):
            parse_address(wrong)


def test_a_listening_address_is_not_waited_for_and_a_closed_one_is_reported() -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        listening = ("127.0.0.1", server.getsockname()[1])
        closed = ("127.0.0.1", free_port())
        started = time.monotonic()
        assert wait_for([listening], timeout=30) == []
        assert time.monotonic() - started < 5
        assert wait_for([listening, closed], timeout=1) == [closed]


def test_the_command_runs_once_the_addresses_answer() -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        address = f"127.0.0.1:{server.getsockname()[1]}"
        command = [sys.executable, "-m", "cli.stack.wait_for", address, "--", sys.executable, "-c", "print('ran')"]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert (result.returncode, result.stdout) == (0, "ran\n"), result.stderr


def test_it_exits_1_naming_what_never_answered_and_2_without_a_command(capsys: pytest.CaptureFixture[str]) -> None:
    port = free_port()
    assert main(["--timeout", "0.5", f"127.0.0.1:{port}", "--", "true"]) == 1
    assert f"127.0.0.1:{port} did not answer" in capsys.readouterr().err
    assert main(["127.0.0.1:1"]) == 2
