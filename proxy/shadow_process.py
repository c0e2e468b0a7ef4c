"""Shadow work in its own process: workers hand captures over a unix socket
(`proxy.shadow_channel`; a full buffer drops and counts), so replaying to the service and comparing
never competes with visitors for a worker's event loop; on several cores it runs beside them, and
at a lower priority than the workers on a busy machine."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from pathlib import Path
from typing import TYPE_CHECKING

from proxy.metrics import TrafficObserver
from proxy.shadow_channel import serve_captures

if TYPE_CHECKING:
    from proxy.server import ServeOptions

log = logging.getLogger("proxy.shadow")


def _yield_cpu_to_visitors() -> None:
    """SCHED_IDLE: the kernel runs this process only on CPU time nobody else wants, and preempts it
    at once for a worker. Shadow copies then queue up and drop (counted) on a busy machine instead
    of comparisons slowing down the visitors' answers (measured: nice 10 still cost them ~50%)."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError) as exc:  # not Linux, or not allowed
        log.info("shadow process: SCHED_IDLE unavailable (%s); using nice 19", exc)
        os.nice(19)


async def _run(options: ServeOptions, channel: Path) -> None:
    from proxy.shadow import ShadowMirror
    from proxy.store import open_store
    from proxy.upstream import UpstreamTransport

    store = open_store(options.store)
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
    server = await serve_captures(channel, mirror.submit, options.shadow_linger)
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 1.0)
        observer.publish()
        pending = observer.take()  # copies dropped here (service too slow) count like the workers'
        if pending:
            await asyncio.to_thread(store.add_traffic, pending)
    server.close()
    await mirror.stop()
    await transport.aclose()
    store.dispose()


def run_shadow_process(options: ServeOptions, channel: Path) -> None:
    logging.basicConfig(
        level=options.log_level.upper(), format="%(asctime)s %(process)d %(name)s %(levelname)s %(message)s"
    )
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    _yield_cpu_to_visitors()
    import uvloop

    uvloop.run(_run(options, channel))
