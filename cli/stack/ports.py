"""Small waiting and port helpers shared by the component modules."""

from __future__ import annotations

import random
import socket
import time
from collections.abc import Callable
from pathlib import Path

_EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")
_LOWEST_PORT = 20000  # above the stack's default ports (18000…)
_handed_out: set[int] = set()


def split_host_port(raw: str) -> tuple[str, int] | None:
    """``HOST:PORT`` (``[::1]:PORT`` too) as (host, port); None when it is not one."""
    host, _, port = raw.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        return None
    return host.strip("[]"), int(port)


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def port_accepts(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _ephemeral_low() -> int:
    try:
        return int(_EPHEMERAL_RANGE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port(host: str = "127.0.0.1") -> int:
    """A free port below the kernel's ephemeral range, never the same one twice in a process.

    Why not bind to port 0: that hands out an ephemeral port, and until the component that was given
    it binds (a stack takes a minute to come up), any outgoing connection may take the same port as
    its local end — seen in CI as "address already in use" for a service's listen port.
    """
    high = _ephemeral_low()
    for _ in range(1000):
        port = random.randrange(_LOWEST_PORT, high)
        if port not in _handed_out and port_is_free(host, port):
            _handed_out.add(port)
            return port
    raise RuntimeError(f"no free port in {_LOWEST_PORT}-{high - 1} on {host}")


def wait_until(check: Callable[[], bool], timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        if check():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)
