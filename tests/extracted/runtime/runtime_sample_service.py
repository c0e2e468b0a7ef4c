"""A minimal service on the kit, for the shell's tests: the ``Things`` projection, a context that
counts committed batches, and an app with ``/healthz``, ``/metrics`` and ``/commits``.

Run as a script: ``python runtime_sample_service.py serve|rebuild ...`` (the kit's command line).
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))  # the repository, when run as a script

from runtime_things import Things

from extracted.runtime import ConsumerState, health_routes
from extracted.runtime.cli import main
from extracted.runtime.service import ServiceDefinition


class Commits:
    """The per-process context: batches committed so far."""

    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    def bump(self) -> None:
        with self.lock:
            self.count += 1


def create_app(engine: Engine, state: ConsumerState, commits: Commits) -> Starlette:
    async def count(_: Request) -> JSONResponse:
        return JSONResponse({"commits": commits.count})

    return Starlette(routes=[*health_routes(state), Route("/commits", count)])


class SampleError(Exception):
    pass


DEFINITION: ServiceDefinition[Commits] = ServiceDefinition(
    name="sample",
    description="the kit's sample service",
    projection=Things,
    app=create_app,
    context=Commits,
    on_commit=Commits.bump,
    errors=(SampleError,),
    module="tests.sample",
)

if __name__ == "__main__":
    sys.exit(main(DEFINITION))
