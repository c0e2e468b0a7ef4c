"""Scale-out of the content service: 1 vs 2 replicas in each of two designs, through the proxy.

    python bench/scaleout/bench_scaleout.py [--seconds 5] [--rounds 3] [--connections 8] [--edits 10]

(a) *a read model per replica*: every replica is a whole service (``serve``: consumer, store, workers)
    with its own SQLite store and its own consumer group; replica 1 is the stack's content service.
(b) *one shared PostgreSQL read model*: one projector (``serve --store postgresql://...``) consumes
    and publishes; the replicas are ``serve --read-only`` on the same database.

A private stack (demo seed) and a throwaway PostgreSQL cluster (Debian's) are started and removed
after. One nginx balances each replica set round-robin (keep-alive upstream; also for one replica, so
both counts pay the same hop); the stack's proxy routes ``content-posts`` in cutover to that nginx.
wrk (2 threads, ``--connections``) measures the posts collection and a single post through the proxy,
and straight at nginx (the replicas' own capacity, without the proxy's), every set in turn for
``--rounds`` rounds (medians: the load of a shared machine drifts). Then ``--edits`` title
changes in WordPress: how long until every replica of each design answers the new title. Prints
Markdown tables and the machine's load average. Needs ``wrk`` and nginx (``apt-get install wrk nginx``).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

REPOSITORY = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPOSITORY))

from bench.content.bench_content import wait, wrk  # noqa: E402
from cli.capabilities import REGISTRY, load_registry  # noqa: E402
from cli.stack import Stack, load_settings  # noqa: E402
from cli.stack.ports import free_port  # noqa: E402
from cli.stack.settings import DEFAULT_PORTS  # noqa: E402
from proxy.client import AdminClient  # noqa: E402
from tests.postgres_fixture import postgres_cluster  # noqa: E402
from wordpress.demo import demo_export  # noqa: E402
from wordpress.importer import import_export  # noqa: E402

SCENARIOS = [("posts", "/wp-json/wp/v2/posts"), ("single post", "/wp-json/wp/v2/posts/{post}")]
ROUTE = "content-posts"
NGINX = """
daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fcgi;
    uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
    keepalive_requests 1000000;
{servers}
}}
"""
BALANCER = """
    upstream {name} {{ {members} keepalive 32; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://{name};
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
        }}
    }}
