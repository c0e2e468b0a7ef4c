"""The retry schedule and the endpoint policy, on an injected clock and injected dice."""

from __future__ import annotations

import email.utils
from collections.abc import Callable

import pytest

from extracted.extensions.webhooks import DEFAULT_DELAYS_S, DeliveryState, Outcome, RetrySchedule, decide
from extracted.extensions.webhooks.schedule import DAY_S, endpoint_after_attempt, parse_retry_after

START = 1_800_000_000.0
MIDDLE = 0.5  # the dice's value that makes the jitter factor exactly 1
FAILED = Outcome(status=500)


def constant(value: float) -> Callable[[], float]:
    return lambda: value


def test_the_full_schedule_then_failed() -> None:
    schedule = RetrySchedule()
    assert schedule.attempts == 8
    now, times = START, [START]
    for attempt in range(1, 8):
        decision = decide(schedule, attempt, FAILED, now, lambda: MIDDLE)
        assert decision.state is DeliveryState.PENDING and decision.next_attempt_at is not None
        now = decision.next_attempt_at
        times.append(now)
    assert [round(moment - START) for moment in times] == [0, 5, 305, 2105, 9305, 27305, 63305, 99305]
    assert decide(schedule, 8, FAILED, now, lambda: MIDDLE).state is DeliveryState.FAILED
    assert DEFAULT_DELAYS_S == (5, 300, 1800, 7200, 18000, 36000, 36000)


@pytest.mark.parametrize("dice", [0.0, 0.01, 0.3, 0.5, 0.77, 0.999999])
def test_jitter_stays_within_ten_percent(dice: float) -> None:
    schedule = RetrySchedule()
    for attempt, delay in enumerate(DEFAULT_DELAYS_S, start=1):
        waited = schedule.delay_after(attempt, lambda: dice)
        assert waited is not None and 0.9 * delay <= waited < 1.1 * delay


def test_jitter_is_never_negative_and_spreads() -> None:
    wide = RetrySchedule(delays_s=(0.0, 10.0), jitter=0.99)
    assert wide.delay_after(1, lambda: 0.0) == 0.0
    assert wide.delay_after(2, lambda: 0.0) == pytest.approx(0.1)
    spread = {RetrySchedule().delay_after(2, constant(d / 10)) for d in range(10)}
    assert len(spread) == 10


def test_success_and_gone() -> None:
    schedule = RetrySchedule()
    for status in (200, 204, 299):
        assert decide(schedule, 3, Outcome(status=status), START, lambda: MIDDLE).state is DeliveryState.SUCCEEDED
    gone = decide(schedule, 1, Outcome(status=410), START, lambda: MIDDLE)
    assert gone.state is DeliveryState.FAILED and gone.next_attempt_at is None
    change = endpoint_after_attempt(None, Outcome(status=410), START, 5)
    assert change.disable_reason is not None and "410 Gone" in change.disable_reason
    for failure in (Outcome(status=301), Outcome(status=404), Outcome(error="timeout: ReadTimeout")):
        assert decide(schedule, 1, failure, START, lambda: MIDDLE).next_attempt_at == START + 5


def test_retry_after_in_seconds_and_as_a_date() -> None:
    schedule = RetrySchedule()
    later = decide(schedule, 1, Outcome(status=429, retry_after="120"), START, lambda: MIDDLE)
    assert later.next_attempt_at == START + 120
    date = email.utils.formatdate(START + 3600, usegmt=True)
    assert parse_retry_after(date, START) == 3600
    dated = decide(schedule, 2, Outcome(status=503, retry_after=date), START, lambda: MIDDLE)
    assert dated.next_attempt_at == START + 3600
    # the schedule wins when it waits longer; a year is capped at a day; other statuses' Retry-After is ignored
    assert decide(schedule, 3, Outcome(status=429, retry_after="60"), START, lambda: MIDDLE).next_attempt_at == (
        START + 1800
    )
    capped = decide(schedule, 1, Outcome(status=503, retry_after=str(365 * 86400)), START, lambda: MIDDLE)
    assert capped.next_attempt_at == START + DAY_S
    assert decide(schedule, 1, Outcome(status=500, retry_after="900"), START, lambda: MIDDLE).next_attempt_at == (
        START + 5
    )
    assert parse_retry_after("soon", START) is None and parse_retry_after(None, START) is None
    assert parse_retry_after(email.utils.formatdate(START - 60, usegmt=True), START) == 0


def test_days_of_continuous_failure_disable_the_endpoint() -> None:
    failing_since, now = None, START
    while True:
        change = endpoint_after_attempt(failing_since, FAILED, now, 5)
        failing_since = change.failing_since
        if change.disable_reason is not None:
            break
        now += 3600
    assert failing_since == START and now == START + 5 * DAY_S
    assert "failing continuously since" in change.disable_reason and "last answer: HTTP 500" in change.disable_reason


def test_a_short_outage_never_disables() -> None:
    failing_since, now = None, START
    for day in range(30):  # a month in which the endpoint fails for an hour every day, 120 times
        for _ in range(120):
            change = endpoint_after_attempt(failing_since, FAILED, now, 5)
            assert change.disable_reason is None
            failing_since = change.failing_since
            now += 30
        assert failing_since == START + day * DAY_S
        failing_since = endpoint_after_attempt(failing_since, Outcome(status=200), now, 5).failing_since
        assert failing_since is None
        now = START + (day + 1) * DAY_S


def test_bad_schedules_are_refused() -> None:
    with pytest.raises(ValueError, match="not negative"):
        RetrySchedule(delays_s=(5, -1))
    with pytest.raises(ValueError, match="jitter"):
        RetrySchedule(jitter=1.0)
    with pytest.raises(ValueError, match="numbered from 1"):
        RetrySchedule().delay_after(0, lambda: MIDDLE)
