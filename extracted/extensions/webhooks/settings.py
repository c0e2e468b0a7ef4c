"""The webhook settings (a ``webhooks`` section of a service's settings file), checked field by field.

``content_type``: the body is the event as CloudEvents structured JSON. Standard Webhooks recommends
JSON bodies and ``application/json`` is what generic receivers (web frameworks' JSON parsers,
automation tools' catch hooks) take without configuration, so that is the default.
``application/cloudevents+json`` — what the CloudEvents HTTP binding names for a structured event —
suits receivers that use a CloudEvents SDK; both are accepted.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from extracted.runtime.types import ConfigurationError

from .schedule import RetrySchedule
from .targets import Resolver, TargetPolicy, system_resolver

__all__ = ["CONTENT_TYPES", "WebhookSettings"]

CONTENT_TYPES = ("application/json", "application/cloudevents+json")
_FIELDS = (
    "allow_private",
    "allow_loopback",
    "disable_after_days",
    "timeout_s",
    "content_type",
    "retry_delays_s",
    "jitter",
    "max_retry_after_s",
)


@dataclass(frozen=True)
class WebhookSettings:
    allow_private: bool = False
    allow_loopback: bool = False
    #: an endpoint failing with no success for this long is disabled (with its reason and time)
    disable_after_days: float = 5.0
    #: per request (connect, write and read each): Standard Webhooks recommends 15 to 30 s
    timeout_s: float = 15.0
    content_type: str = CONTENT_TYPES[0]
    schedule: RetrySchedule = field(default_factory=RetrySchedule)

    def target_policy(self, resolver: Resolver = system_resolver) -> TargetPolicy:
        return TargetPolicy(allow_private=self.allow_private, allow_loopback=self.allow_loopback, resolver=resolver)

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any], source: str) -> WebhookSettings:
        """Settings from ``raw`` (e.g. the parsed ``webhooks`` object of a JSON file named by ``source``).

        Raises ``ConfigurationError`` naming ``source`` and the field, for an unknown field too (a typo
        must not silently leave a default in place).
        """
        if not isinstance(raw, Mapping):
            raise ConfigurationError(f"{source}: webhooks: expected an object, got {type(raw).__name__}")
        unknown = sorted(set(raw) - set(_FIELDS))
        if unknown:
            raise ConfigurationError(f"{source}: webhooks: unknown field(s) {unknown}; known: {list(_FIELDS)}")

        def error(name: str, expected: str) -> ConfigurationError:
            return ConfigurationError(f"{source}: webhooks.{name}: expected {expected}, got {raw[name]!r}")

        def flag(name: str, default: bool) -> bool:
            value = raw.get(name, default)
            if not isinstance(value, bool):
                raise error(name, "true or false")
            return value

        def number(name: str, default: float, valid: Callable[[float], bool], expected: str) -> float:
            value = raw.get(name, default)
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise error(name, expected)
            if not valid(float(value)):
                raise error(name, expected)
            return float(value)

        defaults = cls()
        delays = raw.get("retry_delays_s", list(defaults.schedule.delays_s))
        if (
            not isinstance(delays, list)
            or not delays
            or any(isinstance(delay, bool) or not isinstance(delay, int | float) for delay in delays)
            or any(not math.isfinite(delay) or delay < 0 for delay in delays)
        ):
            raise error("retry_delays_s", "a non-empty list of seconds (numbers ≥ 0) between attempts")
        content_type = raw.get("content_type", defaults.content_type)
        if content_type not in CONTENT_TYPES:
            raise error("content_type", f"one of {list(CONTENT_TYPES)}")
        schedule = RetrySchedule(
            delays_s=tuple(float(delay) for delay in delays),
            jitter=number("jitter", defaults.schedule.jitter, lambda value: 0 <= value < 1, "a fraction in [0, 1)"),
            max_retry_after_s=number(
                "max_retry_after_s", defaults.schedule.max_retry_after_s, lambda value: value >= 0, "seconds ≥ 0"
            ),
        )
        return cls(
            allow_private=flag("allow_private", defaults.allow_private),
            allow_loopback=flag("allow_loopback", defaults.allow_loopback),
            disable_after_days=number(
                "disable_after_days", defaults.disable_after_days, lambda value: value > 0, "a number of days > 0"
            ),
            timeout_s=number("timeout_s", defaults.timeout_s, lambda value: 0 < value <= 300, "seconds in (0, 300]"),
            content_type=content_type,
            schedule=schedule,
        )
