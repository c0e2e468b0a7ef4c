"""The supervisor's pure core: what counts as a crash, when a restart is due, how backoff grows."""

from __future__ import annotations

from cli.stack.supervision import Backoff, RestartRecord, State, state_of

BACKOFF = Backoff(initial=1.0, factor=2.0, maximum=8.0, stable_after=60.0)


def test_a_crash_is_a_recorded_process_that_no_longer_runs() -> None:
    assert state_of([True, True], [True, True]) is State.RUNNING
    assert state_of([True, True], [True, False]) is State.CRASHED
    # A record missing: being started, or stopped on purpose (a stop removes the record first).
    assert state_of([True, False], [True, False]) is State.STOPPED
    assert state_of([], []) is State.STOPPED


def test_the_first_crash_restarts_at_once_and_repeats_back_off() -> None:
    record = RestartRecord()
    assert record.observe(State.CRASHED, 100.0, BACKOFF)
    record.restarted(100.0, None, BACKOFF)
    due = []
    now = 100.0
    for _ in range(5):  # crashes again right after each restart
        now += 0.5
        assert not record.observe(State.CRASHED, now, BACKOFF)
        assert record.restart_due is not None
        due.append(record.restart_due - now)
        now = record.restart_due
        assert record.observe(State.CRASHED, now, BACKOFF)
        record.restarted(now, None, BACKOFF)
    assert due == [1.0, 2.0, 4.0, 8.0, 8.0]
    assert record.restarts == 6 and len(record.history) == 6


def test_a_component_that_stayed_up_starts_counting_again() -> None:
    record = RestartRecord(restarts=3, repeats=3, last_restart=0.0)
    assert record.observe(State.CRASHED, 61.0, BACKOFF)
    assert record.repeats == 0


def test_a_failed_restart_is_owed_until_the_component_runs() -> None:
    record = RestartRecord()
    assert record.observe(State.CRASHED, 10.0, BACKOFF)
    record.restarted(10.0, "port 18010 needed by content is already in use", BACKOFF)
    assert record.owed and record.failed_restarts == 1
    # Its processes are not recorded (the start never got that far), yet it is still due.
    assert not record.observe(State.STOPPED, 10.5, BACKOFF)
    assert record.observe(State.STOPPED, 11.0, BACKOFF)
    # Someone else (strangler up) brought it back: nothing is owed any more.
    record.restarted(11.0, "again", BACKOFF)
    assert not record.observe(State.RUNNING, 11.1, BACKOFF)
    assert not record.owed and not record.observe(State.STOPPED, 100.0, BACKOFF)


def test_a_stopped_component_is_left_alone() -> None:
    record = RestartRecord()
    assert not any(record.observe(State.STOPPED, float(t), BACKOFF) for t in range(100))


def test_records_round_trip_through_plain_data() -> None:
    record = RestartRecord()
    record.observe(State.CRASHED, 1.0, BACKOFF)
    record.restarted(1.0, "boom", BACKOFF)
    assert RestartRecord.from_data(record.to_data() | {"unknown": 1}) == record
