"""Python vs PHP render time per post over the shared corpus (content, title and excerpt of each post/page).

    .venv/bin/python bench/formatting/bench_formatting.py [--rounds N]

PHP's time is measured inside the PHP process around ``apply_filters`` (no IPC), Python's around the
library call; both render the same data (each export's site data for the dynamic blocks of the content).
Prints per-chain medians, p95 and totals.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "extracted" / "formatting")]

from formatting_corpus import CORPUS, context, exports, site_data  # noqa: E402
from formatting_harness import SITE, WORDPRESS_OPTIONS, php_request  # noqa: E402

from extracted.formatting import PostContext, RenderState, SiteData  # noqa: E402
from extracted.formatting.render import rendered_excerpt, the_content, the_title  # noqa: E402
from wordpress.phpeval import PhpFormatter, php_available  # noqa: E402

Job = tuple[str, str, PostContext | None, SiteData | None]  # (chain, input, post, site data)


def _jobs() -> list[Job]:
    jobs: list[Job] = []
    for export in exports():
        data = site_data(export)
        for post in export.of_type("post", "page"):
            post_context = context(post, export)
            jobs += [
                ("the_content", post.content, post_context, data),
                ("the_title", post.title, None, None),
                ("the_excerpt", post.excerpt, post_context, None),
            ]
    return jobs


def _python(job: Job) -> Callable[[], str]:
    chain, text, post, data = job
    if chain == "the_content":
        return lambda: the_content(text, site=SITE, post=post, state=RenderState(), site_data=data)
    if chain == "the_title":
        return lambda: the_title(text)
    return lambda: rendered_excerpt(text, site=SITE, post=post or PostContext(), state=RenderState())


def _seconds(function: Callable[[], str], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def _summary(label: str, seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (
        f"{label:<8} median {statistics.median(ordered) * 1000:8.3f} ms   p95 {p95 * 1000:8.3f} ms   "
        f"max {ordered[-1] * 1000:8.3f} ms   total {sum(ordered) * 1000:9.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="renders per item; the best time counts")
    rounds = parser.parse_args().rounds
    jobs = _jobs()
    if not jobs:
        sys.exit(f"no corpus at {CORPUS}")
    reason = php_available()
    if reason is not None:
        sys.exit(reason)
    with PhpFormatter(WORDPRESS_OPTIONS) as php:
        php_times: dict[str, list[float]] = {}
        python_times: dict[str, list[float]] = {}
        for job in jobs:
            chain, text, post, data = job
            request = php_request(chain, text, post, isolated=False, site_data=data)
            timed = php.evaluate_timed([request] * rounds)
            php_times.setdefault(chain, []).append(min(seconds for _, seconds in timed))
            python_times.setdefault(chain, []).append(_seconds(_python(job), rounds))
    print(f"{len(jobs) // 3} posts and pages of {CORPUS}, best of {rounds} renders per item\n")
    for chain in ("the_content", "the_title", "the_excerpt"):
        print(chain)
        print("  " + _summary("python", python_times[chain]))
        print("  " + _summary("php", php_times[chain]))
        speedup = sum(php_times[chain]) / sum(python_times[chain])
        print(f"  python is {speedup:.1f}x {'faster' if speedup >= 1 else 'slower'} in total\n")


if __name__ == "__main__":
    main()