"""


Rate = tuple[float, float, float]  # wrk: requests/s, p50 ms, p99 ms
#: replica set, route, each round's rate through the proxy and straight at nginx, 1-minute load average
Row = tuple[str, str, list[Rate], list[Rate], list[float]]


@dataclass
class ReplicaSet:
    """One design with a number of replicas, behind its own nginx port."""

    name: str
    replicas: list[str]
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class Processes:
    """The content processes the benchmark starts (by pid), stopped at the end."""

    def __init__(self, directory: Path, settings_file: Path, bootstrap: str) -> None:
        self.directory, self.settings_file, self.bootstrap = directory, settings_file, bootstrap
        self.started: list[subprocess.Popen[bytes]] = []

    def content(self, store: str, group: str, *, read_only: bool = False) -> str:
        port = free_port()
        command = [sys.executable, "-m", "extracted.content", "serve", "--listen", f"127.0.0.1:{port}",
                   "--bootstrap", self.bootstrap, "--store", store, "--group", group,
                   "--settings", str(self.settings_file), *(["--read-only"] if read_only else [])]  # fmt: skip
        log = (self.directory / f"content-{port}.log").open("wb")
        self.started.append(subprocess.Popen(command, cwd=REPOSITORY, stdout=log, stderr=subprocess.STDOUT))
        return f"http://127.0.0.1:{port}"

    def nginx(self, sets: list[ReplicaSet]) -> None:
        servers = []
        for index, replica_set in enumerate(sets):
            replica_set.port = free_port()
            members = " ".join(f"server {url.removeprefix('http://')};" for url in replica_set.replicas)
            servers.append(BALANCER.format(name=f"set{index}", members=members, port=replica_set.port))
        config = self.directory / "nginx.conf"
        config.write_text(NGINX.format(tmp=self.directory, servers="".join(servers)))
        log = (self.directory / "nginx.log").open("wb")
        command = ["nginx", "-p", str(self.directory), "-c", str(config)]
        self.started.append(subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT))

    def stop(self) -> None:
        for process in self.started:
            process.terminate()
        for process in self.started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def health(url: str) -> dict[str, object]:
    try:
        response = httpx.get(f"{url}/healthz", timeout=5)
        document: dict[str, object] = response.json()
    except (httpx.HTTPError, ValueError):
        return {}
    return document


def ready(url: str, *, consuming: bool) -> bool:
    document = health(url)
    return bool(document.get("healthy") and (document.get("caught_up") or not consuming))


def _title(url: str, post: int) -> str | None:
    try:
        return str(httpx.get(f"{url}/wp-json/wp/v2/posts/{post}", timeout=5).json()["title"]["rendered"])
    except (httpx.HTTPError, ValueError, KeyError, TypeError):
        return None


def convergence(
    wordpress: str, admin: tuple[str, str], designs: dict[str, list[str]], edits: int
) -> dict[str, list[float]]:
    """Per design: seconds from WordPress answering a title change until every replica shows it."""
    delays: dict[str, list[float]] = {name: [] for name in designs}
    every = [url for urls in designs.values() for url in urls]
    with httpx.Client(base_url=wordpress, auth=admin, timeout=30) as client:
        post = client.post("/wp-json/wp/v2/posts", json={"title": "scale-out", "status": "publish"}).json()["id"]
        try:
            wait(lambda: all(_title(url, post) == "scale-out" for url in every), 60)
            for index in range(edits):
                title = f"scale-out edit {index}"
                client.post(f"/wp-json/wp/v2/posts/{post}", json={"title": title}).raise_for_status()
                began, pending = time.monotonic(), {name: set(urls) for name, urls in designs.items()}
                while any(pending.values()):
                    if time.monotonic() - began > 60:
                        raise TimeoutError(f"edit {index} did not reach {pending}")
                    for name, urls in pending.items():
                        for url in [u for u in urls if _title(u, post) == title]:
                            urls.discard(url)
                            if not urls:
                                delays[name].append(time.monotonic() - began)
                    time.sleep(0.01)
        finally:
            client.delete(f"/wp-json/wp/v2/posts/{post}", params={"force": "true"})
    return delays


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f}/{five:.1f}"


def measure(sets: list[ReplicaSet], proxy: str, admin: AdminClient, *, post: int, seconds: int, connections: int,
            paths: list[str], rounds: int) -> list[Row]:  # fmt: skip
    """Every set in turn, ``rounds`` times over: the machine's load drifts, each set sees all of it."""
    results: dict[tuple[str, str], Row] = {}
    for round_number in range(1, rounds + 1):
        for replica_set in sets:
            admin.set_route(ROUTE, paths, "content", service_url=replica_set.url, mode="cutover")
            for scenario, template in SCENARIOS:
                path = template.format(post=post)
                direct = httpx.get(replica_set.url + path).content
                wait(lambda p=path, d=direct: httpx.get(proxy + p).content == d, 30)  # the proxy uses the new URL
                through = wrk(proxy + path, seconds, connections)
                straight = wrk(replica_set.url + path, seconds, connections)
                row = results.setdefault((replica_set.name, scenario), (replica_set.name, scenario, [], [], []))
                row[2].append(through)
                row[3].append(straight)
                row[4].append(os.getloadavg()[0])
                print(f"round {round_number}, {replica_set.name}, {scenario}: proxy {through[0]:.0f} req/s, "
                      f"nginx {straight[0]:.0f} req/s, load {_load()}", flush=True)  # fmt: skip
    return list(results.values())


@contextlib.contextmanager
def private_stack(directory: Path) -> Iterator[Stack]:
    ports = {name: free_port() for name in DEFAULT_PORTS}
    stack = Stack(load_settings(directory / "home", create=True, ports=ports))
    for component in stack.components:  # a loaded machine starts Kafka and WordPress slowly
        component.start_timeout = max(component.start_timeout, 300.0)
    try:
        stack.up()
        import_export(demo_export(), stack.wordpress.php_request(admin_user=stack.settings.admin_user))
        yield stack
    finally:
        stack.down()


