"""Wait until TCP addresses accept connections, then become a command: a container's start order.

    python -m cli.stack.wait_for [--timeout 300] HOST:PORT [HOST:PORT ...] -- COMMAND [ARG ...]

docker-compose.yml starts our components with it: podman-compose (1.0) starts every container at
once and ignores ``depends_on``'s conditions, and Podman without systemd runs no health-check timers,
so a container cannot count on its dependencies' health. Exits 1, naming what never answered, when
``--timeout`` seconds pass first.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from cli.stack.ports import port_accepts, split_host_port

__all__ = ["main", "parse_address", "wait_for"]


def parse_address(raw: str) -> tuple[str, int]:
    address = split_host_port(raw)
    if address is None:
        raise argparse.ArgumentTypeError(f"{raw!r} is not HOST:PORT")
    return address


def wait_for(addresses: list[tuple[str, int]], timeout: float) -> list[tuple[str, int]]:
    """The addresses that still refuse connections after ``timeout`` seconds (empty: all answer)."""
    deadline = time.monotonic() + timeout
    waiting = list(addresses)
    while waiting:
        waiting = [address for address in waiting if not port_accepts(*address, timeout=1.0)]
        if not waiting or time.monotonic() >= deadline:
            break
        time.sleep(0.5)
    return waiting


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if "--" not in arguments:
        print("usage: python -m cli.stack.wait_for [--timeout S] HOST:PORT ... -- COMMAND ...", file=sys.stderr)
        return 2
    split = arguments.index("--")
    parser = argparse.ArgumentParser(prog="python -m cli.stack.wait_for")
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("addresses", nargs="*", type=parse_address)
    options = parser.parse_args(arguments[:split])
    command = arguments[split + 1 :]
    if not command:
        parser.error("no command after --")
    missing = wait_for(options.addresses, options.timeout)
    if missing:
        names = ", ".join(f"{host}:{port}" for host, port in missing)
        print(f"wait_for: {names} did not answer within {options.timeout:.0f} s", file=sys.stderr)
        return 1
    os.execvp(command[0], command)


if __name__ == "__main__":
    sys.exit(main())
