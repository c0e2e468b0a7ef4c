"""Typed Python API behind ``python -m cdc`` and the lead's ``strangler cdc run|status|snapshot``.

* :func:`run` - run the connector in this process until SIGTERM/SIGINT; returns the exit code
  (0 clean stop, 2 refused to start, 1 unexpected error);
* :func:`status` - the running connector's ``/healthz`` document;
* :func:`snapshot` - ask the running connector to re-snapshot tables, optionally waiting with a
  progress callback (for a progress bar);
* :func:`require_snapshot` - on a *stopped* connector (e.g. after the binlog was purged), mark
  the stored offset so that the next start takes a fresh initial snapshot.
"""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import replace
from types import FrameType
from typing import Any

from cdc.config import CdcConfig
from cdc.errors import CdcError, RefusedError
from cdc.http import ControlServer
from cdc.offsets import Offset
from cdc.pipeline import Pipeline
from cdc.runtime import freeze_startup_objects, tune_malloc
from cdc.sink import KafkaSink
from cdc.stats import Stats

EXIT_OK, EXIT_ERROR, EXIT_REFUSED = 0, 1, 2
log = logging.getLogger("cdc")


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, msg (+ exc)."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": round(record.created, 3),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data)


def configure_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLogFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("kafka").setLevel(logging.WARNING)


def run(config: CdcConfig, *, install_signals: bool = True, on_listening: Callable[[str], None] | None = None) -> int:
    stats = Stats()
    stop = threading.Event()
    pipeline = Pipeline(config, stats, stop)
    server = ControlServer(config.listen_address, stats, pipeline.request_snapshot, config.admin_token)
    server.start()
    url = "http://{}:{}".format(*server.address)
    log.info("listening on %s", url)
    if on_listening:
        on_listening(url)

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %d: stopping after the current batch", signum)
        stop.set()

    if install_signals:
        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
    tune_malloc()
    freeze_startup_objects()
    try:
        pipeline.run()
        return EXIT_OK
    except RefusedError as exc:
        log.error("%s", exc)
        print(str(exc), file=sys.stderr)
        return EXIT_REFUSED
    except Exception:
        log.exception("unexpected failure")
        return EXIT_ERROR
    finally:
        server.close()


def _request(
    url: str, data: dict[str, Any] | None = None, timeout: float = 5.0, admin_token: str = ""
) -> dict[str, Any]:
    body = json.dumps(data).encode() if data is not None else None
    headers = {"Content-Type": "application/json"}
    if admin_token:
        headers["Authorization"] = f"Bearer {admin_token}"
    req = urllib.request.Request(url, data=body, method="POST" if body is not None else "GET", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            result: dict[str, Any] = json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        if exc.code == 401:
            raise CdcError(f"{url} refused the request: wrong or missing admin token") from exc
        result = json.loads(exc.read() or b"{}")  # 503 still carries the status document
    except (urllib.error.URLError, OSError) as exc:
        raise CdcError(f"CDC not reachable at {url}: {exc}") from exc
    return result


def status(url: str) -> dict[str, Any]:
    """``url`` is the connector's --listen base URL, e.g. ``http://127.0.0.1:8089``."""
    return _request(url.rstrip("/") + "/healthz")


def snapshot(
    url: str,
    tables: list[str],
    *,
    wait: bool = True,
    timeout_s: float = 3600,
    on_progress: Callable[[dict[str, Any]], None] | None = None,
    admin_token: str = "",
) -> dict[str, Any]:
    """Re-snapshot ``tables`` (empty = all) while streaming continues; returns the final
    snapshot progress document (``state`` is ``done`` or ``failed``)."""
    base = url.rstrip("/")
    request_id = _request(base + "/snapshot", {"tables": tables}, admin_token=admin_token)["request_id"]
    deadline = time.monotonic() + timeout_s
    progress: dict[str, Any] = {"state": "queued", "request_id": request_id}
    while wait and time.monotonic() < deadline:
        progress = status(base)["snapshot"]
        if progress.get("request_id") == request_id:
            if on_progress:
                on_progress(progress)
            if progress["state"] in ("done", "failed"):
                break
        time.sleep(0.2)
    return progress


def require_snapshot(config: CdcConfig) -> None:
    """Make the next start of a stopped connector take a full snapshot (e.g. binlog purged).

    Uses the connector's transactional id, so it also fences a connector that is still running.
    """
    sink = KafkaSink(config.bootstrap, config.transactional_id, config.offsets_topic, config.prefix)
    try:
        current = sink.start()
        marker = (
            replace(current, snapshot_required=True, txn_gtid=None, txn_rows=0)
            if current
            else Offset("mariadb", "", snapshot_required=True)
        )
        sink.commit(marker)
    finally:
        sink.close()
