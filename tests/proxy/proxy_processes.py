"""Real-socket helpers: a tiny aiohttp upstream in a thread and `python -m proxy serve` subprocesses."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from aiohttp import web

from cli.stack.ports import free_port

REPO = Path(__file__).resolve().parents[2]
GZIPPED = gzip.compress(b'{"compressed": true}' * 100, mtime=0)


@contextlib.contextmanager
def serve_in_thread(app: web.Application, port: int) -> Iterator[None]:
    """Runs an aiohttp app on 127.0.0.1:port in a background thread with its own event loop."""
    loop = asyncio.new_event_loop()
    # Keep-alive connections from the proxy's pools would hold a graceful shutdown for a minute.
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    loop.run_until_complete(runner.setup())
    loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


@dataclass
class Upstream:
    """Stands in for WordPress and for a service; records the paths it was asked for."""

    port: int = field(default_factory=free_port)
    paths: list[str] = field(default_factory=list)
    release: asyncio.Event | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.paths.append(request.path_qs)
        path = request.path
        if path == "/echo":
            return web.json_response(
                {
                    "method": request.method,
                    "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in request.raw_headers],
                }
            )
        if path == "/upload":
            digest, size = hashlib.sha256(), 0
            async for chunk in request.content.iter_any():
                digest.update(chunk)
                size += len(chunk)
            return web.json_response(
                {
                    "size": size,
                    "sha256": digest.hexdigest(),
                    "te": request.headers.get("Transfer-Encoding"),
                    "cl": request.headers.get("Content-Length"),
                }
            )
        if path == "/cookies":
            response = web.Response(text="ok")
            response.headers.add("Set-Cookie", "a=1; Path=/")
            response.headers.add("Set-Cookie", "b=2; Path=/; HttpOnly")
            return response
        if path == "/redirect":
            return web.Response(status=302, headers={"Location": "/echo"})
        if path == "/gzip":
            return web.Response(body=GZIPPED, headers={"Content-Encoding": "gzip", "Content-Type": "application/json"})
        if path == "/stream":
            self.release = asyncio.Event()
            stream = web.StreamResponse()
            await stream.prepare(request)
            await stream.write(b"first;")
            await asyncio.wait_for(self.release.wait(), 10)
            await stream.write(b"second")
            await stream.write_eof()
            return stream
        if path == "/release":
            if self.release is not None:
                self.release.set()
            return web.Response(text="released")
        if path.startswith("/slow/"):
            await asyncio.sleep(2)
        if path.startswith("/fail/"):
            return web.Response(status=503, text="down")
        if path.startswith(("/wp-json/", "/slow/")):
            return web.json_response({"from": "upstream", "path": path, "port": self.port})
        return web.Response(text=f"page {path}")

    @contextlib.contextmanager
    def running(self) -> Iterator[Upstream]:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        with serve_in_thread(app, self.port):
            yield self


@dataclass
class ProxyProcess:
    process: subprocess.Popen[bytes]
    url: str
    admin_url: str
    token: str
    routes: Path
    log: Path

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(20)


def start_proxy(
    tmp: Path,
    wordpress: str,
    workers: int = 1,
    routes_text: str | None = None,
    log_level: str = "warning",
    *,
    extra_args: Sequence[str] = (),
) -> ProxyProcess:
    port, admin_port = free_port(), free_port()
    token_file = tmp / "admin_token"
    token_file.write_text("sekret\n")
    routes = tmp / "routes.yaml"
    if routes_text is not None:
        routes.write_text(routes_text)
    log = tmp / "proxy.log"
    command = [
        sys.executable,
        "-m",
        "proxy",
        "serve",
        "--listen",
        f"127.0.0.1:{port}",
        "--admin-listen",
        f"127.0.0.1:{admin_port}",
        "--wordpress",
        wordpress,
        "--routes",
        str(routes),
        "--store",
        f"sqlite:///{tmp / 'proxy.db'}",
        "--admin-token-file",
        str(token_file),
        "--workers",
        str(workers),
        "--log-level",
        log_level,
        *extra_args,
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=REPO, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONWARNINGS": "ignore"}
        )
    proxy = ProxyProcess(process, f"http://127.0.0.1:{port}", f"http://127.0.0.1:{admin_port}", "sekret", routes, log)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"proxy exited with {process.returncode}: {log.read_text()}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(proxy.admin_url + "/healthz", timeout=1).json()["healthy"]:
                return proxy
        time.sleep(0.1)
    proxy.stop(signal.SIGKILL)
    raise RuntimeError(f"proxy did not become healthy: {log.read_text()}")


def raw_exchange(port: int, payload: bytes, timeout: float = 3.0) -> bytes:
    """Sends raw bytes, returns everything answered until the server closes or goes quiet."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(payload)
        data = b""
        with contextlib.suppress(TimeoutError):
            while chunk := sock.recv(65536):
                data += chunk
    return data


def echo_headers(response: httpx.Response) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, value in json.loads(response.text)["headers"]:
        out.setdefault(name.lower(), []).append(value)
    return out
