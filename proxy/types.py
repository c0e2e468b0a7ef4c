"""The proxy's contract: route table, routing decisions, the upstream transport and comparison store
interfaces."""

from __future__ import annotations

import enum
import functools
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from proxy.parity import ties

if TYPE_CHECKING:
    from proxy.metrics import RouteTraffic
    from proxy.store import ComparisonRecord

RawHeaders = list[tuple[bytes, bytes]]
"""Headers as they travel: lower- or mixed-case names, repeats preserved, latin-1 bytes."""

QueryRule = tuple[tuple[str, str | None], ...]
"""A route's ``query``: (argument name, exact value) pairs, sorted by name; a None value means the
argument must be absent. Matched against ``$_REQUEST`` as PHP builds it (``proxy.arguments``)."""

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

DRY_RUN_HEADER = b"x-strangler-dry-run"
"""Sent (value ``1``) on shadow copies of routes with a dry-run contract: the service answers what it
would do without doing it. A visitor's own header of that name is dropped before any upstream sees it."""

SORT_KEYS_HEADER = ties.SORT_KEYS_HEADER.encode()
"""Sent (value ``1``) on shadow copies: the service answers with the sort keys its answer does not show
(``proxy.parity.ties``). Dropped from a visitor's request and from every answer a visitor gets."""


class Mode(enum.StrEnum):
    """How a route's traffic is split between WordPress (legacy) and its service."""

    LEGACY = "legacy"
    SHADOW = "shadow"
    CANARY = "canary"
    CUTOVER = "cutover"


class Target(enum.StrEnum):
    LEGACY = "legacy"
    SERVICE = "service"


class RequestClass(enum.StrEnum):
    """Why a request is *personal*: it carries WordPress credentials or per-visitor state, so its answer
    may differ from an anonymous visitor's. Decided by ``proxy.visitor.classify`` before any route."""

    LOGGED_IN = "logged_in"  # wordpress_logged_in_<hash>, wordpress_sec_<hash>, wordpress_<hash> cookies
    AUTHORIZATION = "authorization"  # Authorization header: application passwords, basic, bearer
    NONCE = "nonce"  # X-WP-Nonce header or _wpnonce parameter
    POST_PASSWORD = "post_password"  # wp-postpass_<hash> cookie
    COMMENTER = "commenter"  # comment_author_<hash>, comment_author_email_<hash>, comment_author_url_<hash>
    PREVIEW = "preview"  # preview=true, preview_id, preview_nonce


class KeptReason(enum.StrEnum):
    """Why a request that matched a service's route was answered by WordPress whatever the route's mode."""

    PERSONAL = "personal"  # a personal request the route's service does not declare it handles
    URL_FORM = "url_form"  # a form of the URL the service is not known to read as WordPress does


@dataclass(frozen=True)
class ShadowRules:
    sample_percent: float = 100.0
    methods: frozenset[str] = SAFE_METHODS
    forward_credentials: bool = False
    noise_sample_percent: float = 10.0
    #: the service honours DRY_RUN_HEADER; required to shadow unsafe methods (never done twice)
    dry_run: bool = False


@dataclass(frozen=True)
class CompareRules:
    headers: tuple[str, ...] = ("content-type",)
    ignore: tuple[str, ...] = ()
    #: header name → regular expressions whose matches are masked in both answers before comparing
    #: (a redirect's new comment id, a cookie's expiry: they differ between any two answers)
    masks: tuple[tuple[str, tuple[str, ...]], ...] = ()


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
    #: personal request classes this route's service answers itself; any other personal request goes
    #: to WordPress in every mode
    personal: frozenset[RequestClass] = frozenset()
    #: empty: any arguments; else the request's arguments must have exactly these values (see QueryRule)
    query: QueryRule = ()
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

    @functools.cached_property
    def has_query_routes(self) -> bool:
        return any(r.query for r in self.routes)

    def by_name(self, name: str) -> Route | None:
        return next((r for r in self.routes if r.name == name), None)


@dataclass(frozen=True)
class Decision:
    """What to do with one request; computed by a pure function of the table and the request."""

    route: Route | None
    target: Target
    shadow: bool = False
    set_visitor_cookie: str | None = None
    #: the personal classes the request carries (empty: anonymous)
    personal: frozenset[RequestClass] = frozenset()
    #: set when a matched route's service was bypassed for who is asking or for the URL's form
    kept: KeptReason | None = None
    #: the effective method (``_method`` or ``X-HTTP-Method-Override`` over the real one)
    method: str = "GET"

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


class ComparisonStorage(Protocol):
    """Shadow comparisons, per-route traffic counters and learned noise fields, shared by every process
    of a proxy, and with PostgreSQL by several proxy replicas (``proxy.store.open_store``). Blocking:
    callers on an event loop use ``asyncio.to_thread``. Failures raise ``StoreError``."""

    def create(self) -> None:
        """Creates what is missing; safe when other processes or replicas do the same at once."""

    def dispose(self) -> None: ...

    def add_comparisons(self, records: list[ComparisonRecord]) -> None:
        """Stores the records and drops what falls beyond the retention bound."""

    def add_traffic(self, pending: dict[str, RouteTraffic]) -> None:
        """Adds these counts to the shared per-route counters the cutover gate reads."""

    def add_noise(self, route: str, paths: frozenset[str]) -> None: ...

    def noise(self) -> dict[str, frozenset[str]]: ...

    def comparisons(
        self,
        *,
        route: str | None = None,
        outcome: str | None = None,
        since: float | None = None,
        until: float | None = None,
        limit: int = 100,
        before_id: int | None = None,
        full: bool = False,
    ) -> list[dict[str, Any]]:
        """Newest first, at most 1000; bodies only when ``full``."""

    def comparison(self, comparison_id: int) -> dict[str, Any] | None: ...

    def latency_rows(
        self, route: str | None, since: float, until: float, limit: int
    ) -> list[tuple[float, str, float | None, float | None]]: ...

    def stats(self) -> dict[str, dict[str, Any]]:
        """Per route: traffic counters, outcome counts, match percentages, latency percentiles."""
