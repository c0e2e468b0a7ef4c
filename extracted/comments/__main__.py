"""Command line of the comments service (the kit's, ``extracted.runtime.cli``).

Serve the comments REST API and visitors' comment submissions from the read model while consuming
change events and publishing domain events::

    python -m extracted.comments serve --listen 127.0.0.1:18030 --bootstrap 127.0.0.1:9092 \\
        --prefix wordpress --database wordpress --store sqlite:////path/comments.db [--group comments] \\
        [--settings settings.json]

``--settings``: the legacy database the comments the service takes are synced to
(``extracted.runtime.legacy``); without it submissions are declined (WordPress takes them).

Rebuild the read model from zero by replaying the topics (the service must be stopped)::

    python -m extracted.comments rebuild --bootstrap 127.0.0.1:9092 --prefix wordpress \\
        --database wordpress --store sqlite:////path/comments.db [--group comments]

``serve`` answers GET/HEAD ``/wp-json/wp/v2/comments[/ID]`` (and through ``/?rest_route=``), POST
``/wp-comments-post.php``, plus ``/healthz`` and ``/metrics``. It publishes ``comment.*`` events to
``<prefix>.events.comments``. It exits 0 on SIGTERM/SIGINT; 2 on bad settings.
"""

from __future__ import annotations

import sys

from extracted.runtime.cli import main as run

from .service import DEFINITION


def main(argv: list[str] | None = None) -> int:
    return run(DEFINITION, argv)


if __name__ == "__main__":
    sys.exit(main())
