"""Benchmark of the routing proxy: added latency and throughput vs direct and vs nginx proxy_pass.

    .venv/bin/python bench/proxy/bench_proxy.py [--duration 5] [--workers 2] [--wordpress URL]

Starts (by pid, in a temp dir) a static nginx serving a 30 KB JSON file, an nginx `proxy_pass` in
front of it (1 worker, keep-alive upstream), and `python -m proxy serve` with 1 and N workers and
with a 100% shadow route (its candidate: a second nginx with the same file, standing in for a
service); drives each with wrk at 1 and 8 connections. Then the cost of shadowing for visitors:
the 1-worker proxy without and with the shadow route, alternately for --rounds rounds, with wrk's
one connection back to back (saturated) and pausing 1 ms and 5 ms between requests, beside a
calibration (the same without shadowing while an idle-priority busy loop occupies a core). With
--wordpress, also measures the proxy in front of that WordPress (fewer requests: PHP is slow).
Prints tables. Needs `wrk` (apt-get install -y wrk) and nginx.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]
_NGINX_PREAMBLE = """
daemon off;
master_process on;
user root;
worker_processes 1;
pid {tmp}/NAME.pid;
error_log {tmp}/NAME-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fcgi;
    uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
    keepalive_requests 1000000;
"""
NGINX_CONF = (
    _NGINX_PREAMBLE.replace("NAME", "nginx")
    + """
    upstream static_upstream {{ server 127.0.0.1:{static_port}; keepalive 64; }}
    server {{
        listen 127.0.0.1:{static_port};
        location / {{ root {tmp}/www; default_type application/json; }}
    }}
    server {{
        listen 127.0.0.1:{pass_port};
        location / {{
            proxy_pass http://static_upstream;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
        }}
    }}
}}
"""
)
CANDIDATE_CONF = (
    _NGINX_PREAMBLE.replace("NAME", "candidate")
    + """
    server {{
        listen 127.0.0.1:{port};
        location / {{ root {tmp}/www; default_type application/json; }}
    }}
    server {{  # with --wordpress: WordPress's page as a service would answer it, for any path
        listen 127.0.0.1:{page_port};
        location / {{ root {tmp}/www; default_type "{page_type}"; try_files /wordpress-page =404; }}
    }}
}}
"""
)
PAUSES_MS = (0, 1, 5)  # wrk's pause between one connection's requests in the shadow-cost runs
BUSY_LOOP = ["chrt", "--idle", "0", sys.executable, "-c", "while True: pass"]


# The brief's calibration point: the smallest possible uvicorn + aiohttp forwarding app.
MINIMAL_PROXY = """
import sys, aiohttp, uvicorn, yarl
UPSTREAM, PORT, SESSION = sys.argv[1], int(sys.argv[2]), None
async def app(scope, receive, send):
    global SESSION
    if scope["type"] == "lifespan":
        await receive(); await send({"type": "lifespan.startup.complete"})
        await receive(); await send({"type": "lifespan.shutdown.complete"}); return
    SESSION = SESSION or aiohttp.ClientSession(auto_decompress=False)
    async with SESSION.get(yarl.URL(UPSTREAM + scope["path"], encoded=True)) as r:
        headers = [(k, v) for k, v in r.raw_headers if k.lower() != b"transfer-encoding"]
        await send({"type": "http.response.start", "status": r.status, "headers": headers})
        async for chunk in r.content.iter_any():
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
uvicorn.run(app, host="127.0.0.1", port=PORT, loop="uvloop", http="httptools", access_log=False, log_level="warning")
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(url: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=1).status_code < 500:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


