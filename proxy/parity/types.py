"""Contract of the parity harness."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from proxy.parity.ties import TieRules


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    @classmethod
    def from_raw(cls, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> HttpResponse:
        return cls(status, tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in headers), body)

    def header_values(self, name: str) -> list[str]:
        lower = name.lower()
        return [v for k, v in self.headers if k.lower() == lower]

    def header(self, name: str) -> str | None:
        values = self.header_values(name)
        return values[0] if values else None


@dataclass(frozen=True)
class Difference:
    """One difference. `path` is `status`, `headers.<name>`, a JSON path (`$.a[0].b`), `html[<n>]`
    (n-th normalised HTML token) or `body` (raw bytes); `kind` says what differs."""

    path: str
    kind: str  # status | header | value | type | missing | extra | bytes | html | body
    legacy: Any = None
    candidate: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "kind": self.kind, "legacy": self.legacy, "candidate": self.candidate}


@dataclass(frozen=True)
class ParityRules:
    headers: tuple[str, ...] = ("content-type",)
    ignore: tuple[str, ...] = ()  # JSON path patterns: `$.a.b`, `$[*].x`, `$..x`, `$.a.*`
    noise: frozenset[str] = field(default_factory=frozenset)  # generalised paths known to be noise
    #: what of the request's answer WordPress orders with ties (proxy.parity.ties.tie_rules): lets tie
    #: order be told apart; the candidate's X-Strangler-Sort-Keys gives the keys the answer does not show
    order: TieRules | None = None
    #: header name (lower case) → regular expressions masked in both answers' values before comparing
    masks: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class ParityResult:
    differences: tuple[Difference, ...]  # real mismatches
    noise: tuple[Difference, ...] = ()  # differences in fields known to be noisy
    ignored: int = 0  # differences in ignored paths
    #: body differences explained by WordPress's undefined order of items with equal sort keys
    reordered: tuple[Difference, ...] = ()

    @property
    def match(self) -> bool:
        return not self.differences

    @property
    def equivalent(self) -> bool:
        """No real difference, but the items with equal sort keys are arranged otherwise."""
        return self.match and bool(self.reordered)

    def to_dict(self) -> dict[str, Any]:
        return {
            "match": self.match,
            "differences": [d.to_dict() for d in self.differences],
            "noise": [d.to_dict() for d in self.noise],
            "ignored": self.ignored,
            "reordered": [d.to_dict() for d in self.reordered],
        }
