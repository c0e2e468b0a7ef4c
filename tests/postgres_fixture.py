"""A PostgreSQL server of the test session's own: Debian's binaries, a throwaway cluster, a free port.

``postgres_server`` (session) starts it once; ``postgres_database`` (per test) creates an empty
database on it and yields its URL. Import both into a ``conftest.py`` to use them. Without Debian's
``postgresql`` package (``/usr/lib/postgresql/*/bin``), or without psycopg 3 (the ``postgres`` extra),
the tests that ask for them are skipped.

PostgreSQL refuses to run as root: as root the cluster belongs to the ``postgres`` user (which the
Debian package creates), in a directory of its own outside pytest's root-only temp tree.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cli.stack.ports import free_port

__all__ = [
    "PostgresServer",
    "PostgresUnavailableError",
    "postgres_bin_dir",
    "postgres_cluster",
    "postgres_database",
    "postgres_server",
]

SUPERUSER = "strangler"
_database_numbers = itertools.count(1)


def postgres_bin_dir() -> Path | None:
    """The newest installed PostgreSQL's bin directory (Debian's layout), or None."""
    found = sorted(
        (Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin") if Path(p, "pg_ctl").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    return found[-1] if found else None


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    bin_dir: Path
    data_dir: Path

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@{self.host}:{self.port}/{database}"

    def execute(self, sql: str, database: str = "postgres") -> list[tuple[Any, ...]]:
        """Runs one SQL command as the superuser, outside a transaction (``CREATE DATABASE`` needs
        that); returns its rows, if any."""
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True, connect_timeout=10) as conn:
            cursor = conn.execute(sql.encode())
            return cursor.fetchall() if cursor.description else []

    def create_database(self, name: str) -> str:
        self.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _as_owner(command: list[str], owner: str | None) -> list[str]:
    return ["runuser", "-u", owner, "--", *command] if owner else command


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")


class PostgresUnavailableError(Exception):
    """Debian's PostgreSQL, psycopg 3 or (as root) the ``postgres`` user is missing: why, for a skip."""


@contextmanager
def postgres_cluster() -> Iterator[PostgresServer]:
    """A throwaway cluster on a free port, removed at the end (raises :class:`PostgresUnavailableError`)."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        raise PostgresUnavailableError(
            "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/pg_ctl): apt-get install postgresql"
        )
    try:
        import psycopg  # noqa: F401
    except ImportError as error:
        raise PostgresUnavailableError("psycopg 3 is not installed: pip install -e '.[postgres]'") from error
    owner: str | None = None
    root = Path(tempfile.mkdtemp(prefix="strangler-pg-"))
    if os.geteuid() == 0:
        owner = "postgres"
        try:
            account = pwd.getpwnam(owner)
        except KeyError as error:
            shutil.rmtree(root, ignore_errors=True)
            raise PostgresUnavailableError(
                "running as root, and there is no 'postgres' user to own the cluster"
            ) from error
        os.chown(root, account.pw_uid, account.pw_gid)
    data_dir, port = root / "data", free_port()
    try:
        _run(_as_owner([str(bin_dir / "initdb"), "-D", str(data_dir), "-U", SUPERUSER, "--auth=trust",
                        "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], owner), "initdb")  # fmt: skip
        # a throwaway cluster: durability traded for speed; the socket stays in the cluster's directory
        options = f"-p {port} -c listen_addresses=127.0.0.1 -k {root} -c fsync=off -c synchronous_commit=off"
        _run(_as_owner([str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-l", str(root / "server.log"),
                        "-o", options, "-w", "-t", "30", "start"], owner), "pg_ctl start")  # fmt: skip
    except RuntimeError:
        shutil.rmtree(root, ignore_errors=True)
        raise
    try:
        yield PostgresServer("127.0.0.1", port, bin_dir, data_dir)
    finally:
        stop = [str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-m", "immediate", "-w", "stop"]
        subprocess.run(_as_owner(stop, owner), capture_output=True, timeout=60, check=False)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    with ExitStack() as stack:
        try:
            server = stack.enter_context(postgres_cluster())
        except PostgresUnavailableError as error:
            pytest.skip(str(error))
        yield server


@pytest.fixture
def postgres_database(postgres_server: PostgresServer) -> str:
    """The URL of an empty database of this test's own (left for the cluster's removal to drop)."""
    return postgres_server.create_database(f"test_{os.getpid()}_{next(_database_numbers)}")
