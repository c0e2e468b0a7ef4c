"""The content service beside WordPress on the same data: throughput and p50/p99 latency (wrk, 8
connections) of the posts collection (per_page 10 and 100), a single post, categories and users;
and how long live edits take to reach the service (title changes, WordPress → CDC → Kafka → service).

    python bench/content/bench_content.py                      # private stack (demo seed), removed after
    python bench/content/bench_content.py --wordpress URL --service URL [--admin USER:APP_PASSWORD]

Prints a Markdown table for the README.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from cli.stack import Stack, load_settings
from cli.stack.ports import free_port
from cli.stack.settings import DEFAULT_PORTS
from wordpress.demo import demo_export
from wordpress.importer import import_export

SCENARIOS = [
    ("posts, per_page=10", "/wp-json/wp/v2/posts?per_page=10"),
    ("posts, per_page=100", "/wp-json/wp/v2/posts?per_page=100"),
    ("single post", "/wp-json/wp/v2/posts/{post}"),
    ("categories", "/wp-json/wp/v2/categories"),
    ("users", "/wp-json/wp/v2/users"),
]
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if match is None:
        raise ValueError(f"unexpected wrk latency {text!r}")
    return float(match.group(1)) * UNITS[match.group(2)]


def wrk(url: str, seconds: int, connections: int, script: Path | None = None) -> tuple[float, float, float]:
    """(requests/s, p50 ms, p99 ms); ``script``: a wrk Lua script (e.g. one that varies the request)."""
    scripted = ["-s", str(script)] if script else []
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", *scripted, url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Latency Distribution" not in output:
        raise RuntimeError(f"wrk gave no latency distribution:\n{output}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1))  # type: ignore[union-attr]
    return rate, p50, p99


def caught_up(url: str) -> bool:
    try:
        health = httpx.get(f"{url}/healthz", timeout=2).json()
    except httpx.HTTPError:
        return False
    return bool(health.get("healthy") and health.get("caught_up"))


def wait(check: object, timeout: float) -> float:
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        if check():  # type: ignore[operator]
            return time.monotonic() - began
        time.sleep(0.005)
    raise TimeoutError("condition not met")


@contextlib.contextmanager
def private_stack() -> Iterator[tuple[str, str, tuple[str, str]]]:
    with tempfile.TemporaryDirectory(prefix="strangler-bench-content-") as directory:
        ports = {name: free_port() for name in DEFAULT_PORTS}
        stack = Stack(load_settings(Path(directory) / "home", create=True, ports=ports))
        service: subprocess.Popen[bytes] | None = None
        try:
            stack.up()
            import_export(demo_export(), stack.wordpress.php_request(admin_user=stack.settings.admin_user))
            status = stack.status()
            wordpress = status["wordpress"]
            url = status.get("content", {}).get("url")
            if not url:  # the stack does not run the service yet: run it here
                port = free_port()
                url = f"http://127.0.0.1:{port}"
                command = [sys.executable, "-m", "extracted.content", "serve", "--listen", f"127.0.0.1:{port}"]
                command += ["--bootstrap", status["kafka"]["bootstrap"], "--store", f"sqlite:///{directory}/c.db"]
                service = subprocess.Popen(command, cwd=Path(__file__).resolve().parents[2])
            yield wordpress["url"], url, (wordpress["admin_user"], wordpress["app_password"])
        finally:
            if service is not None:
                service.terminate()
                service.wait(timeout=20)
            stack.down()


def _title(service: str, post: int) -> str:
    return str(httpx.get(f"{service}/wp-json/wp/v2/posts/{post}").json()["title"]["rendered"])


def propagation(wordpress: str, service: str, admin: tuple[str, str], edits: int) -> list[float]:
    """Seconds from WordPress answering a title change until the service shows it."""
    with httpx.Client(base_url=wordpress, auth=admin, timeout=30) as client:
        post = client.post("/wp-json/wp/v2/posts", json={"title": "bench", "status": "publish"}).json()["id"]
        try:
            wait(lambda: httpx.get(f"{service}/wp-json/wp/v2/posts/{post}").status_code == 200, 30)
            delays = []
            for index in range(edits):
                title = f"bench edit {index}"
                client.post(f"/wp-json/wp/v2/posts/{post}", json={"title": title}).raise_for_status()
                delays.append(wait(lambda t=title: _title(service, post) == t, 30))
            return delays
        finally:
            client.delete(f"/wp-json/wp/v2/posts/{post}", params={"force": "true"})


def run(wordpress: str, service: str, admin: tuple[str, str] | None, seconds: int, connections: int) -> None:
    wait(lambda: caught_up(service), 180)
    post = httpx.get(f"{wordpress}/wp-json/wp/v2/posts?per_page=1&_fields=id").json()[0]["id"]
    rows = []
    for name, template in SCENARIOS:
        path = template.format(post=post)
        same = httpx.get(service + path).content == httpx.get(wordpress + path).content
        legacy = wrk(wordpress + path, seconds, connections)
        candidate = wrk(service + path, seconds, connections)
        rows.append((name + ("" if same else " (bodies differ)"), legacy, candidate))
        print(f"{name}: WordPress {legacy[0]:.0f} req/s, service {candidate[0]:.0f} req/s", flush=True)
    header = "WordPress req/s | p50 | p99 | service req/s | p50 | p99 | ×"
    print(f"\n| {connections} connections, {seconds} s each | {header} |")
    print("|---|---|---|---|---|---|---|---|")
    for name, (wr, w50, w99), (sr, s50, s99) in rows:
        wordpress_cells = f"{wr:.0f} | {w50:.1f} ms | {w99:.1f} ms"
        print(f"| {name} | {wordpress_cells} | {sr:.0f} | {s50:.2f} ms | {s99:.2f} ms | {sr / wr:.0f}× |")
    if admin:
        delays = sorted(propagation(wordpress, service, admin, 20))
        print(f"\nlive edit → service: p50 {statistics.median(delays) * 1000:.0f} ms, "
              f"p99 {delays[-1] * 1000:.0f} ms (max of {len(delays)}), WordPress answer to service answer")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wordpress")
    parser.add_argument("--service")
    parser.add_argument("--admin", help="USER:APP_PASSWORD for the live edit measurement")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    if args.wordpress and args.service:
        admin = tuple(args.admin.split(":", 1)) if args.admin else None
        run(args.wordpress, args.service, admin, args.seconds, args.connections)  # type: ignore[arg-type]
        return
    with private_stack() as (wordpress, service, admin_auth):
        run(wordpress, service, admin_auth, args.seconds, args.connections)


if __name__ == "__main__":
    main()
