"""When to try a delivery again, and when to give up on an endpoint. Pure: the clock and the dice are arguments.

The retry schedule is svix's (the one Standard Webhooks' reference implementation runs): the first
attempt at once, then after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h — 27 h 35 min in all —
each delay jittered (±10 % by default) so that many deliveries failing together do not come back
together. A 2xx answer is success; ``410 Gone`` means the receiver wants nothing more (the endpoint is
disabled at once); anything else, redirects included, and timeouts and connection errors are retried.
``429`` and ``503`` may say ``Retry-After`` (seconds or an HTTP date): the next attempt waits for the
longer of that and the schedule, the former capped at :attr:`RetrySchedule.max_retry_after_s`.

An endpoint is disabled for failing only when it has failed *continuously* for days (no success in
between; :func:`endpoint_after_attempt`), never for a few failures in a short outage.
"""

from __future__ import annotations

import email.utils
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

__all__ = [
    "DEFAULT_DELAYS_S",
    "Decision",
    "DeliveryState",
    "EndpointChange",
    "Outcome",
    "RetrySchedule",
    "decide",
    "endpoint_after_attempt",
    "format_moment",
    "parse_retry_after",
]

DEFAULT_DELAYS_S: tuple[float, ...] = (5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600)
GONE = 410
#: the answers that may carry a Retry-After worth honouring
THROTTLING = frozenset({429, 503})
DAY_S = 86400.0


class DeliveryState(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class RetrySchedule:
    """The delays between attempts (the first attempt is immediate) and how they are jittered."""

    delays_s: tuple[float, ...] = DEFAULT_DELAYS_S
    #: each delay is multiplied by a factor drawn from [1 - jitter, 1 + jitter)
    jitter: float = 0.1
    #: a receiver's Retry-After is honoured up to this (a buggy "come back in a year" must not stall it)
    max_retry_after_s: float = DAY_S

    def __post_init__(self) -> None:
        if any(not math.isfinite(delay) or delay < 0 for delay in self.delays_s):
            raise ValueError(f"retry delays must be finite and not negative, got {list(self.delays_s)}")
        if not 0 <= self.jitter < 1:
            raise ValueError(f"jitter must be in [0, 1), got {self.jitter}")
        if not math.isfinite(self.max_retry_after_s) or self.max_retry_after_s < 0:
            raise ValueError(f"max_retry_after_s must be finite and not negative, got {self.max_retry_after_s}")

    @property
    def attempts(self) -> int:
        """How many scheduled attempts a delivery gets in all."""
        return len(self.delays_s) + 1

    def delay_after(self, attempt: int, random: Callable[[], float]) -> float | None:
        """The jittered wait after scheduled attempt number ``attempt`` (1-based) failed; None: it was the last."""
        if attempt < 1:
            raise ValueError(f"attempts are numbered from 1, got {attempt}")
        if attempt > len(self.delays_s):
            return None
        factor = 1 + self.jitter * (2 * random() - 1)
        return max(0.0, self.delays_s[attempt - 1] * factor)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one attempt got: an HTTP status, or an error (timeout, refused connection, refused target)."""

    status: int | None = None
    error: str | None = None
    retry_after: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def gone(self) -> bool:
        return self.status == GONE

    def describe(self) -> str:
        return f"HTTP {self.status}" if self.status is not None else (self.error or "no answer")


@dataclass(frozen=True, slots=True)
class Decision:
    """What becomes of a delivery after an attempt."""

    state: DeliveryState
    next_attempt_at: float | None


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta seconds or an HTTP date); None if absent or unreadable."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        return float(text)
    try:
        moment = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:  # RFC 9110 dates are GMT; a date without a zone is read as such
        return None
    return max(0.0, moment.timestamp() - now)


def decide(
    schedule: RetrySchedule, attempt: int, outcome: Outcome, now: float, random: Callable[[], float]
) -> Decision:
    """The delivery's state after its scheduled attempt number ``attempt`` had ``outcome`` at ``now``."""
    if outcome.succeeded:
        return Decision(DeliveryState.SUCCEEDED, None)
    if outcome.gone:  # the endpoint is disabled too: see endpoint_after_attempt
        return Decision(DeliveryState.FAILED, None)
    delay = schedule.delay_after(attempt, random)
    if delay is None:
        return Decision(DeliveryState.FAILED, None)
    if outcome.status in THROTTLING:
        asked = parse_retry_after(outcome.retry_after, now)
        if asked is not None:
            delay = max(delay, min(asked, schedule.max_retry_after_s))
    return Decision(DeliveryState.PENDING, now + delay)


@dataclass(frozen=True, slots=True)
class EndpointChange:
    """The endpoint's failure record after an attempt, and whether it must now be disabled."""

    failing_since: float | None
    disable_reason: str | None = None


def endpoint_after_attempt(
    failing_since: float | None, outcome: Outcome, now: float, disable_after_days: float
) -> EndpointChange:
    """Track continuous failure: a success clears it; failing for ``disable_after_days`` disables the endpoint.

    ``failing_since`` is the first failure after the last success, so a short outage (even one with
    many failed attempts) never disables anything: only days without a single success do.
    """
    if outcome.succeeded:
        return EndpointChange(None)
    since = now if failing_since is None else failing_since
    if outcome.gone:
        return EndpointChange(since, f"the endpoint answered 410 Gone at {format_moment(now)}")
    if now - since >= disable_after_days * DAY_S:
        reason = (
            f"failing continuously since {format_moment(since)} ({(now - since) / DAY_S:.1f} days, the limit is "
            f"{disable_after_days:g}); last answer: {outcome.describe()}"
        )
        return EndpointChange(since, reason)
    return EndpointChange(since)


def format_moment(moment: float) -> str:
    """A Unix time as RFC 3339 UTC to the second, for reasons and notices people read."""
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
