"""Command line of the users service (the kit's, ``extracted.runtime.cli``).

Serve the REST API from the read model while consuming change events and publishing domain events::

    python -m extracted.users serve --listen 127.0.0.1:18020 --bootstrap 127.0.0.1:9092 \\
        --prefix wordpress --database wordpress --store sqlite:////path/users.db [--group users] \\
        [--settings settings.json]

``--settings``: the legacy database registrations are synced to and the SMTP server of the mails
(``extracted.runtime.legacy``); without it registrations are declined (WordPress keeps them).

Rebuild the read model from zero by replaying the topics (the service must be stopped)::

    python -m extracted.users rebuild --bootstrap 127.0.0.1:9092 --prefix wordpress \\
        --database wordpress --store sqlite:////path/users.db [--group users]

``serve`` answers GET/HEAD ``/wp-json/wp/v2/users[/ID]`` and the same through ``/?rest_route=``,
GET/HEAD/POST ``/wp-login.php?action=register``, plus ``/healthz`` (JSON with ``healthy``, lag, and
the ``announcer``, ``relay`` and ``legacy_sync`` workers; 503 while one of them or the consumer
fails) and ``/metrics`` (Prometheus). It publishes ``user.*`` events to ``<prefix>.events.users``.
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
