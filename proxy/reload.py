"""The live route table: loaded from the YAML file, reloaded on change or SIGHUP; a bad file is
refused and the previous table keeps serving."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

from proxy.config import load_table, table_from_data, write_table
from proxy.errors import RouteConfigError
from proxy.types import RouteTable

log = logging.getLogger("proxy.routes")

_Stamp = tuple[int, int, int] | None


def _stamp(path: Path) -> _Stamp:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


class RouteTableHolder:
    def __init__(self, path: Path, on_reload: Callable[[bool], None] | None = None) -> None:
        self.path = path
        self._on_reload = on_reload
        self._stamp = _stamp(path)
        self.table: RouteTable = load_table(path)  # at startup a bad file is fatal: raise
        self.loaded_at = time.time()
        self.last_error: str | None = None
        self._task: asyncio.Task[None] | None = None

    def reload(self) -> RouteTable:
        """Re-reads the file; raises RouteConfigError (old table kept) if it is invalid."""
        self._stamp = _stamp(self.path)
        try:
            table = load_table(self.path)
        except RouteConfigError as exc:
            self.last_error = str(exc)
            log.error("route table refused, keeping the previous one: %s", exc)
            if self._on_reload:
                self._on_reload(False)
            raise
        self.table, self.loaded_at, self.last_error = table, time.time(), None
        log.info("route table loaded from %s: %d routes", self.path, len(table.routes))
        if self._on_reload:
            self._on_reload(True)
        return table

    def try_reload(self) -> None:
        with contextlib.suppress(RouteConfigError):
            self.reload()

    def replace(self, data: object) -> RouteTable:
        """Validates new table data (admin API), writes the file, and serves it at once."""
        table = table_from_data(data, "admin API")
        write_table(self.path, table)
        return self.reload()

    async def _watch(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            if _stamp(self.path) != self._stamp:
                self.try_reload()

    def start(self, interval: float = 0.5) -> None:
        self._task = asyncio.get_running_loop().create_task(self._watch(interval))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
