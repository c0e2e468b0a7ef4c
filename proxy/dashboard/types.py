"""The dashboard's contract: monitored components and their health."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Component:
    """A part of the stack the dashboard watches, from `--component NAME=HEALTH_URL`."""

    name: str
    health_url: str


@dataclass(frozen=True)
class ComponentHealth:
    healthy: bool
    latency_ms: float | None
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"healthy": self.healthy, "latency_ms": self.latency_ms, "details": self.details}
