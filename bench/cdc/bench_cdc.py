"""CDC benchmark (run on demand, prints numbers; not a test).

    .venv/bin/python bench/cdc/bench_cdc.py --components status.json     # `strangler status --json` output
    .venv/bin/python bench/cdc/bench_cdc.py --mysql 127.0.0.1:3306 --root-password X \\
        --cdc-user cdc --cdc-password Y --bootstrap 127.0.0.1:9092

Works in a scratch database ``cdcbench`` (a copy of WordPress's wp_posts) so WordPress is untouched:

1. snapshot rows/s: 20,000 posts, fresh connector, (rows) / (snapshot finished - started);
2. streaming rows/s: connector stopped, 20,000 posts inserted one per transaction (WordPress's
   shape), connector started: rows / (Kafka timestamp of last event - of first event);
3. end-to-end lag: 500 single-row inserts/s for ``--lag-seconds``; per row, the time from the
   commit returning in MariaDB to the event being readable by a read_committed consumer; p50/p99.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import pymysql
from confluent_kafka import Consumer
from confluent_kafka import TopicPartition as CkTopicPartition
from kafka import KafkaConsumer

ROOT = Path(__file__).resolve().parents[2]
DB = "cdcbench"
OFFSET_END = -1
POST_SQL = (
    f"INSERT INTO {DB}.wp_posts (post_author, post_date, post_date_gmt, post_content, post_title, "
    "post_excerpt, to_ping, pinged, post_modified, post_modified_gmt, post_content_filtered, post_name, guid) "
    "VALUES (1, NOW(), UTC_TIMESTAMP(), %s, %s, '', '', '', NOW(), UTC_TIMESTAMP(), '', %s, %s)"
)
CONTENT = "<!-- wp:paragraph --><p>" + "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 12 + "</p>"


def _args() -> argparse.Namespace:
    p = argparse.ArgumentParser()
    p.add_argument("--components", type=Path, help="JSON of `strangler status --json`")
    p.add_argument("--mysql", default="127.0.0.1:3306")
    p.add_argument("--root-user", default="root")
    p.add_argument("--root-password", default="")
    p.add_argument("--cdc-user", default="cdc")
    p.add_argument("--cdc-password", default="")
    p.add_argument("--bootstrap", default="127.0.0.1:9092")
    p.add_argument("--rows", type=int, default=20_000)
    p.add_argument("--lag-seconds", type=float, default=10.0)
    p.add_argument("--rate", type=int, default=500)
    p.add_argument("--watch", default="", help="NAME=PID,... : also print these processes' CPU while streaming")
    p.add_argument(
        "--phases", default="snapshot,streaming,lag", help="comma-separated subset of snapshot,streaming,lag"
    )
    args = p.parse_args()
    for item in filter(None, args.watch.split(",")):
        name, _, pid = item.partition("=")
        if not pid.isdigit() or not Path(f"/proc/{pid}").exists():
            p.error(f"--watch {item}: no process {pid!r} for {name!r}")
    comps: dict[str, Any] | None = None
    if args.components:
        comps = json.loads(args.components.read_text())
        comps = comps.get("components", comps)
    elif args.mysql == "127.0.0.1:3306":
        # No connection given: the stack of STRANGLER_HOME (e.g. `make demo`'s), if there is one.
        from cli.stack import Stack, StackError, load_settings

        with contextlib.suppress(StackError):
            comps = Stack(load_settings()).status()
    if comps:
        m = comps["mariadb"]
        args.mysql = f"{m['host']}:{m['port']}"
        args.root_user, args.root_password = m["root_user"], m["root_password"]
        args.cdc_user, args.cdc_password = m["cdc_user"], m["cdc_password"]
        args.bootstrap = comps["kafka"]["bootstrap"]
    return args


def _connect(args: argparse.Namespace) -> pymysql.connections.Connection[Any]:
    host, port = args.mysql.rsplit(":", 1)
    return pymysql.connect(
        host=host, port=int(port), user=args.root_user, password=args.root_password, autocommit=True, charset="utf8mb4"
    )


def _prepare(args: argparse.Namespace) -> None:
    with _connect(args) as conn, conn.cursor() as cur:
        cur.execute("SET SESSION sql_mode = ''")
        cur.execute(f"DROP DATABASE IF EXISTS {DB}")
        cur.execute(f"CREATE DATABASE {DB}")
        cur.execute(f"CREATE TABLE {DB}.wp_posts LIKE wordpress.wp_posts")


def _insert(args: argparse.Namespace, count: int, *, batch: bool) -> None:
    with _connect(args) as conn, conn.cursor() as cur:
        rows = [(CONTENT, f"Post {i}", f"post-{i}", f"http://example.test/?p={i}") for i in range(count)]
        if batch:
            for start in range(0, count, 1000):
                cur.executemany(POST_SQL, rows[start : start + 1000])
        else:
            for row in rows:
                cur.execute(POST_SQL, row)


class Connector:
    def __init__(self, args: argparse.Namespace, prefix: str, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}"
        pw = Path(tempfile.mkstemp(prefix="cdcbench")[1])
        pw.write_text(args.cdc_password)
        host, mysql_port = args.mysql.rsplit(":", 1)
        self.cmd = [
            sys.executable,
            "-m",
            "cdc",
            "run",
            "--host",
            host,
            "--port",
            mysql_port,
            "--user",
            args.cdc_user,
            "--password-file",
            str(pw),
            "--database",
            DB,
            "--bootstrap",
            args.bootstrap,
            "--prefix",
            prefix,
            "--server-id",
            str(7000 + os.getpid() % 1000),
            "--listen",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ]
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(self.cmd, cwd=ROOT)

    def cpu_seconds(self) -> float:
        """User+system CPU the connector process used so far (load-independent cost)."""
        assert self.proc is not None
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def thread_cpu(self) -> dict[str, float]:
        """CPU seconds per thread name (librdkafka's threads are named rdk:*)."""
        assert self.proc is not None
        out: dict[str, float] = {}
        for task in Path(f"/proc/{self.proc.pid}/task").iterdir():
            with contextlib.suppress(OSError):
                stat = (task / "stat").read_text()
                name = stat[stat.index("(") + 1 : stat.rindex(")")]
                fields = stat.rsplit(")", 1)[1].split()
                cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
                out[name] = out.get(name, 0.0) + cpu
        return out

    def wait_up(self) -> float:
        """Wait for the HTTP endpoint; returns the CPU spent starting up (imports)."""
        self.wait(lambda s: True, timeout=60)
        return self.cpu_seconds()

    def status(self) -> dict[str, Any]:
        try:
            with urllib.request.urlopen(self.url + "/healthz", timeout=2) as resp:
                data: dict[str, Any] = json.loads(resp.read())
                return data
        except OSError:
            return {}

    def wait(self, predicate: Any, timeout: float = 120) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            st = self.status()
            if st and predicate(st):
                return st
            time.sleep(0.05)
        raise TimeoutError(f"connector did not get there: {self.status()}")

    def stop(self) -> None:
        if self.proc:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(30)
            self.proc = None


def _process_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _consumer(args: argparse.Namespace, topic: str) -> KafkaConsumer:
    return KafkaConsumer(
        topic,
        bootstrap_servers=args.bootstrap,
        isolation_level="read_committed",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
        fetch_max_wait_ms=5,
        consumer_timeout_ms=5000,
    )


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    args = _args()
    phases = set(args.phases.split(","))
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    prefix = f"bench{int(time.time())}"
    topic = f"{prefix}.{DB}.wp_posts"
    _prepare(args)
    _insert(args, args.rows, batch=True)
    conn = Connector(args, prefix, 28190 + os.getpid() % 500)
    conn.start()
    try:
        cpu0 = conn.wait_up()
        st = conn.wait(lambda s: s["snapshot"]["state"] == "done")
        cpu = conn.cpu_seconds() - cpu0
        snap = st["snapshot"]
        snap_rate = snap["rows_done"] / max(1e-3, (snap["finished_ms"] - snap["started_ms"]) / 1000)
        if "snapshot" in phases:
            print(
                f"snapshot: {snap['rows_done']} rows in {(snap['finished_ms'] - snap['started_ms'])} ms "
                f"= {snap_rate:,.0f} rows/s wall; {snap['rows_done'] / cpu:,.0f} rows per CPU-second of the connector"
            )
        if phases & {"streaming", "lag"}:
            _streaming_and_lag(args, conn, topic, phases)
    finally:
        conn.stop()
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    with _connect(args) as c, c.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {DB}")


def _streaming_and_lag(args: argparse.Namespace, conn: Connector, topic: str, phases: set[str]) -> None:
    if "streaming" in phases:
        conn.stop()
        t0 = time.monotonic()
        _insert(args, args.rows, batch=False)
        print(f"(inserted {args.rows} single-row transactions in {time.monotonic() - t0:.1f} s)")
        conn.start()
        cpu0 = conn.wait_up()
        threads0 = conn.thread_cpu()
        watched = {name: int(pid) for name, pid in (item.split("=") for item in args.watch.split(",") if item)}
        watched0 = {name: _process_cpu(pid) for name, pid in watched.items()}
        conn.wait(lambda s: s["tables"].get("wp_posts", {}).get("c", 0) >= args.rows, timeout=300)
        cpu = conn.cpu_seconds() - cpu0
        threads = {name: t - threads0.get(name, 0.0) for name, t in conn.thread_cpu().items()}
        others = {name: _process_cpu(pid) - watched0[name] for name, pid in watched.items()}
        consumer = _consumer(args, topic)
        stamps = [r.timestamp for r in consumer if r.value is not None and b'"op":"c"' in r.value]
        consumer.close()
        stream_rate = len(stamps) / max(1e-3, (max(stamps) - min(stamps)) / 1000)
        print(
            f"streaming: {len(stamps)} single-row transactions in {max(stamps) - min(stamps)} ms "
            f"= {stream_rate:,.0f} rows/s wall; {len(stamps) / cpu:,.0f} rows per CPU-second of the connector"
        )
        busiest = sorted(threads.items(), key=lambda item: -item[1])[:4]
        print("  connector CPU by thread: " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in busiest))
        if others:
            print("  meanwhile: " + ", ".join(f"{name} {seconds:.2f} s CPU" for name, seconds in others.items()))
    if "lag" in phases:
        lags = _lag(args, topic)
        print(
            f"lag at {args.rate} writes/s over {args.lag_seconds:.0f} s ({len(lags)} rows): "
            f"p50 {_percentile(lags, 0.5):.1f} ms, p99 {_percentile(lags, 0.99):.1f} ms, max {max(lags):.1f} ms"
        )


