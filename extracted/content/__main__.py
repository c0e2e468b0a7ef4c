"""Command line of the content service (the kit's, ``extracted.runtime.cli``).

Serve the REST API from the read model while consuming change events (and the users service's
domain events, ``<prefix>.events.users``)::

    python -m extracted.content serve --listen 127.0.0.1:18010 --bootstrap 127.0.0.1:9092 \\
        --prefix wordpress --database wordpress --store sqlite:////path/content.db [--group content]

Rebuild the read model from zero by replaying the topics (the service must be stopped)::

    python -m extracted.content rebuild --bootstrap 127.0.0.1:9092 --prefix wordpress \\
        --database wordpress --store sqlite:////path/content.db [--group content]

``serve`` answers GET/HEAD ``/wp-json/wp/v2/{posts,pages,categories,tags,users}[/ID]`` and the same
through ``/?rest_route=``, plus ``/healthz`` (JSON with ``healthy``, lag; 503 while the consumer
fails) and ``/metrics`` (Prometheus). It exits 0 on SIGTERM/SIGINT; 2 on bad settings.
``rebuild`` prints a JSON report.
"""

from __future__ import annotations

import sys

from extracted.runtime.cli import main as run

from .service import DEFINITION


def main(argv: list[str] | None = None) -> int:
    return run(DEFINITION, argv)


if __name__ == "__main__":
    sys.exit(main())