@contextlib.contextmanager
def started(command: list[str], log: Path, env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=REPO, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wrk(
    url: str, connections: int, duration: float, headers: list[str] | None = None, script: Path | None = None
) -> dict[str, float]:
    threads = 1 if connections == 1 else 2
    command = ["wrk", "--latency", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration))}s"]
    for header in headers or []:
        command += ["-H", header]
    if script is not None:
        command += ["--script", str(script)]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}  # type: ignore[union-attr]
    for label in ("50", "99"):
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        if match:
            value, unit = float(match.group(1)), match.group(2)
            result[f"p{label}_ms"] = value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    result["non2xx"] = float(errors.group(1)) if errors else 0.0
    return result


def proxy_command(tmp: Path, name: str, wordpress: str, workers: int) -> tuple[list[str], str, str]:
    port, admin = free_port(), free_port()
    (tmp / "token").write_text("bench\n")
    command = [
        sys.executable,
        "-m",
        "proxy",
        "serve",
        "--listen",
        f"127.0.0.1:{port}",
        "--admin-listen",
        f"127.0.0.1:{admin}",
        "--wordpress",
        wordpress,
        "--routes",
        str(tmp / f"{name}.yaml"),
        "--store",
        f"sqlite:///{tmp / name}.db",
        "--admin-token-file",
        str(tmp / "token"),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
    ]
    return command, f"http://127.0.0.1:{port}", f"http://127.0.0.1:{admin}"


def shadow_routes(service: str, path: str = "/data.json") -> str:
    return (
        f"services: {{static: '{service}'}}\n"
        "routes:\n"
        f"  - {{name: data, paths: ['{path}'], service: static, mode: shadow,"
        " shadow: {noise_sample_percent: 0}}\n"
    )


def row(name: str, c1: dict[str, float], c8: dict[str, float], base: dict[str, float] | None) -> str:
    added = f"{(c1['p50_ms'] - base['p50_ms']) * 1000:8.0f}" if base else "       -"
    errors = c1["non2xx"] + c8["non2xx"]
    warning = f"  ({errors:.0f} non-2xx/3xx answers!)" if errors else ""
    return (
        f"{name:34s} {c1['p50_ms'] * 1000:8.0f} {c1['p99_ms'] * 1000:8.0f} {added} {c1['rps']:9.0f}"
        f" {c8['p50_ms'] * 1000:8.0f} {c8['p99_ms'] * 1000:8.0f} {c8['rps']:9.0f}{warning}"
    )


def measure(
    targets: list[tuple[str, str, str]], duration: float
) -> dict[str, tuple[dict[str, float], dict[str, float]]]:
    results = {}
    for name, url, _kind in targets:
        wrk(url, 8, 1)  # warm-up (keep-alive pools, JIT-less but caches)
        results[name] = (wrk(url, 1, duration), wrk(url, 8, duration))
    return results


def pause_script(tmp: Path, pause_ms: int) -> Path | None:
    if not pause_ms:
        return None
    script = tmp / f"pause-{pause_ms}.lua"
    script.write_text(f"function delay()\n  return {pause_ms}\nend\n")  # wrk waits this long before each request
    return script


def load_label(pause_ms: int) -> str:
    return f"30 KB, {pause_ms} ms pause between requests" if pause_ms else "30 KB, back to back (saturated)"


Pair = tuple[list[float], list[float]]  # visitor p50s (µs) per round: without, with shadowing


def shadow_cost(
    plain: str, shadowed: str, loads: dict[str, Path | None], rounds: int, duration: float
) -> dict[str, Pair]:
    """Each load (a label and wrk's pause script) runs without and with shadowing, alternately for
    `rounds` rounds: alternating spreads the machine's drift over both sides."""
    results: dict[str, Pair] = {}
    for label, script in loads.items():
        without: list[float] = []
        with_shadow: list[float] = []
        for number in range(rounds):
            order = ((without, plain), (with_shadow, shadowed))
            for samples, url in order if number % 2 == 0 else order[::-1]:
                wrk(url, 1, 1, script=script)
                samples.append(wrk(url, 1, duration, script=script)["p50_ms"] * 1000)
                time.sleep(1.0)  # the shadow process works off its backlog before the other side runs
        results[label] = (without, with_shadow)
    return results


