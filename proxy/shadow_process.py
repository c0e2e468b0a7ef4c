"""Shadow work in its own process: workers hand captures over a bounded multiprocessing queue
(a full queue drops and counts), so replaying to the service and comparing never competes with
visitors for a worker's event loop; on several cores it runs beside them."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue as queue_module
import signal
import threading
from multiprocessing.queues import Queue
from typing import TYPE_CHECKING

from proxy.app import ShadowCapture
from proxy.metrics import TrafficObserver

if TYPE_CHECKING:
    from proxy.server import ServeOptions

log = logging.getLogger("proxy.shadow")
CaptureQueue = Queue  # multiprocessing queue of ShadowCapture (None = stop)


class QueueShadowSink:
    """Worker side: never blocks the visitor."""

    def __init__(self, captures: CaptureQueue[ShadowCapture | None], observer: TrafficObserver) -> None:
        self._captures = captures
        self._observer = observer
        self.dropped = 0

    def submit(self, capture: ShadowCapture) -> None:
        try:
            self._captures.put_nowait(capture)
        except queue_module.Full:
            self.dropped += 1
            self._observer.shadow_dropped(capture.route.name)

    def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def aclose(self) -> None:
        return None


def _reader(captures: CaptureQueue[ShadowCapture | None], loop: asyncio.AbstractEventLoop, submit: object) -> None:
    while True:
        try:
            capture = captures.get()
        except (EOFError, OSError):
            return
        if capture is None:
            return
        loop.call_soon_threadsafe(submit, capture)  # type: ignore[arg-type]


async def _run(options: ServeOptions, captures: CaptureQueue[ShadowCapture | None]) -> None:
    from proxy.shadow import ShadowMirror
    from proxy.store import ComparisonStore
    from proxy.upstream import UpstreamTransport

    store = ComparisonStore(options.store)
    await asyncio.to_thread(store.create)
    observer = TrafficObserver()
    transport = UpstreamTransport()
    mirror = ShadowMirror(
        wordpress_url=options.wordpress, transport=transport, legacy_transport=transport, store=store,
        observer=observer, queue_size=options.shadow_queue_size, concurrency=options.shadow_concurrency,
    )  # fmt: skip
    mirror.start()
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    threading.Thread(target=_reader, args=(captures, loop, mirror.submit), daemon=True).start()
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 1.0)
        pending = observer.take()  # copies dropped here (service too slow) count like the workers'
        if pending:
            await asyncio.to_thread(store.add_traffic, pending)
    await mirror.stop()
    await transport.aclose()
    store.dispose()


def run_shadow_process(options: ServeOptions, captures: CaptureQueue[ShadowCapture | None]) -> None:
    logging.basicConfig(
        level=options.log_level.upper(), format="%(asctime)s %(process)d %(name)s %(levelname)s %(message)s"
    )
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    import uvloop

    uvloop.run(_run(options, captures))
