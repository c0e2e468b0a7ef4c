"""Command line of the content service.

Serve the REST API from the read model while consuming change events::

    python -m extracted.content serve --listen 127.0.0.1:18090 --bootstrap 127.0.0.1:9092 \\
        --prefix wordpress --database wordpress --store sqlite:////path/content.db [--group content]

Rebuild the read model from zero by replaying the topics (the service must be stopped)::

    python -m extracted.content rebuild --bootstrap 127.0.0.1:9092 --prefix wordpress \\
        --database wordpress --store sqlite:////path/content.db [--group content]

``serve`` answers GET/HEAD ``/wp-json/wp/v2/{posts,pages,categories,tags,users}[/ID]`` and the same
through ``/?rest_route=``, plus ``/healthz`` (JSON with ``healthy``, lag) and ``/metrics``
(Prometheus). It exits 0 on SIGTERM/SIGINT; 2 on bad settings. ``rebuild`` prints a JSON report.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys

from extracted.runtime import ConsumerRuntimeError, RuntimeSettings

from .errors import ContentError


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m extracted.content", description="WordPress content REST API")
    sub = p.add_subparsers(dest="command", required=True)
    for name in ("serve", "rebuild"):
        command = sub.add_parser(name)
        if name == "serve":
            command.add_argument("--listen", required=True, help="HOST:PORT of the HTTP API")
        command.add_argument("--bootstrap", required=True, help="Kafka bootstrap HOST:PORT")
        command.add_argument("--prefix", default="wordpress", help="topic prefix of the CDC connector")
        command.add_argument("--database", default="wordpress", help="WordPress's database name")
        command.add_argument("--store", default="sqlite:///content.db", help="SQLAlchemy URL of the read model")
        command.add_argument("--group", default="content", help="Kafka consumer group")
        command.add_argument("--log-level", default="info")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=getattr(logging, str(args.log_level).upper(), logging.INFO),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")  # fmt: skip
    logging.getLogger("kafka").setLevel(logging.WARNING)
    runtime = RuntimeSettings(
        bootstrap=args.bootstrap, prefix=args.prefix, database=args.database, store_url=args.store, group=args.group
    )
    from .service import ServiceSettings, rebuild_content, serve

    try:
        if args.command == "serve":
            return serve(ServiceSettings(listen=args.listen, runtime=runtime))
        report = rebuild_content(runtime)
        print(json.dumps(report.__dict__))
        return 0
    except (ContentError, ConsumerRuntimeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
