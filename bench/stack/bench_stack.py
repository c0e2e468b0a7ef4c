"""Stack start-up times and memory: cold `up` (fresh home), warm `up` (all running), `up` after `down`.

Runs a private stack under a temporary STRANGLER_HOME on free ports and removes it at the end.
Prints a Markdown table for the README.
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from cli.stack import Stack, load_settings
from cli.stack.ports import free_port
from cli.stack.processes import group_members
from cli.stack.settings import DEFAULT_PORTS


def _group_rss_mb(pgid: int) -> float:
    total_kb = 0
    for pid in group_members(pgid):
        with contextlib.suppress(OSError, ValueError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
    return total_kb / 1024


def _timed(action: str, function: object) -> float:
    began = time.perf_counter()
    function()  # type: ignore[operator]
    elapsed = time.perf_counter() - began
    print(f"{action}: {elapsed:.2f} s", flush=True)
    return elapsed


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="strangler-bench-") as directory:
        ports = {name: free_port() for name in DEFAULT_PORTS}
        stack = Stack(load_settings(Path(directory) / "home", create=True, ports=ports))
        try:
            cold = _timed("cold up", stack.up)
            warm = _timed("warm up", stack.up)
            memory = {name: _group_rss_mb(stack.processes.pid(name) or -1) for name in stack.processes.names()}
            stack.down()
            restart = _timed("up after down", stack.up)
        finally:
            stack.down()
    print("\n| measurement | value |\n|---|---|")
    print(f"| cold `strangler up` | {cold:.1f} s |\n| warm `strangler up` | {warm:.2f} s |")
    print(f"| `strangler up` after `down` (data kept) | {restart:.1f} s |")
    for name, megabytes in sorted(memory.items()):
        print(f"| memory (RSS) of {name} | {megabytes:.0f} MB |")


if __name__ == "__main__":
    main()
