"""Comments benchmark (run on demand, prints numbers; not a test), against a running stack (``make demo``'s,
or the one ``STRANGLER_HOME`` names, or ``--components status.json``).

1. **reads per second**: ``/wp-json/wp/v2/comments?post=N`` (``--post``, default 1; also with ``_embed=up``)
   and ``/wp-json/wp/v2/comments/1`` with wrk (8 connections) for ``--seconds`` each: WordPress, the
   comments service (answers cached per read-model generation), and the service with every request a
   new query string (each a cache miss: the answer computed).
2. **submissions per second** to ``/wp-comments-post.php``, 8 concurrent visitors for ``--seconds``:
   WordPress, then the comments service. Every submission comes from its own loopback address
   (``127.0.x.y``) and email, as visitors do: WordPress's flood check allows one comment per address or
   email in 15 s.
3. **submission → visible in WordPress**: comments posted one by one to the service; per comment, the
   time from the service's answer to its row being in WordPress's ``wp_comments`` (the outbox, the
   legacy sync's MariaDB transaction). p50/p99.

    .venv/bin/python bench/comments/bench_comments.py [--components status.json] [--seconds 10] [--comments 100]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pymysql

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.content.bench_content import wrk
from bench.users.bench_users import _components

CONCURRENCY = 8
POST_ID = "1"


def _addresses() -> Iterator[str]:
    return (f"127.0.{high}.{low}" for high, low in itertools.cycle(itertools.product(range(10, 250), range(2, 250))))


ADDRESSES = _addresses()


def _form(content: str) -> dict[str, str]:
    return {"comment_post_ID": POST_ID, "author": "Bench", "email": f"b{uuid.uuid4().hex[:12]}@example.test",
            "url": "", "comment": content, "comment_parent": "0"}  # fmt: skip


async def _post(url: str, content: str) -> httpx.Response:
    transport = httpx.AsyncHTTPTransport(local_address=next(ADDRESSES))
    async with httpx.AsyncClient(transport=transport, timeout=30) as client:
        return await client.post(url, data=_form(content))


async def _load(seconds: float, request: Any) -> tuple[int, int, list[float]]:
    """``CONCURRENCY`` visitors calling ``request()`` until ``seconds`` passed: (ok, failed, latencies ms)."""
    ok = failed = 0
    latencies: list[float] = []
    deadline = time.monotonic() + seconds

    async def visitor() -> None:
        nonlocal ok, failed
        while time.monotonic() < deadline:
            started = time.monotonic()
            good = await request()
            latencies.append((time.monotonic() - started) * 1000)
            ok, failed = (ok + 1, failed) if good else (ok, failed + 1)

    await asyncio.gather(*(visitor() for _ in range(CONCURRENCY)))
    return ok, failed, latencies


def _report(what: str, seconds: float, ok: int, failed: int, latencies: list[float]) -> None:
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else 0.0
    median = statistics.median(latencies) if latencies else 0.0
    rate = f"{ok / seconds:.1f}/s ({ok} in {seconds:.0f} s, {failed} failed)"
    print(f"{what}: {rate}, p50 {median:.0f} ms, p99 {p99:.0f} ms")


#: a wrk script whose every request has a query string of its own (an argument WordPress ignores), so
#: that each one misses the service's answer cache
_UNCACHED = """
counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, wrk.path .. "&uncached=" .. counter)
end
"""


def reads(components: dict[str, Any], seconds: float, post: str = POST_ID) -> None:
    """wrk (8 connections), as the content benchmark measures: WordPress, the service answering from its
    per-generation cache, and the service computing every answer (each request a new query string)."""
    wordpress, service = components["wordpress"]["url"], components["comments"]["url"]
    with tempfile.TemporaryDirectory() as scratch:
        uncached = Path(scratch) / "uncached.lua"
        uncached.write_text(_UNCACHED)
        for path in (f"/wp-json/wp/v2/comments?post={post}", f"/wp-json/wp/v2/comments?post={post}&_embed=up",
                     "/wp-json/wp/v2/comments/1?context=view"):  # fmt: skip
            for name, base, script in (("WordPress", wordpress, None), ("comments service", service, None),
                                       ("comments service, uncached", service, uncached)):  # fmt: skip
                rate, p50, p99 = wrk(base + path, int(seconds), CONCURRENCY, script)
                print(f"reads {path}, {name}: {rate:.0f}/s, p50 {p50:.2f} ms, p99 {p99:.2f} ms")


def submissions(components: dict[str, Any], seconds: float) -> None:
    run = uuid.uuid4().hex[:6]
    counter = itertools.count()
    targets = [("WordPress", components["wordpress"]["url"]), ("comments service", components["comments"]["url"])]
    for name, base in targets:

        async def request(base: str = base) -> bool:
            response = await _post(f"{base}/wp-comments-post.php", f"bench {run} comment {next(counter)}")
            return response.status_code == 302

        _report(f"submissions, {name}", seconds, *asyncio.run(_load(seconds, request)))


def _connect(mariadb: dict[str, Any]) -> Any:
    return pymysql.connect(host=mariadb["host"], port=int(mariadb["port"]), user=mariadb["root_user"],
                           password=mariadb["root_password"], database=mariadb.get("database", "wordpress"),
                           autocommit=True)  # fmt: skip


def visible_in_wordpress(components: dict[str, Any], comments: int) -> None:
    base = components["comments"]["url"]
    run = uuid.uuid4().hex[:6]
    latencies: list[float] = []
    missing = 0
    with _connect(components["mariadb"]) as connection, connection.cursor() as cursor:
        for number in range(comments):
            content = f"bench {run} visible {number}"
            response = asyncio.run(_post(f"{base}/wp-comments-post.php", content))
            answered = time.monotonic()
            if response.status_code != 302:
                missing += 1
                continue
            comment_id = int(response.headers["location"].rsplit("#comment-", 1)[1])
            while time.monotonic() - answered < 10:
                cursor.execute("SELECT 1 FROM wp_comments WHERE comment_ID = %s", (comment_id,))
                if cursor.fetchone():
                    latencies.append((time.monotonic() - answered) * 1000)
                    break
                time.sleep(0.002)
            else:
                missing += 1
    if not latencies:
        print(f"submission → WordPress: none arrived ({missing} missing)")
        return
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(f"submission → visible in WordPress ({len(latencies)} comments, {missing} missing): "
          f"p50 {statistics.median(latencies):.0f} ms, p99 {p99:.0f} ms, max {latencies[-1]:.0f} ms")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--components", type=Path, help="JSON of `strangler status --json`")
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of each load phase")
    parser.add_argument("--comments", type=int, default=100, help="comments of the submission → WordPress phase")
    parser.add_argument("--phases", default="reads,submissions,visible")
    parser.add_argument("--post", default=POST_ID, help="the post whose comments the reads list")
    args = parser.parse_args()
    components = _components(args.components)
    phases = set(args.phases.split(","))
    if "reads" in phases:
        reads(components, args.seconds, args.post)
    if "submissions" in phases:
        submissions(components, args.seconds)
    if "visible" in phases:
        visible_in_wordpress(components, args.comments)
    return 0


if __name__ == "__main__":
    sys.exit(main())
