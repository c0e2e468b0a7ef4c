"""The connector's main loop (I/O shell): preflight, offset, snapshot, streaming, recovery.

Kafka transactions are batched and committed by a background thread (``cdc/committer.py``):
a batch is handed over as soon as the committer is free - so a lone WordPress change reaches
Kafka within milliseconds - and otherwise grows while the previous batch commits, up to
``batch_max_events`` (even inside a big binlog transaction) or ``batch_max_ms``. Each commit
carries the offset of exactly the events it holds.
Any source or sink failure aborts the open Kafka transaction and restarts from the last
committed offset after a backoff; refusals stop the connector.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import Counter

from cdc.binlog.client import BinlogConnection, connect, purge_message
from cdc.committer import Batch, Committer, Record
from cdc.config import CdcConfig
from cdc.envelope import EnvelopeBuilder, SnapshotValues, SourcePoint, now_ms
from cdc.errors import BinlogPurgedError, CdcError, RefusedError
from cdc.gtid import Flavor, parse_position
from cdc.offsets import Offset
from cdc.preflight import check
from cdc.sink import KafkaSink
from cdc.snapshot import SnapshotReader
from cdc.stats import SnapshotProgress, Stats
from cdc.streamer import Streamer

log = logging.getLogger("cdc")


class Pipeline:
    def __init__(self, config: CdcConfig, stats: Stats | None = None, stop: threading.Event | None = None) -> None:
        self.config = config
        self.stats = stats or Stats()
        self.stop = stop or threading.Event()
        self.snapshot_requests: queue.Queue[tuple[int, list[str]]] = queue.Queue()
        self._next_request = 0
        self._sink: KafkaSink | None = None
        self._binlog: BinlogConnection | None = None
        self._committer: Committer | None = None
        self._db_server_id = 0

    def request_snapshot(self, tables: list[str]) -> int:
        """Queue a re-snapshot of ``tables`` (empty = all captured); returns its request id."""
        self._next_request += 1
        self.snapshot_requests.put((self._next_request, tables))
        return self._next_request

    # -- supervision -------------------------------------------------------------------------

    def run(self) -> None:
        """Run until ``stop`` is set; raises RefusedError when the source cannot be captured."""
        backoff = 0.5
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                self._run_once()
            except RefusedError as exc:
                self.stats.state, self.stats.last_error = "refused", str(exc)
                raise
            except CdcError as exc:
                self.stats.state, self.stats.last_error = "reconnecting", str(exc)
                self.stats.reconnects += 1
                log.warning("restarting after failure: %s", exc)
                if time.monotonic() - started > 30:
                    backoff = 0.5
                self.stop.wait(backoff)
                backoff = min(backoff * 2, self.config.reconnect_max_s)
            finally:
                self._teardown()
        self.stats.state = "stopped"

    def _teardown(self) -> None:
        if self._binlog is not None:
            self._binlog.close()
            self._binlog = None
        if self._committer is not None:
            self._committer.close()
            self._committer = None
        if self._sink is not None:
            self._sink.abort()
            self._sink.close()
            self._sink = None

    def _run_once(self) -> None:
        c = self.config
        ctl = connect(c.host, c.port, c.user, c.password)
        try:
            flavor, _version = check(ctl, c.database, c.server_id)
            with ctl.cursor() as cur:
                cur.execute("SELECT @@server_id")
                row = cur.fetchone()
                self._db_server_id = int(row[0]) if row else 0
        finally:
            ctl.close()
        self.stats.flavor = flavor
        builder = EnvelopeBuilder(c.prefix, flavor)
        self._sink = sink = KafkaSink(
            c.bootstrap, c.transactional_id, c.offsets_topic, c.prefix, partitions=c.topic_partitions
        )
        offset = sink.start()
        if offset is None or offset.snapshot_required:
            if c.snapshot_mode == "initial":
                offset = self._snapshot(builder, flavor, None, base=None)
            else:
                offset = self._current_offset(flavor)
                sink.commit(offset)
        if offset is None:  # stopped during the snapshot
            return
        self._stream(builder, offset)

    def _current_offset(self, flavor: Flavor) -> Offset:
        c = self.config
        reader = SnapshotReader(
            host=c.host, port=c.port, user=c.user, password=c.password, database=c.database, flavor=flavor
        )
        try:
            point = reader.begin()
            reader.end()
        finally:
            reader.close()
        return Offset(flavor, point.position, point.file, point.pos)

    # -- snapshot ----------------------------------------------------------------------------

    def _snapshot(
        self,
        builder: EnvelopeBuilder,
        flavor: Flavor,
        tables: list[str] | None,
        base: Offset | None,
        request_id: int = 0,
    ) -> Offset | None:
        """Snapshot ``tables`` (None = all captured) in one Kafka transaction; returns the new
        offset (initial: stream from the snapshot position; re-snapshot: ``base`` unchanged).

        A re-snapshot runs between two binlog transactions while streaming waits; afterwards
        streaming continues from where it was, so the changes committed while the snapshot ran
        follow its ``r`` events (replayed, not skipped: skipping them would lose the deletes of
        rows the snapshot no longer sees). Every key's last event is therefore the database's."""
        c, sink, progress = self.config, self._sink, self.stats.snapshot
        assert sink is not None
        reader = SnapshotReader(
            host=c.host, port=c.port, user=c.user, password=c.password, database=c.database, flavor=flavor
        )
        try:
            point = reader.begin()
            names = [t for t in reader.table_names() if c.captures(t)]
            if tables:
                unknown = sorted(set(tables) - set(names))
                if unknown:
                    log.error("cannot snapshot unknown or excluded tables: %s", ", ".join(unknown))
                names = [t for t in names if t in tables]
            self.stats.state = "snapshot"
            self.stats.snapshot = progress = SnapshotProgress(
                state="running",
                tables=names,
                started_ms=now_ms(),
                request_id=request_id,
                rows_estimated=sum(reader.count(t) for t in names),
            )
            source = SourcePoint(now_ms(), self._db_server_id, None, point.file, point.pos)
            # the previous row waits one step: only the very last row of the snapshot is "last"
            pending: tuple[str, SnapshotValues, bytes, bytes | None] | None = None
            label = "first"
            counts: dict[str, int] = {}
            for name in names:
                progress.table = name
                described = reader.describe(name)
                topic = builder.topic(c.database, name)
                values = SnapshotValues(builder, db=c.database, table=name, point=source)
                for batch in reader.json_rows(described):
                    records: list[Record] = []
                    for row, key in batch:
                        if pending is not None:
                            records.append((pending[0], pending[3], pending[1].value(pending[2], label)))
                            label = "true"
                        pending = (topic, values, row, key)
                    sink.send_all(records)
                    counts[name] = counts.get(name, 0) + len(batch)
                    progress.rows_done += len(batch)
                    if self.stop.is_set():
                        sink.abort()
                        progress.state = "failed"
                        return None
            if pending is not None:
                sink.send(pending[0], pending[3], pending[1].value(pending[2], "last"))
            reader.end()
            offset = Offset(flavor, point.position, point.file, point.pos) if base is None else base
            sink.commit(offset)
        except CdcError:
            progress.state = "failed"
            raise
        finally:
            reader.close()
        self.stats.committed(Counter({(t, "r"): n for t, n in counts.items()}))
        progress.state, progress.table, progress.finished_ms = "done", None, now_ms()
        log.info("snapshot of %d tables (%d rows) done at %s", len(names), progress.rows_done, point.position)
        return offset

    # -- streaming ---------------------------------------------------------------------------

    def _stream(self, builder: EnvelopeBuilder, offset: Offset) -> None:
        c, sink, stats = self.config, self._sink, self.stats
        assert sink is not None
        records: list[Record] = []  # the batch being built; rebound after each submit
        self._binlog = binlog = BinlogConnection.open(
            host=c.host,
            port=c.port,
            user=c.user,
            password=c.password,
            server_id=c.server_id,
            flavor=offset.flavor,
            position=parse_position(offset.position, offset.flavor),
            heartbeat_ms=c.heartbeat_ms,
            annotate=c.include_query,
        )
        streamer = Streamer(
            c, builder, offset, lambda topic, key, value: records.append((topic, key, value)), checksum=binlog.checksum
        )
        stats.state, stats.last_error = "streaming", None
        self._publish(offset)

        def committed(batch: Batch) -> None:
            stats.committed(batch.counts)
            self._publish(batch.offset)

        self._committer = committer = Committer(sink, committed)
        stats.commit_stalled_s = committer.stalled_s
        max_events, max_s = c.batch_max_events, c.batch_max_ms / 1000
        batch_started = 0.0

        def submit() -> None:
            nonlocal records, batch_started
            committer.submit(records, streamer.offset(), Counter(streamer.counts))
            streamer.counts.clear()
            records, batch_started = [], 0.0

        handle, idle = streamer.handle, committer.is_idle
        while True:
            if records:
                if not batch_started:
                    batch_started = time.monotonic()
                # commit whenever the committer is free (so a lone change goes out at once and
                # batches grow while Kafka commits); otherwise at the size/time bounds
                full = len(records) >= max_events or time.monotonic() - batch_started >= max_s
                if (streamer.at_boundary and (committer.is_idle() or full)) or len(records) >= max_events:
                    submit()
            if self.stop.is_set():
                if records:
                    submit()
                committer.drain()
                return
            if streamer.at_boundary and not self.snapshot_requests.empty():
                if records:
                    submit()
                committer.drain()
                self._resnapshot(builder, streamer)
                continue
            if not binlog.has_pending():
                committer.check()
                if not records and committer.is_idle():
                    stats.lag_ms = 0
                binlog.wait(0.2 if not records else 0.001)
                continue
            try:
                events = binlog.read_events()  # what was received (bounded: stop requests are seen)
            except BinlogPurgedError as exc:
                raise BinlogPurgedError(f"{purge_message(str(streamer.position))} (server said: {exc})") from exc
            # the hot loop, kept free of per-event control checks
            for event in events:
                # handle() says when a transaction ended or rows came (only then can a batch be due)
                if handle(event) and records and (len(records) >= max_events or (streamer.txn is None and idle())):
                    submit()
            if records and streamer.last_ts:
                stats.lag_ms = max(0, now_ms() - streamer.last_ts * 1000)

    def _resnapshot(self, builder: EnvelopeBuilder, streamer: Streamer) -> None:
        request_id, tables = self.snapshot_requests.get()
        flavor: Flavor = streamer.flavor
        self._snapshot(builder, flavor, tables or None, base=streamer.offset(), request_id=request_id)
        self.stats.state = "streaming"

    def _publish(self, offset: Offset) -> None:
        self.stats.position, self.stats.file, self.stats.pos = offset.position, offset.file, offset.pos
