"""Parity on more generated real-world-shaped sites than the test suite's two (``wordpress/realworld.py``).

Runs ``tests/extracted/content/test_content_realworld.py`` for each seed (each on its own private stack:
about 5 minutes a site on 2 idle cores), WXR versions in turn, and prints each site's line: requests
equal, equivalent (the proxy's judgement of tie order), equal only as unordered lists (the harness's
weaker fallback), rendering-only, falling back, different.

    python bench/content/bench_realworld.py [--seeds 31 47 59 ...] [--versions 1.2 1.1 1.0]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
TEST = "tests/extracted/content/test_content_realworld.py"
LINES = re.compile(r"^(seed \d+, WXR .*|compared \d+: .*|difference classes: .*)$", re.MULTILINE)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[31, 47, 59, 71])
    parser.add_argument("--versions", nargs="+", default=["1.2", "1.1", "1.0"])
    options = parser.parse_args()
    failed = 0
    for index, seed in enumerate(options.seeds):
        version = options.versions[index % len(options.versions)]
        environment = {**os.environ, "STRANGLER_REALWORLD_SEEDS": f"{seed}:{version}"}
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", TEST],
            cwd=REPOSITORY, env=environment, capture_output=True, text=True, check=False,
        )  # fmt: skip
        print(f"== seed {seed}, WXR {version}: {'passed' if run.returncode == 0 else 'FAILED'}")
        for line in LINES.findall(run.stdout):
            print("   " + line)
        if run.returncode != 0:
            failed += 1
            print("\n".join(run.stdout.splitlines()[-25:]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
