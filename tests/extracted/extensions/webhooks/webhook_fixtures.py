"""Shared pieces of the webhook tests: a hand-driven clock, a store, events and a resolver the test controls."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from extracted.contracts import CloudEvent, new_event
from extracted.extensions.webhooks import TABLES, TargetPolicy, TargetRefusedError, WebhookSettings
from extracted.runtime import open_engine

HOOK_HOST = "hooks.example.test"


@dataclass
class Clock:
    """The injected clock: starts at the real time (receivers check timestamps against it) and moves when told."""

    now: float = field(default_factory=lambda: float(int(time.time())))

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def to(self, moment: float) -> None:
        self.now = max(self.now, moment)


@dataclass
class Resolver:
    """Host names → addresses, changeable mid-test (DNS rebinding)."""

    names: dict[str, list[str]] = field(default_factory=lambda: {HOOK_HOST: ["127.0.0.1"]})

    def __call__(self, host: str, port: int) -> Sequence[str]:
        if host not in self.names:
            raise TargetRefusedError(f"cannot resolve the host {host!r}: unknown in this test")
        return self.names[host]


def store(tmp_path: Path) -> Engine:
    engine = open_engine(f"sqlite:///{tmp_path / 'webhooks.db'}")
    TABLES.endpoints.metadata.create_all(engine)
    return engine


def loopback_settings(**overrides: object) -> WebhookSettings:
    """What the native demo stack runs with: loopback receivers allowed; short timeouts keep tests quick."""
    raw: dict[str, object] = {"allow_loopback": True, "timeout_s": 0.5, **overrides}
    return WebhookSettings.from_mapping(raw, "test settings")


def loopback_policy(resolver: Resolver) -> TargetPolicy:
    return TargetPolicy(allow_loopback=True, resolver=resolver)


def user_event(
    number: int, event_type: str = "user.registered", *, time_: str = "2026-12-07T10:00:00.000Z"
) -> CloudEvent:
    return new_event(
        event_type, str(number), {"user_id": number}, source="wordpress/users", id=f"event-{number}", time=time_
    )
