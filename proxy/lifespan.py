"""Runs an ASGI app's lifespan protocol (startup before serving, shutdown after) for our server."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from proxy.http_server import AsgiApp, Message

log = logging.getLogger("proxy.server")


class LifespanError(RuntimeError):
    """The app refused to start (it sent lifespan.startup.failed or raised)."""


class Lifespan:
    def __init__(self, app: AsgiApp) -> None:
        self.app = app
        self._to_app: asyncio.Queue[Message] = asyncio.Queue()
        self._from_app: asyncio.Queue[Message] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        scope: dict[str, Any] = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": {}}
        try:
            await self.app(scope, self._to_app.get, self._send)
        except Exception as exc:
            log.exception("lifespan of the ASGI app failed")
            await self._from_app.put({"type": "lifespan.failed", "message": repr(exc)})
        else:
            # An app that does not speak lifespan returns at once: nobody would answer _step,
            # which would wait forever (uvicorn, too, then just serves the app).
            await self._from_app.put({"type": "lifespan.returned"})

    async def _send(self, message: Message) -> None:
        await self._from_app.put(message)

    async def _step(self, kind: str) -> None:
        await self._to_app.put({"type": f"lifespan.{kind}"})
        answer = await self._from_app.get()
        if answer["type"] == "lifespan.returned":
            return
        if answer["type"] != f"lifespan.{kind}.complete":
            raise LifespanError(f"{kind} failed: {answer.get('message', answer['type'])}")

    async def startup(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())
        await self._step("startup")

    async def shutdown(self) -> None:
        if self._task is None or self._task.done():
            return
        await self._step("shutdown")
        await self._task
