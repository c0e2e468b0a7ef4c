"""The command line every extracted service shares: ``serve`` and ``rebuild``.

Serve the service's HTTP API from its read model while consuming change events::

    python -m extracted.<name> serve --listen 127.0.0.1:18010 --bootstrap 127.0.0.1:9092 \\
        [--prefix wordpress] [--database wordpress] [--store sqlite:///<name>.db] [--group <name>] \\
        [--settings FILE] [--topic-partitions 3] [--read-only]

Rebuild the read model from zero by replaying the topics (the service must be stopped)::

    python -m extracted.<name> rebuild --bootstrap 127.0.0.1:9092 [same options but --listen]

``--settings`` names a JSON file of the service's own settings (``RuntimeSettings.settings_file``; the
stack writes one for every extracted service, see ``cli.stack.services``). ``serve`` exits 0 on
SIGTERM/SIGINT; both exit 2 on bad settings or when the store or broker cannot be used, with
``error: ...`` on stderr. ``--read-only`` serves a store another process of the service writes (the
projector of a shared PostgreSQL read model, see ``follower``): no consumer, no workers. ``rebuild``
prints a JSON report. A service's ``__main__``
is ``sys.exit(main(DEFINITION))``.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import asdict
from typing import Any

from .service import ServiceDefinition, ServiceSettings, rebuild_service, serve
from .types import ConsumerRuntimeError, RuntimeSettings


def parser(definition: ServiceDefinition[Any]) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=definition.program, description=definition.description or None)
    sub = p.add_subparsers(dest="command", required=True)
    for name in ("serve", "rebuild"):
        command = sub.add_parser(name)
        if name == "serve":
            command.add_argument("--listen", required=True, help="HOST:PORT of the HTTP API")
        command.add_argument("--bootstrap", required=True, help="Kafka bootstrap HOST:PORT")
        command.add_argument("--prefix", default="wordpress", help="topic prefix of the CDC connector")
        command.add_argument("--database", default="wordpress", help="WordPress's database name")
        command.add_argument(
            "--store", default=f"sqlite:///{definition.name}.db", help="SQLAlchemy URL of the read model"
        )
        command.add_argument("--group", default=definition.name, help="Kafka consumer group")
        command.add_argument("--settings", default="", help="JSON file of the service's own settings (if it has any)")
        command.add_argument("--topic-partitions", type=int, default=RuntimeSettings.topic_partitions,
                             help="partitions of the domain-event topics the service creates")  # fmt: skip
        if name == "serve":
            command.add_argument(
                "--read-only", action="store_true", help="serve a store another process writes; consume nothing"
            )
        command.add_argument("--log-level", default="info")
    return p


def main(definition: ServiceDefinition[Any], argv: list[str] | None = None) -> int:
    """Parse ``argv`` (default: the process's), run the command, return the exit status."""
    args = parser(definition).parse_args(argv)
    logging.basicConfig(level=getattr(logging, str(args.log_level).upper(), logging.INFO),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")  # fmt: skip
    logging.getLogger("kafka").setLevel(logging.WARNING)
    runtime = RuntimeSettings(
        bootstrap=args.bootstrap, group=args.group, store_url=args.store, prefix=args.prefix, database=args.database,
        settings_file=args.settings, topic_partitions=args.topic_partitions,
    )  # fmt: skip
    reported: tuple[type[Exception], ...] = (ConsumerRuntimeError, *definition.errors)
    try:
        if args.command == "serve":
            return serve(definition, ServiceSettings(listen=args.listen, runtime=runtime, read_only=args.read_only))
        report = rebuild_service(definition, runtime)
        print(json.dumps(asdict(report)))
        return 0
    except reported as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
