"""Shadow mirroring: after the visitor got WordPress's answer, the request is replayed to the
service through a bounded queue (drops counted) and both answers are compared. For a sample of safe
requests, WordPress is asked a second time and the fields that differ between its own answers become
noise. Copies of a route with a dry-run contract carry ``X-Strangler-Dry-Run: 1``."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import random
import time

from proxy.app import ShadowCapture
from proxy.errors import StoreError, UpstreamError
from proxy.headers import CREDENTIAL_HEADERS, get_header
from proxy.metrics import COMPARISONS, SHADOW_QUEUE, TrafficObserver
from proxy.outcomes import Outcome, outcome_of
from proxy.parity import HttpResponse, ParityRules, compare_responses, detect_noise
from proxy.parity.compare import decoded_body
from proxy.parity.ties import tie_rules
from proxy.replay import UNAVAILABLE_HEADER
from proxy.store import ComparisonRecord
from proxy.types import DRY_RUN_HEADER, SORT_KEYS_HEADER, ComparisonStorage, RawHeaders, ShadowRules, Transport

log = logging.getLogger("proxy.shadow")
MAX_STORED_BODY = 64 * 1024  # bytes of each body kept with a comparison
MAX_CANDIDATE_BODY = 4 << 20
NOISE_REFRESH_SECONDS = 5.0


def shadow_headers(headers: RawHeaders, rules: ShadowRules) -> RawHeaders:
    """A copy's headers: credentials stripped unless the route forwards them; ``X-Strangler-Dry-Run: 1``
    added for a route with a dry-run contract (any such header of the visitor's was dropped already);
    ``X-Strangler-Sort-Keys: 1`` asks the service for the sort keys its answer does not show
    (``parity.ties``)."""
    if not rules.forward_credentials:
        headers = [(k, v) for k, v in headers if k.lower() not in CREDENTIAL_HEADERS]
    if rules.dry_run:
        headers = [*headers, (DRY_RUN_HEADER, b"1")]
    return [*headers, (SORT_KEYS_HEADER, b"1")]


async def _fetch(
    transport: Transport, method: str, url: str, headers: RawHeaders, *, body: bytes | None, timeout: float
) -> tuple[HttpResponse, float]:
    started = time.perf_counter()
    response = await transport.open(method, url, headers, body, timeout)
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(timeout):
            async for chunk in response.body():
                size += len(chunk)
                if size > MAX_CANDIDATE_BODY:
                    raise UpstreamError(f"answer larger than {MAX_CANDIDATE_BODY} bytes")
                chunks.append(chunk)
    except TimeoutError as exc:
        raise UpstreamError(f"body not complete within {timeout}s") from exc
    finally:
        await response.aclose()
    elapsed = (time.perf_counter() - started) * 1000
    return HttpResponse.from_raw(response.status, response.headers, b"".join(chunks)), elapsed


def _text(body: bytes) -> str:
    return body[:MAX_STORED_BODY].decode("utf-8", "replace")


def _host(headers: RawHeaders) -> str | None:
    host = get_header(headers, b"host")
    return host.decode("latin-1")[:300] if host else None


class ShadowMirror:
    def __init__(
        self,
        wordpress_url: str,
        *,
        transport: Transport,
        legacy_transport: Transport,
        store: ComparisonStorage,
        observer: TrafficObserver,
        queue_size: int = 1000,
        concurrency: int = 8,
    ) -> None:
        self._wordpress = wordpress_url.rstrip("/")
        self._transport = transport
        self._legacy = legacy_transport
        self._store = store
        self._observer = observer
        self._queue: asyncio.Queue[ShadowCapture] = asyncio.Queue(maxsize=queue_size)
        self._concurrency = concurrency
        self._tasks: list[asyncio.Task[None]] = []
        self._results: list[ComparisonRecord] = []
        self._noise: dict[str, frozenset[str]] = {}
        self._noise_loaded = 0.0
        self.dropped = 0

    def submit(self, capture: ShadowCapture) -> None:
        """Never blocks the visitor: a full queue drops the copy and counts it."""
        try:
            self._queue.put_nowait(capture)
        except asyncio.QueueFull:
            self.dropped += 1
            self._observer.shadow_dropped(capture.route.name)
            return

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(self._worker()) for _ in range(self._concurrency)]
        self._tasks.append(loop.create_task(self._writer()))

    async def drain(self) -> None:
        """Waits until every queued copy was compared and stored (tests, shutdown)."""
        await self._queue.join()
        await self._flush()

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        await self._flush()

    async def aclose(self) -> None:
        if self._transport is not self._legacy:
            await self._legacy.aclose()

    async def _worker(self) -> None:
        while True:
            capture = await self._queue.get()
            try:
                started = time.perf_counter()
                record = await self.compare(capture)
                self._results.append(record)
                log.debug(
                    "compared %s %s: %s in %.1f ms",
                    capture.method,
                    capture.target,
                    record.outcome,
                    (time.perf_counter() - started) * 1000,
                )
            except Exception:
                log.exception("shadow comparison failed for %s %s", capture.method, capture.target)
            finally:
                self._queue.task_done()

    async def _writer(self) -> None:
        while True:
            await asyncio.sleep(0.25)
            SHADOW_QUEUE.set(self._queue.qsize())  # sampled: a shared-memory write per copy cost the CPU it measures
            await self._flush()

    async def _flush(self) -> None:
        records, self._results = self._results, []
        if not records:
            return
        try:
            await asyncio.to_thread(self._store.add_comparisons, records)
        except StoreError:
            log.exception("dropping %d comparisons", len(records))

    async def _noise_for(self, route: str) -> frozenset[str]:
        if time.monotonic() - self._noise_loaded > NOISE_REFRESH_SECONDS:
            self._noise_loaded = time.monotonic()
            try:
                self._noise = await asyncio.to_thread(self._store.noise)
            except Exception:
                log.exception("cannot load noise fields")
        return self._noise.get(route, frozenset())

    async def compare(self, capture: ShadowCapture) -> ComparisonRecord:
        route = capture.route
        legacy = HttpResponse.from_raw(capture.legacy_status, capture.legacy_headers, capture.legacy_body)
        base = {
            "ts": time.time(),
            "route": route.name,
            "method": capture.method,
            "target": capture.target,
            "legacy_status": capture.legacy_status,
            "legacy_ms": capture.legacy_seconds * 1000,
            "host": _host(capture.headers),
        }
        if capture.legacy_truncated:
            return self._record(base, Outcome.SKIPPED, error="WordPress answer too large to compare")
        # bodies are kept for investigating differences only: decoded lazily (see _record)
        base["legacy_body"] = legacy
        rules = ParityRules(headers=route.compare.headers, ignore=route.compare.ignore, masks=route.compare.masks)
        headers = shadow_headers(capture.headers, route.shadow)
        try:
            candidate, candidate_ms = await _fetch(
                self._transport,
                capture.method,
                route.service_url + capture.target,
                headers,
                body=capture.body,
                timeout=route.timeout,
            )
        except UpstreamError as exc:
            return self._record(base, Outcome.ERROR, error=f"service: {exc}")
        declined = candidate.header(UNAVAILABLE_HEADER.decode()) if candidate.status == 503 else None
        if declined is not None:  # as in cutover, where the proxy falls back: WordPress's answer stands
            return self._record(base, Outcome.DECLINED, candidate_status=503, candidate_ms=candidate_ms,
                                error=f"declined by the service: {declined}")  # fmt: skip
        # WordPress asked again only when that cannot act twice (a dry run concerns the service alone)
        if capture.safe and random.random() * 100 < route.shadow.noise_sample_percent:
            await self._learn_noise(capture, legacy, rules)
        noise = await self._noise_for(route.name)
        order = tie_rules(capture.target)
        result = compare_responses(legacy, candidate, dataclasses.replace(rules, noise=noise, order=order))
        outcome = outcome_of(result)
        return self._record(
            base,
            outcome,
            candidate_status=candidate.status,
            candidate_ms=candidate_ms,
            diff=None if outcome is Outcome.MATCH else json.dumps(result.to_dict(), default=str),
            candidate_body=candidate,
        )

    async def _learn_noise(self, capture: ShadowCapture, legacy: HttpResponse, rules: ParityRules) -> None:
        log.debug("noise sample: asking WordPress again for %s", capture.target)
        try:
            again, _ = await _fetch(
                self._legacy,
                capture.method,
                self._wordpress + capture.target,
                capture.headers,
                body=capture.body,
                timeout=max(capture.route.timeout, 30.0),
            )
        except UpstreamError as exc:
            log.info("noise sample failed: %s", exc)
            return
        paths = detect_noise(legacy, again, rules)
        if paths:
            known = self._noise.get(capture.route.name, frozenset())
            self._noise[capture.route.name] = known | paths
            try:
                await asyncio.to_thread(self._store.add_noise, capture.route.name, paths)
            except StoreError:
                log.exception("cannot store noise fields")

    def _record(self, base: dict[str, object], outcome: Outcome, **fields: object) -> ComparisonRecord:
        COMPARISONS.labels(base["route"], outcome.value).inc()
        values: dict[str, object] = {
            "candidate_status": None,
            "candidate_ms": None,
            "diff": None,
            "error": None,
            "candidate_body": None,
            "legacy_body": None,
            **base,
            **fields,
            "outcome": outcome.value,
        }
        for side in ("legacy_body", "candidate_body"):
            response = values[side]
            if isinstance(response, HttpResponse):  # matches need no bodies: decoded only for others
                values[side] = None if outcome is Outcome.MATCH else _text(decoded_body(response))
        return ComparisonRecord(**values)  # type: ignore[arg-type]
