"""A small projection and helpers shared by the runtime's tests: a ``wp_things`` table (and
``wp_others``) projected into ``things``, with switches that make it fail, and records to feed it."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import httpx
from sqlalchemy import Column, Connection, Integer, MetaData, String, Table, select

from cdc.events import ChangeEvent, Tombstone, encode
from extracted.runtime import Change, Consumer, Delete, Store, Upsert

PREFIX = "wordpress.wordpress"
THINGS = f"{PREFIX}.wp_things"
OTHERS = f"{PREFIX}.wp_others"


class Things:
    """Projects ``wp_things`` and ``wp_others`` rows into ``things`` (others get ids + 1000).

    ``name == "boom"`` makes ``project`` fail (a dead letter); while ``broken`` is set,
    ``after_batch`` fails (the whole batch rolls back).
    """

    def __init__(self) -> None:
        self.metadata = MetaData()
        self.table = Table("things", self.metadata, Column("id", Integer, primary_key=True), Column("name", String))
        self.broken = threading.Event()
        self.lock = threading.Lock()
        #: (topic, row id, name) of every event ``project`` was called with
        self.projected: list[tuple[str, int, str]] = []
        #: the changes of every committed-to-be ``after_batch`` call that did not fail
        self.batches: list[int] = []
        self.after_batch_failures = 0

    def source_tables(self) -> Sequence[str]:
        return ["wp_things", "wp_others"]

    def project(self, event: ChangeEvent | Tombstone) -> Sequence[Change]:
        if isinstance(event, Tombstone):
            return []
        row = event.row or {}
        with self.lock:
            self.projected.append((event.topic, int(row["id"]), str(row.get("name"))))
        if row.get("name") == "boom":
            raise ValueError("cannot project boom")
        key = {"id": row["id"] + (1000 if event.topic.endswith("wp_others") else 0)}
        if event.op == "d":
            return [Delete("things", key)]
        return [Upsert("things", key, {"name": row["name"]})]

    def after_batch(self, connection: Connection, changes: Sequence[Change]) -> None:
        if self.broken.is_set():
            with self.lock:
                self.after_batch_failures += 1
            raise RuntimeError("after_batch is broken")
        with self.lock:
            self.batches.append(len(changes))


def change(topic: str, op: str, row: dict[str, Any]) -> tuple[bytes | None, bytes | None]:
    """The key and value CDC writes for ``op`` on ``row``."""
    before, after = (row, None) if op == "d" else (None, row)
    table = topic.rsplit(".", 1)[1]
    event = ChangeEvent(topic, {"id": row["id"]}, op, before, after, {"table": table, "ts_ms": 1000}, 1000)  # type: ignore[arg-type]
    return encode(event)


def names(store: Store) -> dict[int, str]:
    with store.engine.connect() as connection:
        return {row.id: row.name for row in connection.execute(select(store.metadata.tables["things"]))}


def eventually(check: Callable[[], object], what: str, timeout: float = 10.0) -> None:
    """Wait until ``check()`` is true; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(0.005)


@contextmanager
def running(consumer: Consumer) -> Iterator[threading.Thread]:
    """``consumer`` running in a thread; stopped (and checked stopped) at the end."""
    stop = threading.Event()
    thread = threading.Thread(target=consumer.run, args=(stop,), name="test-consumer", daemon=True)
    thread.start()
    try:
        yield thread
    finally:
        stop.set()
        thread.join(timeout=10)
        assert not thread.is_alive(), "the consumer did not stop"


def get(app: Any, path: str) -> httpx.Response:
    """GET ``path`` from an ASGI app, synchronously."""

    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            return await client.get(path)

    return asyncio.run(send())