def run(seconds: int, connections: int, edits: int, rounds: int) -> None:
    paths = next(r.paths for r in load_registry(REGISTRY)["content"].routes if r.name == ROUTE)
    with tempfile.TemporaryDirectory(prefix="strangler-bench-scaleout-") as name:
        directory = Path(name)
        with private_stack(directory) as stack, postgres_cluster() as postgres:
            status = stack.status()
            wordpress, stack_content = status["wordpress"]["url"], status["content"]["url"]
            admin_auth = (status["wordpress"]["admin_user"], status["wordpress"]["app_password"])
            settings_file = stack.settings.home / "services" / "content" / "settings.json"
            processes = Processes(directory, settings_file, stack.settings.kafka_bootstrap)
            try:
                shared = postgres.create_database("content")
                a2 = processes.content(f"sqlite:///{directory / 'a2.db'}", "strangler-content-a2")
                projector = processes.content(shared, "strangler-content-pg")
                wait(lambda: ready(projector, consuming=True), 300)  # creates the tables the replicas read
                b1 = processes.content(shared, "strangler-content-pg", read_only=True)
                b2 = processes.content(shared, "strangler-content-pg", read_only=True)
                for url, consuming in ((stack_content, True), (a2, True), (b1, False), (b2, False)):
                    wait(lambda u=url, c=consuming: ready(u, consuming=c), 300)
                sets = [ReplicaSet("(a) own read model, 1 replica", [stack_content]),
                        ReplicaSet("(a) own read model, 2 replicas", [stack_content, a2]),
                        ReplicaSet("(b) shared PostgreSQL, 1 replica", [b1]),
                        ReplicaSet("(b) shared PostgreSQL, 2 replicas", [b1, b2])]  # fmt: skip
                processes.nginx(sets)
                wait(lambda: all(httpx.get(s.url + "/healthz").status_code == 200 for s in sets), 30)
                post = httpx.get(f"{wordpress}/wp-json/wp/v2/posts?per_page=1&_fields=id").json()[0]["id"]
                _same_answers(wordpress, [stack_content, a2, b1, b2], post)
                with AdminClient(status["proxy"]["admin_url"], status["proxy"]["admin_token"]) as admin:
                    rows = measure(sets, status["proxy"]["url"], admin, post=post, seconds=seconds,
                                   connections=connections, paths=list(paths), rounds=rounds)  # fmt: skip
                delays = convergence(
                    wordpress,
                    admin_auth,
                    {"(a)": [stack_content, a2], "(b)": [b1, b2], "(b), its projector": [projector]},
                    edits,
                )
            finally:
                processes.stop()
    _print(rows, delays, seconds, connections)


def _same_answers(wordpress: str, replicas: list[str], post: int) -> None:
    for _, template in SCENARIOS:
        path = template.format(post=post)
        bodies = {url: httpx.get(url + path).content for url in replicas}
        legacy = httpx.get(wordpress + path).content
        differing = [url for url, body in bodies.items() if body != legacy]
        print(f"{path}: {len(replicas) - len(differing)}/{len(replicas)} replicas answer as WordPress", flush=True)


def _cells(rates: list[Rate]) -> str:
    """Medians over the rounds: req/s (lowest–highest), p50, p99."""
    rate, p50, p99 = (statistics.median(values) for values in zip(*rates, strict=True))
    low, high = min(r[0] for r in rates), max(r[0] for r in rates)
    return f"{rate:.0f} ({low:.0f}–{high:.0f}) | {p50:.1f} ms | {p99:.1f} ms"


def _print(rows: list[Row], delays: dict[str, list[float]], seconds: int, connections: int) -> None:
    rounds = len(rows[0][2]) if rows else 0
    print(f"\n| {connections} connections, {seconds} s, median of {rounds} rounds | route | via proxy req/s | p50 |"
          " p99 | via nginx only req/s | p50 | p99 | load (1 min) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    for name, scenario, through, straight, loads in rows:
        print(f"| {name} | {scenario} | {_cells(through)} | {_cells(straight)} | {statistics.median(loads):.0f} |")
    for name, values in delays.items():
        ordered = sorted(values)
        print(
            f"\n{name}: a title edit in WordPress → every replica answers it: p50 "
            f"{statistics.median(ordered) * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms ({len(ordered)} edits)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--edits", type=int, default=10)
    args = parser.parse_args()
    run(args.seconds, args.connections, args.edits, args.rounds)


if __name__ == "__main__":
    main()
