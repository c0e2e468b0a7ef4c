"""Command line of the change-data-capture connector.

Run the connector (exits 0 on SIGTERM/SIGINT after committing the current batch, 2 when it
refuses to start because of a server setting or a missing grant, 1 on unexpected errors)::

    python -m cdc run --host 127.0.0.1 --port 3306 --user cdc --password-file /path/cdc.pw \\
        --database wordpress --bootstrap 127.0.0.1:9092 --prefix wordpress --server-id 5401 \\
        --listen 127.0.0.1:8089 [--config cdc.yaml]
        [--include wp_posts,wp_users] [--exclude wp_options]   # table names or fnmatch patterns
        [--snapshot-mode initial|never]                          # what to do without a stored offset
        [--batch-max-events 5000] [--batch-max-ms 100]           # Kafka transaction batching
        [--heartbeat-ms 1000] [--include-query] [--topic-partitions 1] [--log-level info]

``--listen`` serves GET /healthz, GET /metrics and POST /snapshot (see ``cdc/http.py``); with
``--admin-token-file`` POST /snapshot needs that bearer token, and an address other hosts can reach
is refused without one.
Settings may also come from ``--config`` (YAML with the field names of ``cdc.config.CdcConfig``);
flags win over the file.

Status and re-snapshot talk to a running connector::

    python -m cdc status --url http://127.0.0.1:8089
    python -m cdc snapshot --url http://127.0.0.1:8089 wp_posts wp_postmeta
    python -m cdc snapshot --url http://127.0.0.1:8089 --all

When the connector is stopped (e.g. it refused to start because the binlog was purged),
``snapshot --all --bootstrap HOST:PORT --prefix wordpress`` marks the stored offset so that the
next start takes a fresh initial snapshot.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from cdc import commands
from cdc.config import build_config
from cdc.errors import CdcError


def _tables(text: str | None) -> list[str] | None:
    return [t.strip() for t in text.split(",") if t.strip()] if text else None


def _secret(path: Path | None) -> str | None:
    """A secret passed as a file, so it never shows in ``ps``."""
    if path is None:
        return None
    try:
        return path.read_text().strip()
    except OSError as exc:
        raise CdcError(f"{path}: cannot read: {exc.strerror}") from exc


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m cdc", description="WordPress binlog -> Debezium events on Kafka")
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the connector")
    run.add_argument("--host")
    run.add_argument("--port", type=int)
    run.add_argument("--user")
    run.add_argument("--password-file", type=Path)
    run.add_argument("--database")
    run.add_argument("--bootstrap")
    run.add_argument("--prefix")
    run.add_argument("--server-id", type=int)
    run.add_argument("--listen", help="HOST:PORT of /healthz, /metrics and /snapshot")
    run.add_argument("--admin-token-file", type=Path, help="file holding the bearer token POST /snapshot needs")
    run.add_argument("--config", type=Path, help="YAML file with more settings")
    run.add_argument("--include", help="comma-separated tables to capture (default: all)")
    run.add_argument("--exclude", help="comma-separated tables not to capture")
    run.add_argument("--snapshot-mode", choices=["initial", "never"])
    run.add_argument("--batch-max-events", type=int)
    run.add_argument("--batch-max-ms", type=int)
    run.add_argument("--heartbeat-ms", type=int)
    run.add_argument("--include-query", action="store_true", default=None)
    run.add_argument("--topic-partitions", type=int)
    run.add_argument("--log-level", default="info")
    st = sub.add_parser("status", help="print the running connector's status as JSON")
    st.add_argument("--url", required=True, help="base URL of the connector's --listen address")
    snap = sub.add_parser("snapshot", help="re-snapshot tables while streaming continues")
    snap.add_argument("tables", nargs="*")
    snap.add_argument("--url", default="http://127.0.0.1:8089")
    snap.add_argument("--admin-token-file", type=Path, help="file holding the connector's admin token")
    snap.add_argument("--all", action="store_true", help="every captured table")
    snap.add_argument("--no-wait", action="store_true")
    snap.add_argument("--bootstrap", help="with --all on a stopped connector: mark 'snapshot required'")
    snap.add_argument("--prefix", default="wordpress")
    return p


def _run(args: argparse.Namespace) -> int:
    commands.configure_logging(getattr(logging, str(args.log_level).upper(), logging.INFO))
    password = _secret(args.password_file)
    overrides: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "user": args.user,
        "password": password,
        "database": args.database,
        "bootstrap": args.bootstrap,
        "prefix": args.prefix,
        "server_id": args.server_id,
        "listen": args.listen,
        "admin_token": _secret(args.admin_token_file),
        "include_tables": _tables(args.include),
        "exclude_tables": _tables(args.exclude),
        "snapshot_mode": args.snapshot_mode,
        "batch_max_events": args.batch_max_events,
        "batch_max_ms": args.batch_max_ms,
        "heartbeat_ms": args.heartbeat_ms,
        "include_query": args.include_query,
        "topic_partitions": args.topic_partitions,
    }
    config = build_config(overrides, args.config)
    return commands.run(config)


def _snapshot(args: argparse.Namespace) -> int:
    if not args.tables and not args.all:
        print("name the tables to snapshot, or --all", file=sys.stderr)
        return 2
    try:
        result = commands.snapshot(
            args.url,
            [] if args.all else args.tables,
            wait=not args.no_wait,
            on_progress=lambda p: print(f"\r{p['rows_done']} rows", end="", file=sys.stderr),
            admin_token=_secret(args.admin_token_file) or "",
        )
    except CdcError:
        if not (args.all and args.bootstrap):
            raise
        commands.require_snapshot(build_config({"bootstrap": args.bootstrap, "prefix": args.prefix}))
        print("connector not running: the next start takes a full snapshot")
        return 0
    print(file=sys.stderr)
    print(json.dumps(result))
    return 0 if result.get("state") in ("done", "queued") else 1


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if args.command == "run":
            return _run(args)
        if args.command == "status":
            print(json.dumps(commands.status(args.url), indent=2))
            return 0
        return _snapshot(args)
    except CdcError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