def _lag(args: argparse.Namespace, topic: str) -> list[float]:
    """Commit in MariaDB (the INSERT returned) -> record readable by a read_committed consumer."""
    committed: dict[int, float] = {}
    seen: dict[int, float] = {}
    consumer = Consumer(
        {
            "bootstrap.servers": args.bootstrap,
            "group.id": f"bench-{os.getpid()}",
            "enable.auto.commit": False,
            "isolation.level": "read_committed",
            "fetch.wait.max.ms": 5,
            "fetch.min.bytes": 1,
        }
    )
    consumer.assign([CkTopicPartition(topic, 0, OFFSET_END)])
    consumer.poll(0.5)
    done = threading.Event()

    def read() -> None:
        while not (done.is_set() and (len(seen) >= len(committed) or time.monotonic() > deadline)):
            message = consumer.poll(0.05)
            if message is None or message.error() is not None or message.value() is None:
                continue
            if b'"op":"c"' in (message.value() or b""):
                seen[json.loads(message.key() or b"{}")["ID"]] = time.monotonic()

    deadline = time.monotonic() + args.lag_seconds + 30
    reader = threading.Thread(target=read)
    reader.start()
    with _connect(args) as conn, conn.cursor() as cur:
        interval = 1 / args.rate
        start = time.monotonic()
        for i in range(int(args.rate * args.lag_seconds)):
            delay = start + i * interval - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            cur.execute(POST_SQL, (CONTENT, f"lag {i}", f"lag-{i}", "http://example.test/"))
            committed[cur.lastrowid] = time.monotonic()
    done.set()
    reader.join()
    consumer.close()
    return [(seen[i] - t) * 1000 for i, t in committed.items() if i in seen]


if __name__ == "__main__":
    main()
