"""``python -m bench [NAME ...]``: run the benchmarks ``bench/<name>/bench_<name>.py`` (all by default)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(names: list[str]) -> int:
    scripts = sorted(HERE.glob("*/bench_*.py"))
    chosen = [script for script in scripts if not names or script.parent.name in names]
    if not chosen:
        print(f"no benchmark named {' '.join(names)}; have: {' '.join(s.parent.name for s in scripts)}")
        return 2
    failed = 0
    for script in chosen:
        print(f"== {script.parent.name}: {script.relative_to(HERE.parent)}", flush=True)
        failed += subprocess.run([sys.executable, str(script)], cwd=HERE.parent, check=False).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
