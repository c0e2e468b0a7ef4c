"""Runs the Kafka transactions of the stream in a background thread.

A Kafka commit takes tens of milliseconds of network waiting (librdkafka releases the GIL), so
the pipeline keeps decoding the binlog into the next batch while the previous one commits.
Batches are committed strictly in order, each with the offset of exactly its own events; the
queue holds at most ``max_queued`` batches, which throttles decoding when Kafka is slow.
A failure is kept and raised as :class:`~cdc.errors.SinkError` on the pipeline's next call.
"""

from __future__ import annotations

import queue
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from cdc.errors import SinkError
from cdc.offsets import Offset
from cdc.runtime import name_os_thread
from cdc.sink import KafkaSink

Record = tuple[str, bytes | None, bytes | None]


@dataclass
class Batch:
    records: list[Record]
    offset: Offset
    counts: Counter[tuple[str, str]]


class Committer:
    def __init__(self, sink: KafkaSink, on_committed: Callable[[Batch], None], max_queued: int = 2) -> None:
        self._sink = sink
        self._on_committed = on_committed
        self._queue: queue.Queue[Batch | None] = queue.Queue(maxsize=max_queued)
        self._busy = 0  # batches submitted and not yet committed (only the pipeline thread adds)
        self._lock = threading.Lock()
        self._error: BaseException | None = None
        self._committing_since = 0.0  # monotonic start of the batch being committed, 0 when idle
        self._thread = threading.Thread(target=self._run, name="cdc-committer", daemon=True)
        self._thread.start()

    def is_idle(self) -> bool:
        """No batch is waiting or being committed."""
        return self._busy == 0

    def stalled_s(self) -> float:
        """How long the current Kafka transaction has been going (0 when none): Kafka is down
        or slow when this grows past a few seconds."""
        since = self._committing_since
        return time.monotonic() - since if since else 0.0

    def check(self) -> None:
        if self._error is not None:
            raise SinkError(f"kafka transaction failed: {self._error}") from self._error

    def submit(self, records: list[Record], offset: Offset, counts: Counter[tuple[str, str]]) -> None:
        self.check()
        with self._lock:
            self._busy += 1
        self._queue.put(Batch(records, offset, counts))

    def drain(self) -> None:
        """Wait until every submitted batch is committed (or failed)."""
        self._queue.join()
        self.check()

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(60)

    def _run(self) -> None:
        name_os_thread("cdc-committer")
        while True:
            batch = self._queue.get()
            try:
                if batch is None:
                    return
                if self._error is None:
                    self._committing_since = time.monotonic()
                    self._sink.send_all(batch.records)
                    self._sink.commit(batch.offset)
                    self._on_committed(batch)
            except BaseException as exc:  # handed to the pipeline thread, which restarts
                self._error = exc
            finally:
                self._committing_since = 0.0
                if batch is not None:
                    with self._lock:
                        self._busy -= 1
                self._queue.task_done()
