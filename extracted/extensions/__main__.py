"""Command line of the extensions service (the kit's, ``extracted.runtime.cli``)::

    python -m extracted.extensions serve --listen 127.0.0.1:18040 --bootstrap 127.0.0.1:9092 \\
        --prefix wordpress --database wordpress --store sqlite:////path/extensions.db [--group extensions] \\
        [--settings settings.json]

``serve`` runs every extension installed (entry point group ``wp_strangler.extensions``) and the
webhooks' dispatcher, and answers the management API under ``/api/`` plus ``/healthz`` and
``/metrics``. ``rebuild`` replays what the service knows of the site (extensions keep their places).
It exits 0 on SIGTERM/SIGINT; 2 on bad settings.
"""

from __future__ import annotations

import sys

from extracted.runtime.cli import main as run

from .service import DEFINITION


def main(argv: list[str] | None = None) -> int:
    return run(DEFINITION, argv)


if __name__ == "__main__":
    sys.exit(main())
