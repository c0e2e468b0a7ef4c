"""Process-wide tuning of the connector process for its streaming hot path (Linux, glibc).

Measured on the 2-core bench machine (``bench/cdc``):

* glibc returns freed heap memory to the kernel as soon as 128 KiB sit free at the top of the heap,
  and serves blocks of 128 KiB and more (our socket reads) with ``mmap``. A batch of a few thousand
  ~1.5 KB change events is freed at once after its Kafka commit, so the next batch page-faults its
  memory in again: ~2 page faults per event, which made encoding an event cost ~8 µs instead of
  ~1.5 µs. Raising both thresholds keeps that memory mapped (bounded by the largest batch,
  tens of MB).
* the cyclic garbage collector rescans every long-lived object of the process (modules, clients)
  as the hot path allocates; :func:`gc.freeze` moves what exists after start-up out of its way.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import sys

log = logging.getLogger("cdc")

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
TRIM_THRESHOLD = 256 << 20
MMAP_THRESHOLD = 32 << 20  # glibc's maximum for this setting on 64-bit is 32 MiB


def tune_malloc() -> bool:
    """Raise glibc's trim and mmap thresholds; False where that is not possible (not glibc)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    done = bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)) and bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))
    if not done:
        log.info("malloc tuning not applied: mallopt refused")
    return done


def freeze_startup_objects() -> None:
    """Call once everything is imported and configured, before streaming."""
    gc.collect()
    gc.freeze()


PR_SET_NAME = 15


def name_os_thread(name: str) -> None:
    """Give the calling thread ``name`` in the OS too (``top -H``, ``/proc/<pid>/task``), so that
    the CPU of the connector's threads can be told apart; best effort (Linux only)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.prctl(PR_SET_NAME, name.encode()[:15], 0, 0, 0)
    except (OSError, AttributeError):
        return