def busy_loop_calibration(plain: str, rounds: int, duration: float) -> Pair:
    """The same proxy without shadowing, alone and beside an idle-priority busy loop."""
    alone: list[float] = []
    beside: list[float] = []
    for _ in range(rounds):
        busy = subprocess.Popen(BUSY_LOOP, stdout=subprocess.DEVNULL)
        try:
            time.sleep(0.2)
            beside.append(wrk(plain, 1, duration)["p50_ms"] * 1000)
        finally:
            busy.kill()
            busy.wait()
        alone.append(wrk(plain, 1, duration)["p50_ms"] * 1000)
    return alone, beside


def print_shadow_cost(results: dict[str, Pair], rounds: int) -> None:
    print(f"\nVisitor latency with shadowing 100% (1 worker, 1 connection; p50 in µs, median of {rounds} rounds)\n")
    print(f"{'':48s} {'without':>8s} {'with':>8s} {'added':>8s}")
    for label, (without, with_shadow) in results.items():
        before, after = statistics.median(without), statistics.median(with_shadow)
        print(f"{label:48s} {before:8.0f} {after:8.0f} {100 * (after / before - 1):+7.1f}%")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--wordpress", help="also measure in front of this WordPress base URL")
    # a REST answer: front-end pages redirect to WP_HOME's host, which the bench's proxies are not
    parser.add_argument("--wordpress-path", default="/wp-json/wp/v2/posts/1")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of the shadow-cost runs")
    parser.add_argument("--json", action="store_true", help="print raw results as JSON too")
    args = parser.parse_args()
    if not shutil.which("wrk") or not shutil.which("nginx"):
        print("needs wrk and nginx (apt-get install -y wrk nginx)", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="bench-proxy-"))
    try:
        (tmp / "www").mkdir()
        items = [{"id": i, "title": {"rendered": f"Post {i}"}, "content": "x" * 240} for i in range(103)]
        (tmp / "www" / "data.json").write_text(json.dumps(items))
        static_port, pass_port = free_port(), free_port()
        (tmp / "nginx.conf").write_text(NGINX_CONF.format(tmp=tmp, static_port=static_port, pass_port=pass_port))
        static = f"http://127.0.0.1:{static_port}"
        candidate_port, page_port = free_port(), free_port()
        page_type = "text/html"
        if args.wordpress:
            page = httpx.get(args.wordpress.rstrip("/") + args.wordpress_path)
            (tmp / "www" / "wordpress-page").write_bytes(page.content)
            page_type = page.headers.get("content-type", page_type)
        candidate = CANDIDATE_CONF.format(tmp=tmp, port=candidate_port, page_port=page_port, page_type=page_type)
        (tmp / "candidate.conf").write_text(candidate)
        (tmp / "shadow.yaml").write_text(shadow_routes(f"http://127.0.0.1:{candidate_port}"))
        env = {**os.environ, "PYTHONWARNINGS": "ignore"}
        (tmp / "minimal.py").write_text(MINIMAL_PROXY)
        minimal_port = free_port()
        minimal = [sys.executable, str(tmp / "minimal.py"), static, str(minimal_port)]
        one, one_url, _ = proxy_command(tmp, "one", static, 1)
        many, many_url, _ = proxy_command(tmp, "many", static, args.workers)
        shadow, shadow_url, shadow_admin = proxy_command(tmp, "shadow", static, 1)
        with contextlib.ExitStack() as stack:
            for conf in ("nginx", "candidate"):
                nginx = ["nginx", "-c", str(tmp / f"{conf}.conf"), "-p", str(tmp)]
                stack.enter_context(started(nginx, tmp / f"{conf}.log"))
            for command, name in ((one, "one"), (many, "many"), (shadow, "shadow"), (minimal, "minimal")):
                stack.enter_context(started(command, tmp / f"{name}.log", env))
            minimal_url = f"http://127.0.0.1:{minimal_port}"
            for url in (static, f"http://127.0.0.1:{pass_port}", one_url, many_url, shadow_url, minimal_url):
                wait_http(url + "/data.json")
            size = len(httpx.get(static + "/data.json").content)
            targets = [
                ("nginx direct (static upstream)", static + "/data.json", "direct"),
                ("nginx proxy_pass (1 worker)", f"http://127.0.0.1:{pass_port}/data.json", "nginx"),
                ("minimal uvicorn+aiohttp (reference)", minimal_url + "/data.json", "proxy"),
                ("strangler proxy, 1 worker", one_url + "/data.json", "proxy"),
                (f"strangler proxy, {args.workers} workers", many_url + "/data.json", "proxy"),
                ("strangler proxy, 1 worker, shadow 100%", shadow_url + "/data.json", "proxy"),
            ]
            results = measure(targets, args.duration)
            stats = httpx.get(shadow_admin + "/api/stats", headers={"Authorization": "Bearer bench"}).json()
            loads = {load_label(pause): pause_script(tmp, pause) for pause in PAUSES_MS}
            cost = shadow_cost(one_url + "/data.json", shadow_url + "/data.json", loads, args.rounds, args.duration)
            cost["calibration: idle-priority busy loop instead"] = busy_loop_calibration(
                one_url + "/data.json", args.rounds, args.duration
            )
            wordpress_results = {}
            if args.wordpress:
                wordpress = args.wordpress.rstrip("/")
                (tmp / "wpshadow.yaml").write_text(shadow_routes(f"http://127.0.0.1:{page_port}", "/**"))
                wp, wp_url, _ = proxy_command(tmp, "wp", wordpress, 1)
                wp_shadow, wp_shadow_url, _ = proxy_command(tmp, "wpshadow", wordpress, 1)
                with started(wp, tmp / "wp.log", env), started(wp_shadow, tmp / "wpshadow.log", env):
                    wait_http(wp_url + "/")
                    wait_http(wp_shadow_url + "/")
                    wp_targets = [
                        ("WordPress direct", wordpress + args.wordpress_path, "direct"),
                        ("WordPress via strangler proxy", wp_url + args.wordpress_path, "proxy"),
                        ("WordPress via proxy, shadow 100%", wp_shadow_url + args.wordpress_path, "proxy"),
                    ]
                    wordpress_results = measure(wp_targets, args.duration)
                    wordpress_load: dict[str, Path | None] = {"WordPress page, back to back": None}
                    cost.update(
                        shadow_cost(
                            wp_url + args.wordpress_path,
                            wp_shadow_url + args.wordpress_path,
                            wordpress_load,
                            args.rounds,
                            args.duration,
                        )
                    )
        print(f"\n{size} byte JSON answer, wrk {args.duration:.0f}s per cell; latency in microseconds\n")
        print(
            f"{'':34s} {'c1 p50':>8s} {'c1 p99':>8s} {'added':>8s} {'c1 rps':>9s} {'c8 p50':>8s} {'c8 p99':>8s} "
            f"{'c8 rps':>9s}"
        )
        base = results["nginx direct (static upstream)"][0]
        for name, (c1, c8) in results.items():
            print(row(name, c1, c8, None if name.startswith("nginx direct") else base))
        if wordpress_results:
            wp_base = wordpress_results["WordPress direct"][0]
            for name, (c1, c8) in wordpress_results.items():
                print(row(name, c1, c8, None if name == "WordPress direct" else wp_base))
        shadow_stats = stats["routes"].get("data", {})
        print(
            f"\nshadow route: {shadow_stats.get('requests')} requests, comparisons {shadow_stats.get('comparisons')}, "
            f"dropped {shadow_stats.get('shadow_dropped')}"
        )
        print_shadow_cost(cost, args.rounds)
        if args.json:
            raw = {"static": results, "wordpress": wordpress_results, "shadow": shadow_stats, "shadow_cost": cost}
            print(json.dumps(raw, indent=1))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
