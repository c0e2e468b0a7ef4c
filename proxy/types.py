"""The proxy's contract: route table, routing decisions and the upstream transport interface."""

from __future__ import annotations

import enum
import functools
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass, field
from typing import Protocol

RawHeaders = list[tuple[bytes, bytes]]
"""Headers as they travel: lower- or mixed-case names, repeats preserved, latin-1 bytes."""

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Mode(enum.StrEnum):
    """How a route's traffic is split between WordPress (legacy) and its service."""

    LEGACY = "legacy"
    SHADOW = "shadow"
    CANARY = "canary"
    CUTOVER = "cutover"


class Target(enum.StrEnum):
    LEGACY = "legacy"
    SERVICE = "service"


@dataclass(frozen=True)
class ShadowRules:
    sample_percent: float = 100.0
    methods: frozenset[str] = SAFE_METHODS
    forward_credentials: bool = False
    noise_sample_percent: float = 10.0


@dataclass(frozen=True)
class CompareRules:
    headers: tuple[str, ...] = ("content-type",)
    ignore: tuple[str, ...] = ()


@dataclass(frozen=True)
class Route:
    name: str
    paths: tuple[str, ...]
    service: str
    service_url: str
    methods: frozenset[str] = frozenset({"GET", "HEAD"})
    mode: Mode = Mode.LEGACY
    canary_percent: float = 0.0
    priority: int = 0
    timeout: float = 5.0
    fallback: bool = True
    shadow: ShadowRules = field(default_factory=ShadowRules)
    compare: CompareRules = field(default_factory=CompareRules)
    line: int | None = None


@dataclass(frozen=True)
class RouteTable:
    routes: tuple[Route, ...] = ()
    services: tuple[tuple[str, str], ...] = ()
    canary_cookie: str = "strangler_visitor"
    source: str | None = None

    @functools.cached_property
    def has_canary(self) -> bool:
        return any(r.mode is Mode.CANARY for r in self.routes)

    def by_name(self, name: str) -> Route | None:
        return next((r for r in self.routes if r.name == name), None)


@dataclass(frozen=True)
class Decision:
    """What to do with one request; computed by a pure function of the table and the request."""

    route: Route | None
    target: Target
    shadow: bool = False
    set_visitor_cookie: str | None = None

    @property
    def route_name(self) -> str:
        return self.route.name if self.route else "-"


class UpstreamResponse(Protocol):
    status: int
    headers: RawHeaders

    def body(self) -> AsyncIterator[bytes]: ...

    async def aclose(self) -> None: ...


class Transport(Protocol):
    """Sends one request upstream, returning once the response headers arrived.

    Implementations never follow redirects, never decompress, and map their own
    exceptions to UpstreamConnectError / UpstreamTimeoutError.
    """

    async def open(
        self,
        method: str,
        url: str,
        headers: RawHeaders,
        body: AsyncIterable[bytes] | bytes | None,
        timeout: float,
    ) -> UpstreamResponse: ...

    async def aclose(self) -> None: ...
