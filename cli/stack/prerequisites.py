"""``python -m cli.stack.prerequisites``: install what the stack needs before anything starts.

System packages with apt-get when root (otherwise the exact command to run), then the Kafka
broker's jars from Maven Central. ``make demo`` and ``make test`` call it.
"""

from __future__ import annotations

import sys

from cli.stack.errors import StackError
from cli.stack.kafka import ensure_jars
from cli.stack.packages import ensure_packages


def main() -> int:
    try:
        installed = ensure_packages()
        if installed:
            print("installed system packages: " + ", ".join(installed))
        print(f"kafka jars: {ensure_jars()}")
    except StackError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
