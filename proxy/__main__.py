"""Routing proxy entry point.

    python -m proxy serve \\
        --listen 127.0.0.1:8080 \\            # public address visitors use (WP_HOME points here)
        --admin-listen 127.0.0.1:8081 \\      # admin: GET /healthz, GET /metrics (open), /api/... (bearer)
        --wordpress http://127.0.0.1:8000 \\  # WordPress (nginx) base URL
        --routes PATH/routes.yaml \\          # route table; may not exist yet (= everything to WordPress)
        --store sqlite:///PATH/proxy.db \\    # comparison store: sqlite:///PATH or postgresql://... (replicas)
        --admin-token-file PATH/admin_token \\
        [--workers N] [--wordpress-timeout SECONDS] [--log-level info] \\
        [--server native|uvicorn] \\          # HTTP server: ours (default, measured faster) or uvicorn
        [--shadow-concurrency N] \\           # candidate requests in flight (default 2)
        [--shadow-linger SECONDS] \\          # light traffic is compared in bursts this far apart (0.25)
        [--component NAME=HEALTH_URL ...]   # repeatable: health shown on the dashboard (admin port, /)

The visitor's Host header is kept when forwarding; X-Forwarded-For/-Proto/-Host are added.
SIGTERM/SIGINT: graceful stop, exit status 0. SIGHUP: reload the route table (the file is also
watched). With --workers N > 1 the parent process supervises the workers: signal the parent. The
parent also starts one shadow process (replays shadow copies and compares) and stops it on exit.
Exit status 2: bad arguments, unreadable token file or an invalid route table at startup.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from proxy.config import load_table
from proxy.dashboard import Component, parse_component
from proxy.errors import RouteConfigError, StoreError
from proxy.server import ServeOptions, serve


def _address(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit():
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {text!r}")
    return host.strip("[]") or "127.0.0.1", int(port)


def _component(text: str) -> Component:
    try:
        return parse_component(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m proxy", description="wp-strangler routing proxy")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("serve", help="run the proxy")
    run.add_argument("--listen", type=_address, required=True)
    run.add_argument("--admin-listen", type=_address, required=True)
    run.add_argument("--wordpress", required=True, help="WordPress base URL, e.g. http://127.0.0.1:8000")
    run.add_argument("--routes", type=Path, required=True)
    run.add_argument(
        "--store",
        default="sqlite://",
        help="comparison store: sqlite:///PATH (one machine), postgresql://USER[:PASSWORD]@HOST:PORT/DATABASE"
        " (replicas sharing one store; needs the 'postgres' extra); default in-memory: one worker only, lost on exit",
    )
    run.add_argument("--admin-token-file", type=Path, required=True)
    run.add_argument("--workers", type=int, default=1)
    run.add_argument("--wordpress-timeout", type=float, default=120.0)
    run.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    run.add_argument("--server", default="native", choices=["native", "uvicorn"])
    run.add_argument("--shadow-concurrency", type=int, default=2, help="candidate requests in flight (default 2)")
    run.add_argument(
        "--shadow-linger",
        type=float,
        default=0.25,
        help="seconds the shadow process waits after a few copies before reading more (default 0.25; 0: never)",
    )
    run.add_argument(
        "--component",
        dest="components",
        type=_component,
        action="append",
        default=[],
        metavar="NAME=HEALTH_URL",
        help="repeatable: a stack component whose health the dashboard shows, e.g. cdc=http://127.0.0.1:18002/healthz",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        token = args.admin_token_file.read_text(encoding="utf-8").strip()
    except OSError as exc:
        print(f"proxy: cannot read admin token file: {exc}", file=sys.stderr)
        return 2
    if not token:
        print(f"proxy: admin token file {args.admin_token_file} is empty", file=sys.stderr)
        return 2
    try:
        load_table(args.routes)
    except RouteConfigError as exc:
        print(f"proxy: invalid route table: {exc}", file=sys.stderr)
        return 2
    if args.workers > 1 and args.store in ("sqlite://", "sqlite:///:memory:"):
        print("proxy: several workers need a shared --store (e.g. sqlite:///PATH/proxy.db)", file=sys.stderr)
        return 2
    problem = check_store(args.store)
    if problem:
        print(f"proxy: --store: {problem}", file=sys.stderr)
        return 2
    options = ServeOptions(
        listen=args.listen,
        admin_listen=args.admin_listen,
        wordpress=args.wordpress.rstrip("/"),
        routes=args.routes,
        store=args.store,
        admin_token=token,
        workers=max(1, args.workers),
        wordpress_timeout=args.wordpress_timeout,
        log_level=args.log_level,
        server=args.server,
        shadow_concurrency=max(1, args.shadow_concurrency),
        shadow_linger=max(0.0, args.shadow_linger),
        components=tuple(args.components),
    )
    return serve(options)


def check_store(url: str) -> str | None:
    """Why the store cannot serve (bad URL, no driver, unreachable, refused), or None. Creating it here
    makes a bad ``--store`` exit 2 at startup rather than fail in every worker."""
    from proxy.store import open_store

    try:
        store = open_store(url)
    except StoreError as exc:
        return str(exc)
    try:
        store.create()
    except StoreError as exc:
        return str(exc)
    finally:
        store.dispose()
    return None


if __name__ == "__main__":
    sys.exit(main())
